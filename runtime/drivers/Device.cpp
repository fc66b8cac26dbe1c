// Defaults of the device interface for drivers whose memory is not the host's and whose kernels run elsewhere.
#include "drivers/Device.h"

#include "api/Status.h"

namespace het::runtime {

het_status_t Device::wrapHostMemory(void *, std::size_t, std::unique_ptr<DeviceBuffer> &) {
  return makeStatus(HET_STATUS_UNSUPPORTED,
                    "device '" + info().name + "' cannot use host memory in place; copy it to the device");
}

het_status_t Device::runHostWork(std::int64_t, const std::function<void(std::int64_t, std::int64_t)> &) {
  return makeStatus(HET_STATUS_UNSUPPORTED, "device '" + info().name + "' does not run kernels on the host");
}

} // namespace het::runtime
