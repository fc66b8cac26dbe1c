// Finding Xilinx/AMD FPGA cards through XRT, opened at run time so the runtime builds without it.
#ifndef HET_RUNTIME_DRIVERS_XRT_XRTPROBE_H
#define HET_RUNTIME_DRIVERS_XRT_XRTPROBE_H

#include "drivers/Device.h"

namespace het::runtime {

/// The xrt device as this machine has it. Running xclbins is issue 5's work, so it is never available yet;
/// the reason says whether XRT and a card were found.
DeviceInfo probeXrtDevice();

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_XRT_XRTPROBE_H
