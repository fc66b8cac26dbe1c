// Defaults of the device interface shared by drivers whose memory is not the host's.
#include "drivers/Device.h"

#include "api/Status.h"

namespace het::runtime {

het_status_t Device::wrapHostMemory(void *, std::size_t, std::unique_ptr<DeviceBuffer> &) {
  return makeStatus(HET_STATUS_UNSUPPORTED,
                    "device '" + info().name + "' cannot use host memory in place; copy it to the device");
}

} // namespace het::runtime
