// het_runtime_t: the devices of this machine, and running a module's host graph on one of them.
#include "api/Module.h"
#include "api/ReferenceCount.h"
#include "api/Status.h"
#include "api/Tensor.h"
#include "drivers/Device.h"
#include "sched/Executor.h"

#include <new>

using het::runtime::makeStatus;

struct het_runtime_s {
  std::atomic<int> referenceCount{1};
  std::vector<std::unique_ptr<het::runtime::Device>> devices;
};

namespace {

std::string deviceNames(const het_runtime_t &runtime) {
  std::string names = "auto";
  for (const auto &device : runtime.devices)
    names += ", " + device->info().name;
  return names;
}

het_status_t invoke(het_runtime_t &runtime, het_module_t &module, size_t deviceIndex, het_tensor_t *const *inputs,
                    size_t inputCount, het_tensor_t **outputs) {
  std::unique_ptr<het::runtime::Executor> executor;
  HET_RETURN_IF_ERROR(het::runtime::Executor::create(*module.file, *runtime.devices[deviceIndex], executor));
  std::vector<const het::runtime::HostTensor *> hostInputs;
  for (size_t i = 0; i < inputCount; ++i)
    hostInputs.push_back(inputs[i] ? inputs[i]->tensor.get() : nullptr);
  std::vector<std::unique_ptr<het::runtime::HostTensor>> results;
  HET_RETURN_IF_ERROR(executor->run(hostInputs, results));

  const auto &manifest = module.file->manifest();
  std::vector<std::unique_ptr<het_tensor_s>> tensors;
  for (size_t i = 0; i < results.size(); ++i) {
    auto &tensor = tensors.emplace_back(new (std::nothrow) het_tensor_s);
    if (!tensor)
      return makeStatus(HET_STATUS_OUT_OF_MEMORY, "out of memory returning outputs");
    tensor->tensor = std::move(results[i]);
    tensor->name = manifest.outputs(static_cast<int>(i)).name();
  }
  for (size_t i = 0; i < tensors.size(); ++i)
    outputs[i] = tensors[i].release();
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
  if (options)
    deviceOptions.cpuThreads = options->cpu_threads;
  auto runtime = std::unique_ptr<het_runtime_s>(new (std::nothrow) het_runtime_s);
  if (!runtime)
    return makeStatus(HET_STATUS_OUT_OF_MEMORY, "out of memory creating the runtime");
  runtime->devices = het::runtime::createDevices(deviceOptions);
  *outRuntime = runtime.release();
  return nullptr;
}

void het_runtime_retain(het_runtime_t *runtime) { het::runtime::retainReference(runtime); }

void het_runtime_release(het_runtime_t *runtime) { het::runtime::releaseReference(runtime); }

size_t het_runtime_device_count(const het_runtime_t *runtime) { return runtime ? runtime->devices.size() : 0; }

het_status_t het_runtime_device_info(const het_runtime_t *runtime, size_t index, het_device_info_t *outInfo) {
  if (!runtime || !outInfo)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "runtime and out_info must not be NULL");
  if (index >= runtime->devices.size())
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "device index " + std::to_string(index) +
                                                       " is out of range: the runtime has " +
                                                       std::to_string(runtime->devices.size()));
  const het::runtime::DeviceInfo &info = runtime->devices[index]->info();
  outInfo->name = info.name.c_str();
  outInfo->kind = info.kind;
  outInfo->available = info.available ? 1 : 0;
  outInfo->reason = info.reason.c_str();
  outInfo->description = info.description.c_str();
  return nullptr;
}

het_status_t het_runtime_find_device(const het_runtime_t *runtime, const char *deviceName, size_t *outIndex) {
  if (!runtime || !deviceName || !outIndex)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "runtime, device_name and out_index must not be NULL");
  // No placement yet: "auto" is the host, which every .hetbin with cpu variants can run on.
  std::string name = std::string(deviceName) == "auto" ? "cpu" : deviceName;
  for (size_t i = 0; i < runtime->devices.size(); ++i) {
    const het::runtime::DeviceInfo &info = runtime->devices[i]->info();
    if (info.name != name)
      continue;
    if (!info.available)
      return makeStatus(HET_STATUS_UNAVAILABLE, "device '" + info.name + "' is unavailable: " + info.reason);
    *outIndex = i;
    return nullptr;
  }
  return makeStatus(HET_STATUS_NOT_FOUND,
                    "unknown device '" + std::string(deviceName) + "'; known devices: " + deviceNames(*runtime));
}

het_status_t het_module_invoke(het_runtime_t *runtime, het_module_t *module, const char *deviceName,
                               het_tensor_t *const *inputs, size_t inputCount, het_tensor_t **outputs,
                               size_t outputCount) {
  if (!runtime || !module || !deviceName || (inputCount && !inputs) || (outputCount && !outputs))
    return makeStatus(HET_STATUS_INVALID_ARGUMENT,
                      "runtime, module, device_name, inputs (when input_count > 0) and outputs (when "
                      "output_count > 0) must not be NULL");
  for (size_t i = 0; i < outputCount; ++i)
    outputs[i] = nullptr;
  size_t expectedOutputs = het_module_output_count(module);
  if (outputCount != expectedOutputs)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "output_count is " + std::to_string(outputCount) +
                                                       ", but the module has " + std::to_string(expectedOutputs) +
                                                       " output(s)");
  size_t deviceIndex = 0;
  HET_RETURN_IF_ERROR(het_runtime_find_device(runtime, deviceName, &deviceIndex));
  return invoke(*runtime, *module, deviceIndex, inputs, inputCount, outputs);
}

} // extern "C"
