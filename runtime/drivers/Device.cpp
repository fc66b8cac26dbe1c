// Defaults of the device interface: no host memory in place, no host work, calibration as host work, and events
// on the host clock for devices whose launches finish before they return.
#include "drivers/Device.h"

#include "api/Status.h"
#include "drivers/CalibrationWork.h"

#include <chrono>

namespace het::runtime {
namespace {

/// The host clock when the device had finished everything issued before the event.
class HostClockEvent final : public DeviceEvent {
public:
  std::chrono::steady_clock::time_point time = std::chrono::steady_clock::now();
};

} // namespace

het_status_t Device::wrapHostMemory(void *, std::size_t, std::unique_ptr<DeviceBuffer> &) {
  return makeStatus(HET_STATUS_UNSUPPORTED,
                    "device '" + info().name + "' cannot use host memory in place; copy it to the device");
}

het_status_t Device::runHostWork(std::int64_t, const std::function<void(std::int64_t, std::int64_t)> &) {
  return makeStatus(HET_STATUS_UNSUPPORTED, "device '" + info().name + "' does not run kernels on the host");
}

het_status_t Device::runCalibrationChunks(std::int64_t chunks) {
  return runHostWork(chunks, [](std::int64_t begin, std::int64_t end) {
    for (std::int64_t chunk = begin; chunk < end; ++chunk)
      runCalibrationChunkOnHost(chunk);
  });
}

het_status_t Device::recordEvent(std::unique_ptr<DeviceEvent> &outEvent) {
  HET_RETURN_IF_ERROR(synchronize());
  outEvent = std::make_unique<HostClockEvent>();
  return nullptr;
}

het_status_t Device::waitForEvent(DeviceEvent &) { return nullptr; }

het_status_t Device::elapsedMilliseconds(DeviceEvent &start, DeviceEvent &end, double &outMilliseconds) {
  auto &from = static_cast<HostClockEvent &>(start), &to = static_cast<HostClockEvent &>(end);
  outMilliseconds = std::chrono::duration<double, std::milli>(to.time - from.time).count();
  return nullptr;
}

} // namespace het::runtime
