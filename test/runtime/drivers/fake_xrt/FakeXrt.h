/* The test controls of the fake XRT library (FakeXrt.c), which the tests look up with dlsym. */
#ifndef HET_TEST_RUNTIME_DRIVERS_FAKE_XRT_FAKEXRT_H
#define HET_TEST_RUNTIME_DRIVERS_FAKE_XRT_FAKEXRT_H

#ifdef __cplusplus
extern "C" {
#endif

/* How many cards the next xclProbe reports; also clears the call log and unloads the fake card's xclbin. */
void fake_xrt_configure(unsigned cards);

/* Every recorded call since the last configure, one line each, e.g. "xrtBOAlloc 128 group=1". */
const char *fake_xrt_log(void);

/* Handles not yet released: devices, xclbins, kernels, buffers and runs. */
int fake_xrt_live_handles(void);

#ifdef __cplusplus
}
#endif

#endif /* HET_TEST_RUNTIME_DRIVERS_FAKE_XRT_FAKEXRT_H */
