// Measuring a device's compute rate and memory bandwidth, and keeping the result in the user's cache directory.
#ifndef HET_RUNTIME_POOL_CALIBRATION_H
#define HET_RUNTIME_POOL_CALIBRATION_H

#include "drivers/Device.h"

#include <optional>
#include <string>

namespace het::runtime {

/// What the cost model needs of a device: how fast it computes and how fast bytes reach its memory.
struct DeviceRates {
  double gflops = 0;      ///< single-precision multiply-adds, counted as two flops, per second / 1e9
  double gbPerSecond = 0; ///< host-to-device copy bandwidth / 1e9
};

/// Runs the short calibration of `device` (about 10 ms of compute and 10 ms of copies, see docs/runtime.md).
/// Fails for a device that cannot run host work or allocate, e.g. an unavailable one.
het_status_t measureDeviceRates(Device &device, DeviceRates &outRates);

/// Where calibration results are kept: $HET_CACHE_DIR, else $XDG_CACHE_HOME/het, else ~/.cache/het; empty when
/// none of these can be told (no HOME), in which case nothing is cached.
std::string calibrationCacheDirectory();

/// The identity of a calibration: the device (name, architecture, threads as described) and the host CPU model,
/// so a result is never reused on another machine or with another partitioning.
std::string calibrationKey(const DeviceInfo &info);

/// The cached rates for `key` in `directory`, if a readable entry for exactly that key exists.
std::optional<DeviceRates> loadCalibration(const std::string &directory, const std::string &key);
/// Stores `rates` for `key`, creating `directory`; a cache that cannot be written only costs a re-measurement
/// next time, so failures are reported as false and nothing more.
bool storeCalibration(const std::string &directory, const std::string &key, const DeviceRates &rates);

} // namespace het::runtime

#endif // HET_RUNTIME_POOL_CALIBRATION_H
