// The computing-force pool: every device of the runtime with its capabilities and calibrated rates.
//
// The scheduler asks the pool, not the drivers. A device is calibrated the first time anyone asks for its
// rates, once per pool, and the result is cached on disk (pool/Calibration.h) for the next process. The pool
// also keeps each device's health: a device that failed a launch is out of placement for the pool's lifetime.
// Faults can be injected (HET_FAULT_INJECT) so that re-placement is tested without broken hardware.
#ifndef HET_RUNTIME_POOL_DEVICEPOOL_H
#define HET_RUNTIME_POOL_DEVICEPOOL_H

#include "drivers/Device.h"
#include "pool/Calibration.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace het::runtime {

/// Where a device's rates came from.
enum class CalibrationSource {
  None,     ///< not calibrated: the device is unavailable or cannot run the calibration
  Measured, ///< measured by this process
  Cached,   ///< read from the calibration cache
};

const char *calibrationSourceName(CalibrationSource source);

struct DeviceCapabilities {
  DeviceRates rates;
  CalibrationSource source = CalibrationSource::None;
  std::string reason; ///< why there are no rates, for CalibrationSource::None
};

class DevicePool {
public:
  /// Takes the devices; `cacheDirectory` is where calibrations are kept (empty: never cached).
  DevicePool(std::vector<std::unique_ptr<Device>> devices, std::string cacheDirectory);

  std::size_t size() const { return devices_.size(); }
  Device &device(std::size_t index) const { return *devices_[index]; }
  /// The index of the device called `name`, or size() when there is none.
  std::size_t find(const std::string &name) const;

  /// The device's rates, calibrating it (or reading the cache) on first use. Thread-safe.
  const DeviceCapabilities &capabilities(std::size_t index);

  /// How many calibrations this pool measured rather than read from the cache; for tests of the cache.
  unsigned measuredCount() const { return measuredCount_.load(); }

  /// Takes device `index` out of placement for good, with the reason it failed. Thread-safe.
  void markFailed(std::size_t index, const std::string &reason);
  /// Whether device `index` has failed, and why (empty when it has not). Thread-safe.
  bool failed(std::size_t index) const;
  std::string failureReason(std::size_t index) const;

  /// Makes launches of a device fail from its `launch`-th on (1-based, counted over the pool's lifetime), as a
  /// device that breaks mid-run would. `spec` is "DEVICE:N" (DEVICE may itself hold a colon, "cpu:1:3");
  /// `origin` names where it came from for messages. INVALID_ARGUMENT for a malformed spec or an unknown device.
  /// Not thread-safe: call it before anything runs on the pool's devices (the runtime does, when it is created).
  het_status_t injectFault(const std::string &spec, const std::string &origin);
  /// Counts one launch on device `index`, to be called right before it; UNAVAILABLE when an injected fault is due.
  het_status_t countLaunch(std::size_t index);

private:
  struct Entry {
    std::once_flag once;
    DeviceCapabilities capabilities;
    std::atomic<bool> failed{false};
    std::string failureReason; ///< guarded by healthMutex_
    std::atomic<std::uint64_t> launches{0};
    std::uint64_t faultAtLaunch = 0; ///< 0: no injected fault
    std::string faultOrigin;
  };

  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::string cacheDirectory_;
  /// Calibrations run one at a time: two partitions measured at once would each see half the machine.
  std::mutex measuring_;
  std::atomic<unsigned> measuredCount_{0};
  mutable std::mutex healthMutex_;
};

} // namespace het::runtime

#endif // HET_RUNTIME_POOL_DEVICEPOOL_H
