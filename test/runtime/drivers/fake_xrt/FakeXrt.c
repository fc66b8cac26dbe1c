/* A fake XRT for the xrt driver's tests: xclProbe and the XRT C API entry points the driver uses, over host memory.
 *
 * Loaded through HET_XRT_LIBRARY. It records each call that matters to the tests (fake_xrt_log), counts live
 * handles, and runs one kernel by name, "het_test_add" (sum[i] = x[i] + y[i] over the sum buffer), which fails
 * its run when a buffer is not in the memory bank its argument is connected to, as a card would compute garbage.
 * A fake xclbin is "xclbin2" and a NUL, a 16-byte UUID, then text "<kernel>:<bank of each argument>;..." ending
 * in a NUL, e.g. "het_test_add:0,1,1;". One card, holding one xclbin at a time. */
#include "FakeXrt.h"
#include "fake_call_log/FakeCallLog.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kMaxArguments = 8, kCommandCompleted = 4, kCommandError = 5 };

typedef struct {
  unsigned char uuid[16];
  char *kernels;
} FakeXclbin;

typedef struct {
  char name[64];
  int groups[kMaxArguments];
  int argumentCount;
} FakeKernel;

typedef struct {
  size_t size;
  int group;
  unsigned char *bytes;
} FakeBuffer;

typedef struct {
  FakeKernel *kernel;
  FakeBuffer *arguments[kMaxArguments];
  int state;
} FakeRun;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned cardCount = 1;
static int cardOpen = 0, deviceHandle;
static int loaded = 0;
static unsigned char loadedUuid[16];
static char loadedKernels[512];

void fake_xrt_configure(unsigned cards) {
  pthread_mutex_lock(&lock);
  cardCount = cards;
  loaded = 0;
  pthread_mutex_unlock(&lock);
  fake_clear_log();
}

const char *fake_xrt_log(void) { return fake_log_text(); }
int fake_xrt_live_handles(void) { return fake_handle_count(); }

unsigned xclProbe(void) { return cardCount; }

void *xrtDeviceOpen(unsigned index) {
  fake_record("xrtDeviceOpen %u", index);
  if (index >= cardCount || cardOpen)
    return NULL;
  cardOpen = 1;
  fake_count_handle(1);
  return &deviceHandle;
}

int xrtDeviceClose(void *device) {
  fake_record("xrtDeviceClose");
  if (device != &deviceHandle)
    return -1;
  cardOpen = 0;
  fake_count_handle(-1);
  return 0;
}

/* ---- xclbins and kernels ---- */

void *xrtXclbinAllocRawData(const char *data, int size) {
  if (size < 25 || memcmp(data, "xclbin2", 8) != 0 || data[size - 1] != '\0')
    return NULL;
  FakeXclbin *xclbin = malloc(sizeof *xclbin);
  memcpy(xclbin->uuid, data + 8, 16);
  xclbin->kernels = strdup(data + 24);
  fake_count_handle(1);
  return xclbin;
}

int xrtXclbinFreeHandle(void *handle) {
  FakeXclbin *xclbin = handle;
  free(xclbin->kernels);
  free(xclbin);
  fake_count_handle(-1);
  return 0;
}

int xrtXclbinGetUUID(void *handle, unsigned char uuid[16]) {
  memcpy(uuid, ((FakeXclbin *)handle)->uuid, 16);
  return 0;
}

int xrtDeviceLoadXclbinHandle(void *device, void *handle) {
  FakeXclbin *xclbin = handle;
  fake_record("xrtDeviceLoadXclbinHandle %.16s", (const char *)xclbin->uuid);
  if (device != &deviceHandle)
    return -1;
  loaded = 1;
  memcpy(loadedUuid, xclbin->uuid, 16);
  snprintf(loadedKernels, sizeof loadedKernels, "%s", xclbin->kernels);
  return 0;
}

void *xrtPLKernelOpen(void *device, const unsigned char uuid[16], const char *name) {
  fake_record("xrtPLKernelOpen %s", name);
  if (device != &deviceHandle || !loaded || memcmp(uuid, loadedUuid, 16) != 0)
    return NULL;
  char key[80];
  snprintf(key, sizeof key, "%s:", name);
  const char *entry = strstr(loadedKernels, key);
  if (!entry || (entry != loadedKernels && entry[-1] != ';'))
    return NULL;
  FakeKernel *kernel = calloc(1, sizeof *kernel);
  snprintf(kernel->name, sizeof kernel->name, "%s", name);
  for (const char *at = entry + strlen(key); *at && *at != ';' && kernel->argumentCount < kMaxArguments;) {
    char *end = NULL;
    kernel->groups[kernel->argumentCount++] = (int)strtol(at, &end, 10);
    at = *end == ',' ? end + 1 : end;
  }
  fake_count_handle(1);
  return kernel;
}

