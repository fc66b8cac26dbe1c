// Resolves the CUDA driver API's entry points from the driver library with dlopen/dlsym.
#include "drivers/cuda/CudaDriverApi.h"

#include <cstdlib>
#include <dlfcn.h>

namespace het::runtime::cuda {

std::string CudaDriverApi::describe(CUresult error) const {
  const char *name = nullptr, *text = nullptr;
  if (cuGetErrorName(error, &name) != CUDA_SUCCESS || !name)
    return "CUDA error " + std::to_string(error);
  if (cuGetErrorString(error, &text) != CUDA_SUCCESS || !text)
    return name;
  return std::string(name) + " (" + text + ")";
}

std::string cudaLibraryName() {
  const char *explicitLibrary = std::getenv("HET_CUDA_LIBRARY");
  return explicitLibrary && *explicitLibrary ? explicitLibrary : "libcuda.so.1";
}

bool loadCudaDriverApi(const std::string &library, CudaDriverApi &api, std::string &reason) {
  void *handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    reason = library == "libcuda.so.1" ? "libcuda.so.1 not found: no NVIDIA driver"
                                       : "cannot open " + library + " (HET_CUDA_LIBRARY): " + ::dlerror();
    return false;
  }
  std::string missing;
#define HET_CUDA_DRIVER_RESOLVE(member, symbol, result, parameters)                                                    \
  api.member = reinterpret_cast<result(*) parameters>(::dlsym(handle, symbol));                                        \
  if (!api.member)                                                                                                     \
    missing += (missing.empty() ? "" : ", ") + std::string(symbol);
  HET_CUDA_DRIVER_SYMBOLS(HET_CUDA_DRIVER_RESOLVE)
#undef HET_CUDA_DRIVER_RESOLVE
  if (!missing.empty()) {
    reason = library + " lacks CUDA driver API entry points (" + missing + "): the NVIDIA driver is too old or broken";
    return false;
  }
  return true;
}

} // namespace het::runtime::cuda
