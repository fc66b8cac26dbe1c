// The calibration of a device: chunks of multiply-adds run the way the device runs kernels
// (Device::runCalibrationChunks), and host-to-device copies through its driver, each timed for about 10 ms; results
// cached per device and CPU model.
#include "pool/Calibration.h"

#include "api/Status.h"
#include "drivers/CalibrationWork.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <vector>

namespace het::runtime {
namespace {

using Clock = std::chrono::steady_clock;

/// How long each of the two measurements aims to run: long enough to average out a timer tick and a page fault,
/// short enough that calibrating every device of a machine stays well under 200 ms.
constexpr double kTargetSeconds = 0.01;
constexpr std::size_t kCopyBytes = 16u << 20;
/// The most chunks one timed run may hold: a GPU runs a chunk per thread and launches at most 2^31 - 1 blocks, and
/// a device that finishes this many in under kTargetSeconds cannot be timed this way.
constexpr std::int64_t kMostChunks = std::int64_t(1) << 31;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// Repeats `run(count)` with a growing count until one run takes kTargetSeconds; returns count / seconds of it.
/// Fails when the count would pass `mostCount`.
template <typename Run>
het_status_t measureRate(Run run, std::int64_t firstCount, std::int64_t mostCount, double &outPerSecond) {
  std::int64_t count = firstCount;
  for (;;) {
    Clock::time_point start = Clock::now();
    HET_RETURN_IF_ERROR(run(count));
    double seconds = secondsSince(start);
    if (seconds >= kTargetSeconds) {
      outPerSecond = static_cast<double>(count) / seconds;
      return nullptr;
    }
    // Jump close to the target from any run long enough to time, so the whole measurement is about two runs.
    double scale = seconds > 0.001 ? kTargetSeconds * 1.2 / seconds : 8.0;
    count = std::max(count + 1, static_cast<std::int64_t>(std::ceil(static_cast<double>(count) * scale)));
    if (count > mostCount)
      return makeStatus(HET_STATUS_UNAVAILABLE, "the calibration ran " + std::to_string(mostCount) +
                                                    " units of work in under " + std::to_string(kTargetSeconds) +
                                                    " s: too fast to time");
  }
}

std::string hostCpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line))
    if (line.starts_with("model name")) {
      std::size_t colon = line.find(':');
      if (colon != std::string::npos)
        return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  return "unknown CPU";
}

/// The key starts with the device name (calibrationKey), which makes the files readable to a person.
std::string cacheFileName(const std::string &key) {
  std::string deviceName = key.substr(0, key.find(' '));
  // FNV-1a: a stable file name per key; the key itself is stored inside and compared on load.
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : key)
    hash = (hash ^ c) * 1099511628211ull;
  std::string name;
  for (char c : deviceName)
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return "calibration-" + name + "-" + hex + ".txt";
}

constexpr const char *kCacheHeader = "het-calibration 1";

} // namespace

het_status_t measureDeviceRates(Device &device, DeviceRates &outRates) {
  double chunksPerSecond = 0;
  HET_RETURN_IF_ERROR(measureRate([&](std::int64_t chunks) { return device.runCalibrationChunks(chunks); }, 4,
                                  kMostChunks, chunksPerSecond));

  std::vector<std::byte> source(kCopyBytes, std::byte{1});
  std::unique_ptr<DeviceBuffer> buffer;
  HET_RETURN_IF_ERROR(device.allocate(kCopyBytes, buffer));
  // The first copy faults the pages in; that is allocation cost, not bandwidth.
  HET_RETURN_IF_ERROR(device.copyToDevice(*buffer, source.data()));
  double copiesPerSecond = 0;
  HET_RETURN_IF_ERROR(measureRate(
      [&](std::int64_t copies) -> het_status_t {
        for (std::int64_t i = 0; i < copies; ++i)
          HET_RETURN_IF_ERROR(device.copyToDevice(*buffer, source.data()));
        return device.synchronize();
      },
      1, kMostChunks, copiesPerSecond));
  outRates.gflops = chunksPerSecond * kCalibrationFlopsPerChunk / 1e9;
  outRates.gbPerSecond = copiesPerSecond * static_cast<double>(kCopyBytes) / 1e9;
  return nullptr;
}

std::string calibrationCacheDirectory() {
  if (const char *explicitDirectory = std::getenv("HET_CACHE_DIR"); explicitDirectory && *explicitDirectory)
    return explicitDirectory;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/het";
  if (const char *home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/het";
  return "";
}

std::string calibrationKey(const DeviceInfo &info) {
  return info.name + " | " + info.architecture + " | " + info.description + " | " + hostCpuModel();
}

std::optional<DeviceRates> loadCalibration(const std::string &directory, const std::string &key) {
  if (directory.empty())
    return std::nullopt;
  std::ifstream file(std::filesystem::path(directory) / cacheFileName(key));
  std::string header, keyLine, gflopsLine, bandwidthLine;
  if (!std::getline(file, header) || header != kCacheHeader || !std::getline(file, keyLine) ||
      keyLine != "key " + key || !std::getline(file, gflopsLine) || !std::getline(file, bandwidthLine))
    return std::nullopt;
  DeviceRates rates;
  std::string gflopsLabel, bandwidthLabel;
  std::istringstream(gflopsLine) >> gflopsLabel >> rates.gflops;
  std::istringstream(bandwidthLine) >> bandwidthLabel >> rates.gbPerSecond;
  if (gflopsLabel != "gflops" || bandwidthLabel != "gbps" || !(rates.gflops > 0) || !(rates.gbPerSecond > 0) ||
      !std::isfinite(rates.gflops) || !std::isfinite(rates.gbPerSecond))
    return std::nullopt;
  return rates;
}

bool storeCalibration(const std::string &directory, const std::string &key, const DeviceRates &rates) {
  if (directory.empty())
    return false;
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  std::filesystem::path path = std::filesystem::path(directory) / cacheFileName(key);
  // Written beside and renamed into place, so a concurrent reader sees a whole entry or none.
  std::filesystem::path temporary = path;
  temporary += ".tmp" + std::to_string(getpid());
  {
    std::ofstream file(temporary, std::ios::trunc);
    file << kCacheHeader << "\nkey " << key << "\ngflops " << rates.gflops << "\ngbps " << rates.gbPerSecond << "\n";
    if (!file.flush())
      return false;
  }
  std::filesystem::rename(temporary, path, error);
  if (!error)
    return true;
  std::filesystem::remove(temporary, error);
  return false;
}

} // namespace het::runtime
