/* The test controls of the fake CUDA driver library (FakeCuda.c), which the tests look up with dlsym. */
#ifndef HET_TEST_RUNTIME_DRIVERS_FAKE_CUDA_FAKECUDA_H
#define HET_TEST_RUNTIME_DRIVERS_FAKE_CUDA_FAKECUDA_H

#include <stddef.h>

/* The calibration kernel (het_calibration_fma) runs as long as a GPU of this many GFLOP/s would take for its
 * chunks, of FAKE_CUDA_CALIBRATION_FLOPS_PER_CHUNK flops each (the runtime's kCalibrationFlopsPerChunk), unless
 * fake_cuda_set_calibration_speed says otherwise. */
#define FAKE_CUDA_CALIBRATION_GFLOPS 1000.0
#define FAKE_CUDA_CALIBRATION_FLOPS_PER_CHUNK 262144.0

#ifdef __cplusplus
extern "C" {
#endif

/* What the next cuInit, cuDeviceGetCount and attribute queries report: compute capability major.minor,
 * the number of GPUs and the memory of each. Also clears the call log, numbers streams from 1 again and sets the
 * calibration speed back to FAKE_CUDA_CALIBRATION_GFLOPS. */
void fake_cuda_configure(int major, int minor, int deviceCount, size_t memoryBytes);

/* The speed the calibration kernel pretends, until the next configure; 0 makes it take no time at all, which
 * no calibration can time. */
void fake_cuda_set_calibration_speed(double gflops);

/* Every recorded call since the last configure, one line each, e.g.
 * "cuLaunchKernel het_test_add grid=4,1,1 block=8,1,1 shared=0 stream=1". */
const char *fake_cuda_log(void);

/* Handles not yet released: allocations, modules, streams, events and retained primary contexts. */
int fake_cuda_live_handles(void);

/* How many contexts the calling thread has pushed and not popped. */
int fake_cuda_context_depth(void);

#ifdef __cplusplus
}
#endif

#endif /* HET_TEST_RUNTIME_DRIVERS_FAKE_CUDA_FAKECUDA_H */
