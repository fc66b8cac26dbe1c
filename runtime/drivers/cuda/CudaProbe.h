// Finding NVIDIA GPUs through the CUDA driver library, opened at run time so the runtime builds without it.
#ifndef HET_RUNTIME_DRIVERS_CUDA_CUDAPROBE_H
#define HET_RUNTIME_DRIVERS_CUDA_CUDAPROBE_H

#include "drivers/Device.h"

namespace het::runtime {

/// The cuda device as this machine has it. Kernel launches on it are issue 5's work, so it is never
/// available yet; the reason says whether the driver library and a GPU were found.
DeviceInfo probeCudaDevice();

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_CUDA_CUDAPROBE_H
