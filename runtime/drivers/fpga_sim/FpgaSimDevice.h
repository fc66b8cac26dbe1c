// The fpga-sim driver: HLS C-simulation objects run on the host, with a card's explicit transfers.
#ifndef HET_RUNTIME_DRIVERS_FPGA_SIM_FPGASIMDEVICE_H
#define HET_RUNTIME_DRIVERS_FPGA_SIM_FPGASIMDEVICE_H

#include "drivers/Device.h"

namespace het::runtime {

std::unique_ptr<Device> createFpgaSimDevice(const DeviceOptions &options);

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_FPGA_SIM_FPGASIMDEVICE_H
