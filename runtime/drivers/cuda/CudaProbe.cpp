// Looks for libcuda.so.1 and asks it how many GPUs there are, through dlopen/dlsym only.
#include "drivers/cuda/CudaProbe.h"

#include <dlfcn.h>

namespace het::runtime {
namespace {

/// The few CUDA driver API entry points the probe needs, with their C signatures (CUresult is an int enum).
struct CudaDriverApi {
  int (*cuInit)(unsigned flags);
  int (*cuDeviceGetCount)(int *count);
  int (*cuDeviceGet)(int *device, int ordinal);
  int (*cuDeviceGetName)(char *name, int length, int device);
};

template <typename Function> bool lookup(void *library, const char *symbol, Function &function) {
  function = reinterpret_cast<Function>(::dlsym(library, symbol));
  return function != nullptr;
}

std::string describeDevices(const CudaDriverApi &api, int count) {
  std::string names;
  for (int ordinal = 0; ordinal < count; ++ordinal) {
    int device = 0;
    char name[256] = {};
    if (api.cuDeviceGet(&device, ordinal) != 0 || api.cuDeviceGetName(name, sizeof name - 1, device) != 0)
      continue;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  return std::to_string(count) + " CUDA device(s)" + (names.empty() ? "" : " (" + names + ")");
}

} // namespace

DeviceInfo probeCudaDevice() {
  DeviceInfo info;
  info.name = "cuda";
  info.kind = HET_DEVICE_KIND_CUDA;
  info.description = "NVIDIA GPUs through the CUDA driver API";
  info.variantFormats = {"PTX/PTX_TEXT", "PTX/CUBIN"};
  // Kept loaded for the life of the process: unloading the CUDA driver library is not supported by NVIDIA.
  void *library = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    info.reason = "libcuda.so.1 not found: no NVIDIA driver";
    return info;
  }
  CudaDriverApi api{};
  if (!lookup(library, "cuInit", api.cuInit) || !lookup(library, "cuDeviceGetCount", api.cuDeviceGetCount) ||
      !lookup(library, "cuDeviceGet", api.cuDeviceGet) || !lookup(library, "cuDeviceGetName", api.cuDeviceGetName)) {
    info.reason = "libcuda.so.1 lacks the CUDA driver API entry points: the NVIDIA driver is too old or broken";
    return info;
  }
  int count = 0;
  if (int error = api.cuInit(0)) {
    info.reason = "cuInit failed with CUDA error " + std::to_string(error) + ": no usable NVIDIA GPU";
    return info;
  }
  if (int error = api.cuDeviceGetCount(&count)) {
    info.reason = "cuDeviceGetCount failed with CUDA error " + std::to_string(error);
    return info;
  }
  if (count == 0) {
    info.reason = "libcuda.so.1 found, but it reports no CUDA device";
    return info;
  }
  info.reason = "found " + describeDevices(api, count) +
                ", but this runtime cannot launch on CUDA devices yet (the cuda driver is planned)";
  return info;
}

} // namespace het::runtime
