// The xrt driver: XCLBIN kernel variants on a Xilinx/AMD FPGA card through XRT, opened at run time.
#ifndef HET_RUNTIME_DRIVERS_XRT_XRTDEVICE_H
#define HET_RUNTIME_DRIVERS_XRT_XRTDEVICE_H

#include "drivers/Device.h"

namespace het::runtime {

/// The first card XRT sees as the device "xrt", or an unavailable device saying why there is none: no XRT
/// library, no card, a card that does not open.
std::unique_ptr<Device> createXrtDevice(const DeviceOptions &options);

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_XRT_XRTDEVICE_H
