// The computing-force pool: devices, their lazily calibrated rates, and lookup by name.
#include "pool/DevicePool.h"

#include "api/Status.h"

namespace het::runtime {

const char *calibrationSourceName(CalibrationSource source) {
  switch (source) {
  case CalibrationSource::None:
    return "none";
  case CalibrationSource::Measured:
    return "measured";
  case CalibrationSource::Cached:
    return "cached";
  }
  return "none";
}

DevicePool::DevicePool(std::vector<std::unique_ptr<Device>> devices, std::string cacheDirectory)
    : devices_(std::move(devices)), cacheDirectory_(std::move(cacheDirectory)) {
  for (std::size_t i = 0; i < devices_.size(); ++i)
    entries_.push_back(std::make_unique<Entry>());
}

std::size_t DevicePool::find(const std::string &name) const {
  for (std::size_t i = 0; i < devices_.size(); ++i)
    if (devices_[i]->info().name == name)
      return i;
  return devices_.size();
}

const DeviceCapabilities &DevicePool::capabilities(std::size_t index) {
  Entry &entry = *entries_[index];
  std::call_once(entry.once, [&] {
    Device &device = *devices_[index];
    DeviceCapabilities &capabilities = entry.capabilities;
    if (!device.info().available) {
      capabilities.reason = "device is unavailable: " + device.info().reason;
      return;
    }
    std::string key = calibrationKey(device.info());
    if (std::optional<DeviceRates> cached = loadCalibration(cacheDirectory_, key)) {
      capabilities.rates = *cached;
      capabilities.source = CalibrationSource::Cached;
      return;
    }
    std::lock_guard<std::mutex> lock(measuring_);
    het_status_t status = measureDeviceRates(device, capabilities.rates);
    if (status) {
      capabilities.reason = std::string("calibration failed: ") + het_status_message(status);
      het_status_free(status);
      capabilities.rates = {};
      return;
    }
    capabilities.source = CalibrationSource::Measured;
    ++measuredCount_;
    storeCalibration(cacheDirectory_, key, capabilities.rates);
  });
  return entry.capabilities;
}

} // namespace het::runtime
