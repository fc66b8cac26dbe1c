/* Kernels of the runtime tests in the cpu ABI of docs/kernel-abi.md: f32[4x8] tensors, one row per tile. */
#define _GNU_SOURCE
#include <stdint.h>
#include <unistd.h>

enum { kRows = 4, kColumns = 8 };

/* sum = x + y */
void het_test_add(void **buffers, int64_t tileBegin, int64_t tileEnd) {
  const float *x = buffers[0], *y = buffers[1];
  float *sum = buffers[2];
  for (int64_t row = tileBegin; row < tileEnd; ++row)
    for (int column = 0; column < kColumns; ++column)
      sum[row * kColumns + column] = x[row * kColumns + column] + y[row * kColumns + column];
}

/* sum = x + y + 1000: a second variant of "add" whose result shows which variant the driver picked. */
void het_test_add_marked(void **buffers, int64_t tileBegin, int64_t tileEnd) {
  het_test_add(buffers, tileBegin, tileEnd);
  float *sum = buffers[2];
  for (int64_t row = tileBegin; row < tileEnd; ++row)
    for (int column = 0; column < kColumns; ++column)
      sum[row * kColumns + column] += 1000.0f;
}

/* out[r][c] = in[r][c] * scale[c] */
void het_test_scale_rows(void **buffers, int64_t tileBegin, int64_t tileEnd) {
  const float *in = buffers[0], *scale = buffers[1];
  float *out = buffers[2];
  for (int64_t row = tileBegin; row < tileEnd; ++row)
    for (int column = 0; column < kColumns; ++column)
      out[row * kColumns + column] = in[row * kColumns + column] * scale[column];
}

/* ids[t] = the id of the thread that ran tile t, for i64[N] with one tile per element; shows how many threads
 * a launch used. */
void het_test_thread_ids(void **buffers, int64_t tileBegin, int64_t tileEnd) {
  int64_t *ids = buffers[0];
  for (int64_t tile = tileBegin; tile < tileEnd; ++tile)
    ids[tile] = gettid();
}

/* sum = x + y after sleeping 20 ms, one tile: long enough that two launches on different devices visibly overlap
 * in time, without using a core while it waits. */
void het_test_slow_add(void **buffers, int64_t tileBegin, int64_t tileEnd) {
  usleep(20000);
  het_test_add(buffers, 0, tileEnd > tileBegin ? kRows : 0);
}
