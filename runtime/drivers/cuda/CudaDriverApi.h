// The CUDA driver API entry points the cuda driver uses, resolved by name from libcuda.so.1 at run time.
//
// The types and constants are declared here (values as in CUDA's cuda.h) so that the runtime builds on machines
// without the CUDA toolkit. Each entry point is one line of HET_CUDA_DRIVER_SYMBOLS: the member name, the
// exported symbol (the versioned one where cuda.h maps the name to a _v2 symbol) and its C signature.
#ifndef HET_RUNTIME_DRIVERS_CUDA_CUDADRIVERAPI_H
#define HET_RUNTIME_DRIVERS_CUDA_CUDADRIVERAPI_H

#include <cstddef>
#include <string>

namespace het::runtime::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;
using CUjit_option = int;

constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_OUT_OF_MEMORY = 2;
constexpr int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr CUjit_option CU_JIT_ERROR_LOG_BUFFER = 5;
constexpr CUjit_option CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
constexpr unsigned CU_STREAM_NON_BLOCKING = 1;
constexpr unsigned CU_EVENT_DEFAULT = 0;

// X(member, exported symbol, return type, parameters)
#define HET_CUDA_DRIVER_SYMBOLS(X)                                                                                     \
  X(cuInit, "cuInit", CUresult, (unsigned flags))                                                                      \
  X(cuGetErrorName, "cuGetErrorName", CUresult, (CUresult error, const char **name))                                   \
  X(cuGetErrorString, "cuGetErrorString", CUresult, (CUresult error, const char **text))                               \
  X(cuDeviceGetCount, "cuDeviceGetCount", CUresult, (int *count))                                                      \
  X(cuDeviceGet, "cuDeviceGet", CUresult, (CUdevice * device, int ordinal))                                            \
  X(cuDeviceGetName, "cuDeviceGetName", CUresult, (char *name, int length, CUdevice device))                           \
  X(cuDeviceGetAttribute, "cuDeviceGetAttribute", CUresult, (int *value, int attribute, CUdevice device))              \
  X(cuDeviceTotalMem, "cuDeviceTotalMem_v2", CUresult, (std::size_t * bytes, CUdevice device))                         \
  X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", CUresult, (CUcontext * context, CUdevice device))            \
  X(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2", CUresult, (CUdevice device))                            \
  X(cuCtxPushCurrent, "cuCtxPushCurrent_v2", CUresult, (CUcontext context))                                            \
  X(cuCtxPopCurrent, "cuCtxPopCurrent_v2", CUresult, (CUcontext * context))                                            \
  X(cuModuleLoadDataEx, "cuModuleLoadDataEx", CUresult,                                                                \
    (CUmodule * module, const void *image, unsigned count, CUjit_option *options, void **values))                      \
  X(cuModuleUnload, "cuModuleUnload", CUresult, (CUmodule module))                                                     \
  X(cuModuleGetFunction, "cuModuleGetFunction", CUresult, (CUfunction * function, CUmodule module, const char *name))  \
  X(cuLaunchKernel, "cuLaunchKernel", CUresult,                                                                        \
    (CUfunction function, unsigned gridX, unsigned gridY, unsigned gridZ, unsigned blockX, unsigned blockY,            \
     unsigned blockZ, unsigned sharedMemoryBytes, CUstream stream, void **parameters, void **extra))                   \
  X(cuMemAlloc, "cuMemAlloc_v2", CUresult, (CUdeviceptr * pointer, std::size_t bytes))                                 \
  X(cuMemFree, "cuMemFree_v2", CUresult, (CUdeviceptr pointer))                                                        \
  X(cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2", CUresult,                                                               \
    (CUdeviceptr destination, const void *source, std::size_t bytes, CUstream stream))                                 \
  X(cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2", CUresult,                                                               \
    (void *destination, CUdeviceptr source, std::size_t bytes, CUstream stream))                                       \
  X(cuStreamCreate, "cuStreamCreate", CUresult, (CUstream * stream, unsigned flags))                                   \
  X(cuStreamDestroy, "cuStreamDestroy_v2", CUresult, (CUstream stream))                                                \
  X(cuStreamSynchronize, "cuStreamSynchronize", CUresult, (CUstream stream))                                           \
  X(cuEventCreate, "cuEventCreate", CUresult, (CUevent * event, unsigned flags))                                       \
  X(cuEventDestroy, "cuEventDestroy_v2", CUresult, (CUevent event))                                                    \
  X(cuEventRecord, "cuEventRecord", CUresult, (CUevent event, CUstream stream))                                        \
  X(cuEventSynchronize, "cuEventSynchronize", CUresult, (CUevent event))                                               \
  X(cuEventElapsedTime, "cuEventElapsedTime", CUresult, (float *milliseconds, CUevent start, CUevent end))

/// Every entry point of HET_CUDA_DRIVER_SYMBOLS, all non-null once loaded.
struct CudaDriverApi {
#define HET_CUDA_DRIVER_MEMBER(member, symbol, result, parameters) result(*member) parameters = nullptr;
  HET_CUDA_DRIVER_SYMBOLS(HET_CUDA_DRIVER_MEMBER)
#undef HET_CUDA_DRIVER_MEMBER

  /// "CUDA_ERROR_OUT_OF_MEMORY (out of memory)", or the bare number when the library cannot name it.
  std::string describe(CUresult error) const;
};

/// The library to open: $HET_CUDA_LIBRARY when set and not empty (a test and diagnostic hook, e.g. a fake
/// libcuda), else libcuda.so.1 as the NVIDIA driver installs it.
std::string cudaLibraryName();

/// Opens `library` and resolves every entry point. On failure returns false with `reason` saying what is
/// missing. The library stays loaded for the life of the process: NVIDIA does not support unloading libcuda.
bool loadCudaDriverApi(const std::string &library, CudaDriverApi &api, std::string &reason);

} // namespace het::runtime::cuda

#endif // HET_RUNTIME_DRIVERS_CUDA_CUDADRIVERAPI_H
