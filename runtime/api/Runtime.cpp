// het_runtime_t: the devices of this machine in their pool, what each can do, and finding one by name.
#include "api/Runtime.h"
#include "api/ReferenceCount.h"
#include "api/Status.h"

#include <cstdlib>
#include <new>

using het::runtime::makeStatus;

namespace {

std::string deviceNames(const het_runtime_t &runtime) {
  std::string names = "auto";
  for (std::size_t i = 0; i < runtime.pool->size(); ++i)
    names += ", " + runtime.pool->device(i).info().name;
  return names;
}

het_status_t checkDeviceIndex(const het_runtime_t &runtime, size_t index) {
  if (index >= runtime.pool->size())
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "device index " + std::to_string(index) +
                                                       " is out of range: the runtime has " +
                                                       std::to_string(runtime.pool->size()));
  return nullptr;
}

} // namespace

extern "C" {

het_status_t het_runtime_create(het_runtime_t **outRuntime) {
  return het_runtime_create_with_options(nullptr, outRuntime);
}

het_status_t het_runtime_create_with_options(const het_runtime_options_t *options, het_runtime_t **outRuntime) {
  if (!outRuntime)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "out_runtime must not be NULL");
  *outRuntime = nullptr;
  het::runtime::DeviceOptions deviceOptions;
  if (options) {
    deviceOptions.cpuThreads = options->cpu_threads;
    deviceOptions.cpuPartitions = options->cpu_partitions;
  }
  auto runtime = std::unique_ptr<het_runtime_s>(new (std::nothrow) het_runtime_s);
  if (!runtime)
    return makeStatus(HET_STATUS_OUT_OF_MEMORY, "out of memory creating the runtime");
  runtime->pool = std::make_unique<het::runtime::DevicePool>(het::runtime::createDevices(deviceOptions),
                                                             het::runtime::calibrationCacheDirectory());
  const char *faultSpec = options && options->fault_inject ? options->fault_inject : std::getenv("HET_FAULT_INJECT");
  if (faultSpec && *faultSpec)
    HET_RETURN_IF_ERROR(runtime->pool->injectFault(
        faultSpec, options && options->fault_inject ? "fault_inject" : "HET_FAULT_INJECT"));
  for (std::size_t i = 0; i < runtime->pool->size(); ++i) {
    std::string &formats = runtime->variantFormats.emplace_back();
    for (const std::string &format : runtime->pool->device(i).info().variantFormats)
      formats += (formats.empty() ? "" : ",") + format;
  }
  *outRuntime = runtime.release();
  return nullptr;
}

void het_runtime_retain(het_runtime_t *runtime) { het::runtime::retainReference(runtime); }

void het_runtime_release(het_runtime_t *runtime) { het::runtime::releaseReference(runtime); }

size_t het_runtime_device_count(const het_runtime_t *runtime) { return runtime ? runtime->pool->size() : 0; }

het_status_t het_runtime_device_info(const het_runtime_t *runtime, size_t index, het_device_info_t *outInfo) {
  if (!runtime || !outInfo)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "runtime and out_info must not be NULL");
  HET_RETURN_IF_ERROR(checkDeviceIndex(*runtime, index));
  const het::runtime::DeviceInfo &info = runtime->pool->device(index).info();
  outInfo->name = info.name.c_str();
  outInfo->kind = info.kind;
  outInfo->available = info.available ? 1 : 0;
  outInfo->reason = info.reason.c_str();
  outInfo->description = info.description.c_str();
  return nullptr;
}

het_status_t het_runtime_device_capabilities(het_runtime_t *runtime, size_t index,
                                            het_device_capabilities_t *outCapabilities) {
  if (!runtime || !outCapabilities)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "runtime and out_capabilities must not be NULL");
  HET_RETURN_IF_ERROR(checkDeviceIndex(*runtime, index));
  const het::runtime::DeviceInfo &info = runtime->pool->device(index).info();
  const het::runtime::DeviceCapabilities &capabilities = runtime->pool->capabilities(index);
  outCapabilities->name = info.name.c_str();
  outCapabilities->kind = info.kind;
  outCapabilities->available = info.available ? 1 : 0;
  outCapabilities->reason = info.reason.c_str();
  outCapabilities->description = info.description.c_str();
  outCapabilities->architecture = info.architecture.c_str();
  outCapabilities->memory_bytes = info.memoryBytes;
  outCapabilities->variant_formats = runtime->variantFormats[index].c_str();
  outCapabilities->peak_gflops = capabilities.rates.gflops;
  outCapabilities->bandwidth_gbps = capabilities.rates.gbPerSecond;
  outCapabilities->calibration = het::runtime::calibrationSourceName(capabilities.source);
  outCapabilities->calibration_reason = capabilities.reason.c_str();
  return nullptr;
}

het_status_t het_runtime_find_device(const het_runtime_t *runtime, const char *deviceName, size_t *outIndex) {
  if (!runtime || !deviceName || !outIndex)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "runtime, device_name and out_index must not be NULL");
  // "auto" on one device is the host (its first partition), which every .hetbin with cpu variants can run on;
  // spreading a module over devices is HET_PLACEMENT_AUTO's job.
  bool automatic = std::string(deviceName) == "auto";
  for (size_t i = 0; i < runtime->pool->size(); ++i) {
    const het::runtime::DeviceInfo &info = runtime->pool->device(i).info();
    if (automatic ? info.kind != HET_DEVICE_KIND_CPU : info.name != deviceName)
      continue;
    if (!info.available)
      return makeStatus(HET_STATUS_UNAVAILABLE, "device '" + info.name + "' is unavailable: " + info.reason);
    *outIndex = i;
    return nullptr;
  }
  return makeStatus(HET_STATUS_NOT_FOUND,
                    "unknown device '" + std::string(deviceName) + "'; known devices: " + deviceNames(*runtime));
}

} // extern "C"
