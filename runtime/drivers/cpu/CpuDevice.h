// The cpu driver: ELF_SHARED_OBJECT kernel variants run on the host's cores by oneTBB.
#ifndef HET_RUNTIME_DRIVERS_CPU_CPUDEVICE_H
#define HET_RUNTIME_DRIVERS_CPU_CPUDEVICE_H

#include "drivers/Device.h"

namespace het::runtime {

/// One device "cpu", or options.cpuPartitions devices "cpu:0".."cpu:N-1" that split the threads between them.
std::vector<std::unique_ptr<Device>> createCpuDevices(const DeviceOptions &options);

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_CPU_CPUDEVICE_H
