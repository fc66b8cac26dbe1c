// The computing-force pool: devices, their lazily calibrated rates, their health, and lookup by name.
#include "pool/DevicePool.h"

#include "api/Status.h"

#include <charconv>

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
      capabilities.reason = std::string("not calibrated: ") + het_status_message(status);
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

void DevicePool::markFailed(std::size_t index, const std::string &reason) {
  std::lock_guard<std::mutex> lock(healthMutex_);
  Entry &entry = *entries_[index];
  if (!entry.failed.exchange(true))
    entry.failureReason = reason;
}

bool DevicePool::failed(std::size_t index) const { return entries_[index]->failed.load(); }

std::string DevicePool::failureReason(std::size_t index) const {
  std::lock_guard<std::mutex> lock(healthMutex_);
  return entries_[index]->failureReason;
}

het_status_t DevicePool::injectFault(const std::string &spec, const std::string &origin) {
  std::string names;
  for (const std::unique_ptr<Device> &device : devices_)
    names += (names.empty() ? "" : ", ") + device->info().name;
  std::size_t colon = spec.rfind(':');
  std::uint64_t launch = 0;
  const char *number = spec.data() + (colon == std::string::npos ? spec.size() : colon + 1);
  auto [end, error] = std::from_chars(number, spec.data() + spec.size(), launch);
  if (colon == std::string::npos || colon == 0 || error != std::errc() || end != spec.data() + spec.size() ||
      launch == 0)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT,
                      origin + " '" + spec + "': expected DEVICE:N, the device and the launch of it that fails " +
                          "(N >= 1), e.g. fpga-sim:3; devices: " + names);
  std::size_t index = find(spec.substr(0, colon));
  if (index == size())
    return makeStatus(HET_STATUS_INVALID_ARGUMENT,
                      origin + " '" + spec + "': unknown device '" + spec.substr(0, colon) + "'; devices: " + names);
  entries_[index]->faultAtLaunch = launch;
  entries_[index]->faultOrigin = origin + "=" + spec;
  return nullptr;
}

het_status_t DevicePool::countLaunch(std::size_t index) {
  Entry &entry = *entries_[index];
  std::uint64_t launch = ++entry.launches;
  if (!entry.faultAtLaunch || launch < entry.faultAtLaunch)
    return nullptr;
  return makeStatus(HET_STATUS_UNAVAILABLE, "injected fault at launch " + std::to_string(launch) + " of '" +
                                                devices_[index]->info().name + "' (" + entry.faultOrigin + ")");
}

} // namespace het::runtime
