// A device that was probed and found missing (no library, no card): listed with the reason, runs nothing.
#ifndef HET_RUNTIME_DRIVERS_UNAVAILABLEDEVICE_H
#define HET_RUNTIME_DRIVERS_UNAVAILABLEDEVICE_H

#include "drivers/Device.h"

namespace het::runtime {

/// Every operation fails with HET_STATUS_UNAVAILABLE and `info.reason`; `info.available` must be false.
std::unique_ptr<Device> createUnavailableDevice(DeviceInfo info);

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_UNAVAILABLEDEVICE_H
