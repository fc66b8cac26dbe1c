// The computing-force pool: every device of the runtime with its capabilities and calibrated rates.
//
// The scheduler asks the pool, not the drivers. A device is calibrated the first time anyone asks for its
// rates, once per pool, and the result is cached on disk (pool/Calibration.h) for the next process.
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

private:
  struct Entry {
    std::once_flag once;
    DeviceCapabilities capabilities;
  };

  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::string cacheDirectory_;
  /// Calibrations run one at a time: two partitions measured at once would each see half the machine.
  std::mutex measuring_;
  std::atomic<unsigned> measuredCount_{0};
};

} // namespace het::runtime

#endif // HET_RUNTIME_POOL_DEVICEPOOL_H
