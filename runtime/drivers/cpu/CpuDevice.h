// The cpu driver: ELF_SHARED_OBJECT kernel variants run on the host's cores by oneTBB.
#ifndef HET_RUNTIME_DRIVERS_CPU_CPUDEVICE_H
#define HET_RUNTIME_DRIVERS_CPU_CPUDEVICE_H

#include "drivers/Device.h"

namespace het::runtime {

std::unique_ptr<Device> createCpuDevice(const DeviceOptions &options);

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_CPU_CPUDEVICE_H
