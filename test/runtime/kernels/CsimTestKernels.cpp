// Kernels of the runtime tests as the HLS path builds them: top functions plus the `void **` wrappers the
// fpga-sim driver calls (docs/kernel-abi.md), on f32[4x8] tensors.
#include <cstdint>
#include <unistd.h>

namespace {
constexpr int kRows = 4, kColumns = 8;
} // namespace

extern "C" void add_top(const float *x, const float *y, float *sum) {
  for (int i = 0; i < kRows * kColumns; ++i)
    sum[i] = x[i] + y[i];
}

extern "C" void scale_rows_top(const float *in, const float *scale, float *out) {
  for (int row = 0; row < kRows; ++row)
    for (int column = 0; column < kColumns; ++column)
      out[row * kColumns + column] = in[row * kColumns + column] * scale[column];
}

extern "C" void het_test_add_csim(void **buffers) {
  add_top(static_cast<const float *>(buffers[0]), static_cast<const float *>(buffers[1]),
          static_cast<float *>(buffers[2]));
}

extern "C" void het_test_scale_rows_csim(void **buffers) {
  scale_rows_top(static_cast<const float *>(buffers[0]), static_cast<const float *>(buffers[1]),
                 static_cast<float *>(buffers[2]));
}

/* het_test_slow_add of CpuTestKernels.c as a C-simulation: sleeps 20 ms, then adds. */
extern "C" void het_test_slow_add_csim(void **buffers) {
  usleep(20000);
  het_test_add_csim(buffers);
}
