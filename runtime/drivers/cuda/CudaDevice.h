// The cuda driver: PTX_TEXT and CUBIN kernel variants on an NVIDIA GPU through the CUDA driver API.
#ifndef HET_RUNTIME_DRIVERS_CUDA_CUDADEVICE_H
#define HET_RUNTIME_DRIVERS_CUDA_CUDADEVICE_H

#include "drivers/Device.h"

namespace het::runtime {

/// The first GPU of the CUDA driver library (cuda::cudaLibraryName()) as the device "cuda", or an unavailable
/// device saying why there is none: no library, entry points missing, cuInit failing, no GPU.
std::unique_ptr<Device> createCudaDevice(const DeviceOptions &options);

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_CUDA_CUDADEVICE_H