int xrtKernelClose(void *kernel) {
  fake_record("xrtKernelClose %s", ((FakeKernel *)kernel)->name);
  free(kernel);
  fake_count_handle(-1);
  return 0;
}

int xrtKernelArgGroupId(void *handle, int argument) {
  FakeKernel *kernel = handle;
  return argument >= 0 && argument < kernel->argumentCount ? kernel->groups[argument] : -1;
}

/* ---- buffers ---- */

void *xrtBOAlloc(void *device, size_t size, uint64_t flags, uint32_t group) {
  fake_record("xrtBOAlloc %zu group=%u", size, group);
  if (device != &deviceHandle || flags != 0)
    return NULL;
  FakeBuffer *buffer = malloc(sizeof *buffer);
  buffer->size = size;
  buffer->group = (int)group;
  buffer->bytes = calloc(1, size);
  fake_count_handle(1);
  return buffer;
}

int xrtBOFree(void *handle) {
  FakeBuffer *buffer = handle;
  free(buffer->bytes);
  free(buffer);
  fake_count_handle(-1);
  return 0;
}

int xrtBOWrite(void *handle, const void *source, size_t size, size_t seek) {
  FakeBuffer *buffer = handle;
  fake_record("xrtBOWrite %zu", size);
  if (seek + size > buffer->size)
    return -1;
  memcpy(buffer->bytes + seek, source, size);
  return 0;
}

int xrtBORead(void *handle, void *destination, size_t size, size_t skip) {
  FakeBuffer *buffer = handle;
  fake_record("xrtBORead %zu", size);
  if (skip + size > buffer->size)
    return -1;
  memcpy(destination, buffer->bytes + skip, size);
  return 0;
}

int xrtBOSync(void *handle, int direction, size_t size, size_t offset) {
  fake_record("xrtBOSync %s %zu", direction == 0 ? "to-device" : "from-device", size);
  return offset + size <= ((FakeBuffer *)handle)->size ? 0 : -1;
}

int xrtBOCopy(void *destination, void *source, size_t size, size_t destinationOffset, size_t sourceOffset) {
  FakeBuffer *to = destination, *from = source;
  fake_record("xrtBOCopy %zu group=%d to group=%d", size, from->group, to->group);
  if (destinationOffset + size > to->size || sourceOffset + size > from->size)
    return -1;
  memcpy(to->bytes + destinationOffset, from->bytes + sourceOffset, size);
  return 0;
}

/* ---- runs ---- */

void *xrtRunOpen(void *kernel) {
  FakeRun *run = calloc(1, sizeof *run);
  run->kernel = kernel;
  run->state = 1; /* new */
  fake_count_handle(1);
  return run;
}

int xrtRunSetArg(void *handle, int index, ...) {
  FakeRun *run = handle;
  if (index < 0 || index >= run->kernel->argumentCount)
    return -1;
  va_list arguments;
  va_start(arguments, index);
  run->arguments[index] = va_arg(arguments, void *);
  va_end(arguments);
  return 0;
}

int xrtRunStart(void *handle) {
  FakeRun *run = handle;
  FakeKernel *kernel = run->kernel;
  fake_record("xrtRunStart %s", kernel->name);
  run->state = kCommandCompleted;
  for (int i = 0; i < kernel->argumentCount; ++i)
    if (!run->arguments[i] || run->arguments[i]->group != kernel->groups[i]) {
      fake_record("argument %d is not in bank %d", i, kernel->groups[i]);
      run->state = kCommandError;
    }
  if (run->state != kCommandCompleted || strcmp(kernel->name, "het_test_add") != 0)
    return 0;
  const float *x = (const float *)run->arguments[0]->bytes, *y = (const float *)run->arguments[1]->bytes;
  float *sum = (float *)run->arguments[2]->bytes;
  for (size_t i = 0; i < run->arguments[2]->size / sizeof(float); ++i)
    sum[i] = x[i] + y[i];
  return 0;
}

int xrtRunWait(void *handle) { return ((FakeRun *)handle)->state; }

int xrtRunClose(void *handle) {
  free(handle);
  fake_count_handle(-1);
  return 0;
}
