/* The call log and live-handle count of a fake vendor library: appended to from any thread, read by the tests. */
#include "FakeCallLog.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char callLog[1 << 16];
static size_t callLogLength = 0;
static int liveHandles = 0;

void fake_record(const char *format, ...) {
  char line[512];
  va_list arguments;
  va_start(arguments, format);
  vsnprintf(line, sizeof line, format, arguments);
  va_end(arguments);
  pthread_mutex_lock(&lock);
  size_t length = strlen(line);
  /* A full log keeps its first lines: the tests' few calls fit many times over. */
  if (callLogLength + length + 2 < sizeof callLog) {
    memcpy(callLog + callLogLength, line, length);
    callLogLength += length;
    callLog[callLogLength++] = '\n';
    callLog[callLogLength] = '\0';
  }
  pthread_mutex_unlock(&lock);
}

const char *fake_log_text(void) { return callLog; }

void fake_clear_log(void) {
  pthread_mutex_lock(&lock);
  callLogLength = 0;
  callLog[0] = '\0';
  pthread_mutex_unlock(&lock);
}

void fake_count_handle(int delta) {
  pthread_mutex_lock(&lock);
  liveHandles += delta;
  pthread_mutex_unlock(&lock);
}

int fake_handle_count(void) { return liveHandles; }
