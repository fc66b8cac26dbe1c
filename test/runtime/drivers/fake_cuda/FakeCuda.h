/* The test controls of the fake CUDA driver library (FakeCuda.c), which the tests look up with dlsym. */
#ifndef HET_TEST_RUNTIME_DRIVERS_FAKE_CUDA_FAKECUDA_H
#define HET_TEST_RUNTIME_DRIVERS_FAKE_CUDA_FAKECUDA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the next cuInit, cuDeviceGetCount and attribute queries report: compute capability major.minor,
 * the number of GPUs and the memory of each. Also clears the call log and numbers streams from 1 again. */
void fake_cuda_configure(int major, int minor, int deviceCount, size_t memoryBytes);

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
