/* A fake CUDA driver library for the cuda driver's tests: the cu* entry points it uses, over host memory.
 *
 * Loaded through HET_CUDA_LIBRARY instead of libcuda.so.1. It records each call that matters to the tests in a
 * log (fake_cuda_log), counts live handles, and runs one kernel by name, "het_test_add" (sum[i] = x[i] + y[i]
 * for every thread of the launch grid), so a launch with the wrong grid or arguments gives a wrong result.
 * Everything runs at once on the calling thread: streams and events only keep their order, which is the
 * calls' order. PTX "compiles" when its .target is not newer than the configured GPU; a "cubin" is the bytes
 * "\177ELF" followed by a NUL-terminated text naming its entries. */
#include "FakeCuda.h"
#include "fake_call_log/FakeCallLog.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_NOT_INITIALIZED = 3,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_INVALID_DEVICE = 101,
  CUDA_ERROR_INVALID_PTX = 218,
  CUDA_ERROR_NOT_FOUND = 500,
};

enum { kAttributeMultiprocessors = 16, kAttributeMajor = 75, kAttributeMinor = 76 };
enum { kJitErrorLog = 5, kJitErrorLogSize = 6 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int major = 8, minor = 0, deviceCount = 1, initialized = 0, nextStream = 1;
static size_t memoryBytes = (size_t)1 << 30, allocatedBytes = 0;
static double calibrationGflops = FAKE_CUDA_CALIBRATION_GFLOPS;
static __thread int contextDepth = 0;

void fake_cuda_configure(int newMajor, int newMinor, int newDeviceCount, size_t newMemoryBytes) {
  pthread_mutex_lock(&lock);
  major = newMajor;
  minor = newMinor;
  deviceCount = newDeviceCount;
  memoryBytes = newMemoryBytes;
  initialized = 0;
  nextStream = 1;
  calibrationGflops = FAKE_CUDA_CALIBRATION_GFLOPS;
  pthread_mutex_unlock(&lock);
  fake_clear_log();
}

void fake_cuda_set_calibration_speed(double gflops) {
  pthread_mutex_lock(&lock);
  calibrationGflops = gflops;
  pthread_mutex_unlock(&lock);
}

const char *fake_cuda_log(void) { return fake_log_text(); }
int fake_cuda_live_handles(void) { return fake_handle_count(); }
int fake_cuda_context_depth(void) { return contextDepth; }

/* ---- initialization, errors, devices, contexts ---- */

CUresult cuInit(unsigned flags) {
  fake_record("cuInit %u", flags);
  initialized = 1;
  return CUDA_SUCCESS;
}

CUresult cuGetErrorName(CUresult error, const char **name) {
  switch (error) {
  case CUDA_SUCCESS:
    *name = "CUDA_SUCCESS";
    return CUDA_SUCCESS;
  case CUDA_ERROR_OUT_OF_MEMORY:
    *name = "CUDA_ERROR_OUT_OF_MEMORY";
    return CUDA_SUCCESS;
  case CUDA_ERROR_INVALID_PTX:
    *name = "CUDA_ERROR_INVALID_PTX";
    return CUDA_SUCCESS;
  case CUDA_ERROR_NOT_FOUND:
    *name = "CUDA_ERROR_NOT_FOUND";
    return CUDA_SUCCESS;
  case CUDA_ERROR_INVALID_VALUE:
    *name = "CUDA_ERROR_INVALID_VALUE";
    return CUDA_SUCCESS;
  default:
    return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult cuGetErrorString(CUresult error, const char **text) {
  const char *name = NULL;
  if (cuGetErrorName(error, &name) != CUDA_SUCCESS)
    return CUDA_ERROR_INVALID_VALUE;
  *text = "as the fake driver reports it";
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int *count) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  *count = deviceCount;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGet(int *device, int ordinal) {
  if (ordinal < 0 || ordinal >= deviceCount)
    return CUDA_ERROR_INVALID_DEVICE;
  *device = ordinal;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char *name, int length, int device) {
  (void)device;
  snprintf(name, (size_t)length, "Fake GPU");
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
  (void)device;
  switch (attribute) {
  case kAttributeMajor:
    *value = major;
    return CUDA_SUCCESS;
  case kAttributeMinor:
    *value = minor;
    return CUDA_SUCCESS;
  case kAttributeMultiprocessors:
    *value = 4;
    return CUDA_SUCCESS;
  default:
    return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult cuDeviceTotalMem_v2(size_t *bytes, int device) {
  (void)device;
  *bytes = memoryBytes;
  return CUDA_SUCCESS;
}

static int primaryContext; /* its address is the context handle */

CUresult cuDevicePrimaryCtxRetain(void **context, int device) {
  fake_record("cuDevicePrimaryCtxRetain %d", device);
  *context = &primaryContext;
  fake_count_handle(1);
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(int device) {
  fake_record("cuDevicePrimaryCtxRelease %d", device);
  fake_count_handle(-1);
  return CUDA_SUCCESS;
}

CUresult cuCtxPushCurrent_v2(void *context) {
  if (context != &primaryContext)
    return CUDA_ERROR_INVALID_VALUE;
  ++contextDepth;
  return CUDA_SUCCESS;
}

CUresult cuCtxPopCurrent_v2(void **context) {
  if (contextDepth == 0)
    return CUDA_ERROR_INVALID_VALUE;
  --contextDepth;
  if (context)
    *context = &primaryContext;
  return CUDA_SUCCESS;
}

/* Every call below needs a current context, as the real driver does. */
#define REQUIRE_CONTEXT()                                                                                              \
  do {                                                                                                                 \
    if (contextDepth == 0) {                                                                                           \
      fake_record("%s without a current context", __func__);                                                           \
      return CUDA_ERROR_INVALID_VALUE;                                                                                 \
    }                                                                                                                  \
  } while (0)

/* ---- modules ---- */

typedef struct {
  int isCubin;
  char *text; /* the PTX, or a cubin's entry list */
} FakeModule;

CUresult cuModuleLoadDataEx(void **module, const void *image, unsigned count, int *options, void **values) {
  REQUIRE_CONTEXT();
  const char *bytes = image;
  int isCubin = memcmp(bytes, "\177ELF", 4) == 0;
  const char *text = isCubin ? bytes + 4 : bytes;
  char *errorLog = NULL;
  size_t errorLogSize = 0;
  for (unsigned i = 0; i < count; ++i) {
    if (options[i] == kJitErrorLog)
      errorLog = values[i];
    if (options[i] == kJitErrorLogSize)
      errorLogSize = (size_t)(uintptr_t)values[i];
  }
  fake_record("cuModuleLoadDataEx %s options=%u", isCubin ? "cubin" : "ptx", count);
  if (!isCubin) {
    const char *target = strstr(text, ".target sm_");
    int arch = target ? atoi(target + strlen(".target sm_")) : 0;
    if (!target || arch > major * 10 + minor) {
      if (errorLog && errorLogSize)
        snprintf(errorLog, errorLogSize, "fake ptxas: error: PTX .target sm_%d is newer than this sm_%d%d GPU", arch,
                 major, minor);
      return CUDA_ERROR_INVALID_PTX;
    }
  }
  FakeModule *loaded = malloc(sizeof *loaded);
  loaded->isCubin = isCubin;
  loaded->text = strdup(text);
  *module = loaded;
  fake_count_handle(1);
  return CUDA_SUCCESS;
}

CUresult cuModuleUnload(void *module) {
  REQUIRE_CONTEXT();
  FakeModule *loaded = module;
  fake_record("cuModuleUnload");
  free(loaded->text);
  free(loaded);
  fake_count_handle(-1);
  return CUDA_SUCCESS;
}

typedef struct {
  char name[128];
} FakeFunction;

CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
  REQUIRE_CONTEXT();
  FakeModule *loaded = module;
  char entry[160];
  snprintf(entry, sizeof entry, ".entry %s", name);
  fake_record("cuModuleGetFunction %s", name);
  if (!strstr(loaded->text, entry))
    return CUDA_ERROR_NOT_FOUND;
  /* Functions live as long as their module in the real driver; the fake never frees these few bytes. */
  FakeFunction *found = calloc(1, sizeof *found);
  snprintf(found->name, sizeof found->name, "%s", name);
  *function = found;
  return CUDA_SUCCESS;
}

/* ---- memory: a size header in front of each allocation ---- */

enum { kHeader = 64 };

static size_t allocationSize(CUdeviceptr pointer) { return *(size_t *)((char *)(uintptr_t)pointer - kHeader); }

CUresult cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
  REQUIRE_CONTEXT();
  fake_record("cuMemAlloc %zu", bytes);
  if (bytes == 0)
    return CUDA_ERROR_INVALID_VALUE;
  pthread_mutex_lock(&lock);
  int fits = bytes <= memoryBytes - allocatedBytes;
  if (fits)
    allocatedBytes += bytes;
  pthread_mutex_unlock(&lock);
  if (!fits)
    return CUDA_ERROR_OUT_OF_MEMORY;
  char *block = malloc(kHeader + bytes);
  *(size_t *)block = bytes;
  *pointer = (CUdeviceptr)(uintptr_t)(block + kHeader);
  fake_count_handle(1);
  return CUDA_SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr pointer) {
  REQUIRE_CONTEXT();
  size_t bytes = allocationSize(pointer);
  fake_record("cuMemFree %zu", bytes);
  pthread_mutex_lock(&lock);
  allocatedBytes -= bytes;
  pthread_mutex_unlock(&lock);
  free((char *)(uintptr_t)pointer - kHeader);
  fake_count_handle(-1);
  return CUDA_SUCCESS;
}

static int streamId(void *stream) { return stream ? *(int *)stream : 0; }

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr destination, const void *source, size_t bytes, void *stream) {
  REQUIRE_CONTEXT();
  fake_record("cuMemcpyHtoDAsync %zu stream=%d", bytes, streamId(stream));
  if (bytes > allocationSize(destination))
    return CUDA_ERROR_INVALID_VALUE;
  memcpy((void *)(uintptr_t)destination, source, bytes);
  return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoHAsync_v2(void *destination, CUdeviceptr source, size_t bytes, void *stream) {
  REQUIRE_CONTEXT();
  fake_record("cuMemcpyDtoHAsync %zu stream=%d", bytes, streamId(stream));
  if (bytes > allocationSize(source))
    return CUDA_ERROR_INVALID_VALUE;
  memcpy(destination, (const void *)(uintptr_t)source, bytes);
  return CUDA_SUCCESS;
}

/* ---- launches ---- */

/* The calibration kernel: one thread per chunk, taking as long as a GPU of calibrationGflops would. */
static CUresult calibrate(size_t threads, unsigned chunks) {
  if (threads < chunks)
    return CUDA_ERROR_INVALID_VALUE;
  pthread_mutex_lock(&lock);
  double gflops = calibrationGflops;
  pthread_mutex_unlock(&lock);
  if (gflops <= 0)
    return CUDA_SUCCESS;
  double seconds = chunks * FAKE_CUDA_CALIBRATION_FLOPS_PER_CHUNK / (gflops * 1e9);
  struct timespec duration = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
  nanosleep(&duration, NULL);
  return CUDA_SUCCESS;
}

CUresult cuLaunchKernel(void *function, unsigned gridX, unsigned gridY, unsigned gridZ, unsigned blockX,
                        unsigned blockY, unsigned blockZ, unsigned sharedMemoryBytes, void *stream, void **parameters,
                        void **extra) {
  REQUIRE_CONTEXT();
  const char *name = ((FakeFunction *)function)->name;
  int isAdd = strcmp(name, "het_test_add") == 0;
  int isCalibration = strcmp(name, "het_calibration_fma") == 0;
  fake_record("cuLaunchKernel %s grid=%u,%u,%u block=%u,%u,%u shared=%u stream=%d", name, gridX, gridY, gridZ, blockX,
              blockY, blockZ, sharedMemoryBytes, streamId(stream));
  if (extra || !parameters)
    return CUDA_ERROR_INVALID_VALUE;
  if (isCalibration)
    return calibrate(gridX * blockX, *(const unsigned *)parameters[1]);
  if (!isAdd)
    return CUDA_SUCCESS;
  CUdeviceptr x = *(CUdeviceptr *)parameters[0], y = *(CUdeviceptr *)parameters[1], sum = *(CUdeviceptr *)parameters[2];
  size_t threads = (size_t)gridX * gridY * gridZ * blockX * blockY * blockZ;
  size_t elements = allocationSize(sum) / sizeof(float);
  for (size_t i = 0; i < threads && i < elements; ++i)
    ((float *)(uintptr_t)sum)[i] = ((const float *)(uintptr_t)x)[i] + ((const float *)(uintptr_t)y)[i];
  return CUDA_SUCCESS;
}

/* ---- streams and events ---- */

CUresult cuStreamCreate(void **stream, unsigned flags) {
  REQUIRE_CONTEXT();
  int *created = malloc(sizeof *created);
  pthread_mutex_lock(&lock);
  *created = nextStream++;
  pthread_mutex_unlock(&lock);
  fake_record("cuStreamCreate %d flags=%u", *created, flags);
  *stream = created;
  fake_count_handle(1);
  return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(void *stream) {
  REQUIRE_CONTEXT();
  fake_record("cuStreamDestroy %d", streamId(stream));
  free(stream);
  fake_count_handle(-1);
  return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(void *stream) {
  REQUIRE_CONTEXT();
  fake_record("cuStreamSynchronize %d", streamId(stream));
  return CUDA_SUCCESS;
}

typedef struct {
  int recorded;
  struct timespec time;
} FakeEvent;

CUresult cuEventCreate(void **event, unsigned flags) {
  REQUIRE_CONTEXT();
  fake_record("cuEventCreate flags=%u", flags);
  *event = calloc(1, sizeof(FakeEvent));
  fake_count_handle(1);
  return CUDA_SUCCESS;
}

CUresult cuEventDestroy_v2(void *event) {
  REQUIRE_CONTEXT();
  free(event);
  fake_count_handle(-1);
  return CUDA_SUCCESS;
}

CUresult cuEventRecord(void *event, void *stream) {
  REQUIRE_CONTEXT();
  fake_record("cuEventRecord stream=%d", streamId(stream));
  FakeEvent *recorded = event;
  recorded->recorded = 1;
  clock_gettime(CLOCK_MONOTONIC, &recorded->time);
  return CUDA_SUCCESS;
}

CUresult cuEventSynchronize(void *event) {
  REQUIRE_CONTEXT();
  fake_record("cuEventSynchronize");
  return ((FakeEvent *)event)->recorded ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult cuEventElapsedTime(float *milliseconds, void *start, void *end) {
  REQUIRE_CONTEXT();
  fake_record("cuEventElapsedTime");
  FakeEvent *from = start, *to = end;
  if (!from->recorded || !to->recorded)
    return CUDA_ERROR_INVALID_VALUE;
  *milliseconds = (float)((double)(to->time.tv_sec - from->time.tv_sec) * 1e3 +
                          (double)(to->time.tv_nsec - from->time.tv_nsec) / 1e6);
  return CUDA_SUCCESS;
}
