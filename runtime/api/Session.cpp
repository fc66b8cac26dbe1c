// het_session_t: a module placed on the pool's devices with its kernels loaded, run many times, with a report of
// each run (het_run_report_t); het_module_invoke is a one-run session on one device.
#include "api/Module.h"
#include "api/ReferenceCount.h"
#include "api/Runtime.h"
#include "api/Status.h"
#include "api/Tensor.h"
#include "sched/Executor.h"
#include "sched/Placement.h"

#include <new>

using het::runtime::makeStatus;

struct het_session_s {
  std::atomic<int> referenceCount{1};
  het_runtime_t *runtime = nullptr;
  het_module_t *module = nullptr;
  std::unique_ptr<het::runtime::Executor> executor;

  ~het_session_s() {
    executor.reset();
    het_module_release(module);
    het_runtime_release(runtime);
  }
};

struct het_run_report_s {
  std::atomic<int> referenceCount{1};
  het::runtime::RunStatistics statistics;
  std::vector<std::string> kernels;      ///< [dispatch]
  std::vector<std::string> devices;      ///< [dispatch]
  std::vector<std::string> replacedFrom; ///< [dispatch]: "" when it stayed where it was placed
  std::vector<std::string> faultDevices; ///< [fault]
  std::vector<std::string> faultKernels; ///< [fault]: "" when the device had failed before the run
};

namespace {

het_status_t createSession(het_runtime_t &runtime, het_module_t &module, const het_session_options_t &options,
                           het_session_t **outSession) {
  het::runtime::DevicePool &pool = *runtime.pool;
  het::runtime::PlacementRequest request;
  request.automatic = options.placement == HET_PLACEMENT_AUTO;
  if (!request.automatic)
    HET_RETURN_IF_ERROR(het_runtime_find_device(&runtime, options.device ? options.device : "auto", &request.device));
  for (size_t i = 0; i < options.pin_count; ++i) {
    const het_kernel_pin_t &pin = options.pins[i];
    if (!pin.kernel || !pin.device)
      return makeStatus(HET_STATUS_INVALID_ARGUMENT,
                        "pin " + std::to_string(i) + ": kernel and device must not be NULL");
    size_t device = 0;
    HET_RETURN_IF_ERROR(het_runtime_find_device(&runtime, pin.device, &device));
    if (!request.pins.emplace(pin.kernel, device).second)
      return makeStatus(HET_STATUS_INVALID_ARGUMENT, "kernel '" + std::string(pin.kernel) + "' is pinned twice");
  }
  auto session = std::unique_ptr<het_session_s>(new (std::nothrow) het_session_s);
  if (!session)
    return makeStatus(HET_STATUS_OUT_OF_MEMORY, "out of memory creating a session");
  // The executor's devices are the pool's, so that it can move work to any of them when one fails.
  HET_RETURN_IF_ERROR(het::runtime::Executor::create(*module.file, pool, std::move(request), session->executor));
  het_runtime_retain(&runtime);
  session->runtime = &runtime;
  het_module_retain(&module);
  session->module = &module;
  *outSession = session.release();
  return nullptr;
}

het_status_t invokeSession(het_session_t &session, het_tensor_t *const *inputs, size_t inputCount,
                           het_tensor_t **outputs, het_run_report_t **outReport) {
  std::vector<const het::runtime::HostTensor *> hostInputs;
  for (size_t i = 0; i < inputCount; ++i)
    hostInputs.push_back(inputs[i] ? inputs[i]->tensor.get() : nullptr);
  std::vector<std::unique_ptr<het::runtime::HostTensor>> results;
  auto report = std::unique_ptr<het_run_report_s>(new (std::nothrow) het_run_report_s);
  if (!report)
    return makeStatus(HET_STATUS_OUT_OF_MEMORY, "out of memory running a module");
  HET_RETURN_IF_ERROR(session.executor->run(hostInputs, results, &report->statistics));

  const auto &manifest = session.module->file->manifest();
  std::vector<std::unique_ptr<het_tensor_s>> tensors;
  for (size_t i = 0; i < results.size(); ++i) {
    auto &tensor = tensors.emplace_back(new (std::nothrow) het_tensor_s);
    if (!tensor)
      return makeStatus(HET_STATUS_OUT_OF_MEMORY, "out of memory returning outputs");
    tensor->tensor = std::move(results[i]);
    tensor->name = manifest.outputs(static_cast<int>(i)).name();
  }
  if (outReport) {
    const auto &devices = session.executor->devices();
    auto kernelOf = [&](int d) -> const std::string & {
      return manifest.kernels(static_cast<int>(manifest.graph().dispatches(d).kernel())).name();
    };
    for (int d = 0; d < manifest.graph().dispatches_size(); ++d) {
      const het::runtime::DispatchRecord &record = report->statistics.dispatches[d];
      report->kernels.push_back(kernelOf(d));
      report->devices.push_back(devices[record.device]->info().name);
      report->replacedFrom.push_back(
          record.replacedFrom == het::runtime::kNoDevice ? "" : devices[record.replacedFrom]->info().name);
    }
    for (const het::runtime::FaultEvent &fault : report->statistics.faults) {
      report->faultDevices.push_back(devices[fault.device]->info().name);
      report->faultKernels.push_back(fault.dispatch < 0 ? "" : kernelOf(fault.dispatch));
    }
    *outReport = report.release();
  }
  for (size_t i = 0; i < tensors.size(); ++i)
    outputs[i] = tensors[i].release();
  return nullptr;
}

/// INVALID_ARGUMENT for `what` index `index` of only `count`, e.g. "dispatch index 3 is out of range: the run had 2".
het_status_t checkIndex(const char *what, size_t index, size_t count, const char *owner) {
  if (index < count)
    return nullptr;
  return makeStatus(HET_STATUS_INVALID_ARGUMENT, std::string(what) + " index " + std::to_string(index) +
                                                     " is out of range: " + owner + " " + std::to_string(count));
}

het_status_t checkRunArguments(het_module_t *module, het_tensor_t *const *inputs, size_t inputCount,
                               het_tensor_t **outputs, size_t outputCount) {
  if ((inputCount && !inputs) || (outputCount && !outputs))
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "inputs (when input_count > 0) and outputs (when "
                                                   "output_count > 0) must not be NULL");
  for (size_t i = 0; i < outputCount; ++i)
    outputs[i] = nullptr;
  size_t expectedOutputs = het_module_output_count(module);
  if (outputCount != expectedOutputs)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "output_count is " + std::to_string(outputCount) +
                                                       ", but the module has " + std::to_string(expectedOutputs) +
                                                       " output(s)");
  return nullptr;
}

} // namespace

extern "C" {

het_status_t het_session_create(het_runtime_t *runtime, het_module_t *module, const het_session_options_t *options,
                                het_session_t **outSession) {
  if (!runtime || !module || !outSession)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "runtime, module and out_session must not be NULL");
  *outSession = nullptr;
  het_session_options_t defaults{};
  if (options && options->pin_count && !options->pins)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "pins must not be NULL when pin_count > 0");
  return createSession(*runtime, *module, options ? *options : defaults, outSession);
}

void het_session_retain(het_session_t *session) { het::runtime::retainReference(session); }

void het_session_release(het_session_t *session) { het::runtime::releaseReference(session); }

size_t het_session_dispatch_count(const het_session_t *session) {
  return session ? session->executor->placements().size() : 0;
}

het_status_t het_session_dispatch_placement(const het_session_t *session, size_t index,
                                            het_dispatch_placement_t *outPlacement) {
  if (!session || !outPlacement)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "session and out_placement must not be NULL");
  const auto &placements = session->executor->placements();
  HET_RETURN_IF_ERROR(checkIndex("dispatch", index, placements.size(), "the module has"));
  const auto &manifest = session->module->file->manifest();
  const het::runtime::DispatchPlacement &placement = placements[index];
  outPlacement->kernel =
      manifest.kernels(static_cast<int>(manifest.graph().dispatches(static_cast<int>(index)).kernel())).name().c_str();
  outPlacement->device = session->executor->devices()[placement.device]->info().name.c_str();
  outPlacement->estimated_start_ms = placement.estimatedStartUs / 1e3;
  outPlacement->estimated_finish_ms = placement.estimatedFinishUs / 1e3;
  return nullptr;
}

het_status_t het_session_invoke(het_session_t *session, het_tensor_t *const *inputs, size_t inputCount,
                                het_tensor_t **outputs, size_t outputCount, het_run_report_t **outReport) {
  if (outReport)
    *outReport = nullptr;
  if (!session)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "session must not be NULL");
  HET_RETURN_IF_ERROR(checkRunArguments(session->module, inputs, inputCount, outputs, outputCount));
  return invokeSession(*session, inputs, inputCount, outputs, outReport);
}

het_status_t het_module_invoke(het_runtime_t *runtime, het_module_t *module, const char *deviceName,
                               het_tensor_t *const *inputs, size_t inputCount, het_tensor_t **outputs,
                               size_t outputCount) {
  if (!runtime || !module || !deviceName)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "runtime, module and device_name must not be NULL");
  HET_RETURN_IF_ERROR(checkRunArguments(module, inputs, inputCount, outputs, outputCount));
  het_session_options_t options{};
  options.device = deviceName;
  het_session_t *session = nullptr;
  HET_RETURN_IF_ERROR(createSession(*runtime, *module, options, &session));
  het_status_t status = invokeSession(*session, inputs, inputCount, outputs, nullptr);
  het_session_release(session);
  return status;
}

void het_run_report_retain(het_run_report_t *report) { het::runtime::retainReference(report); }

void het_run_report_release(het_run_report_t *report) { het::runtime::releaseReference(report); }

size_t het_run_report_dispatch_count(const het_run_report_t *report) {
  return report ? report->statistics.dispatches.size() : 0;
}

het_status_t het_run_report_dispatch(const het_run_report_t *report, size_t index, het_dispatch_record_t *outRecord) {
  if (!report || !outRecord)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "report and out_record must not be NULL");
  HET_RETURN_IF_ERROR(checkIndex("dispatch", index, report->statistics.dispatches.size(), "the run had"));
  const het::runtime::DispatchRecord &record = report->statistics.dispatches[index];
  outRecord->kernel = report->kernels[index].c_str();
  outRecord->device = report->devices[index].c_str();
  outRecord->start_ms = record.startMs;
  outRecord->duration_ms = record.durationMs;
  outRecord->bytes_moved = record.bytesMoved;
  outRecord->replaced_from = report->replacedFrom[index].c_str();
  return nullptr;
}

size_t het_run_report_fault_count(const het_run_report_t *report) {
  return report ? report->statistics.faults.size() : 0;
}

het_status_t het_run_report_fault(const het_run_report_t *report, size_t index, het_fault_record_t *outFault) {
  if (!report || !outFault)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "report and out_fault must not be NULL");
  HET_RETURN_IF_ERROR(checkIndex("fault", index, report->statistics.faults.size(), "the run had"));
  const het::runtime::FaultEvent &fault = report->statistics.faults[index];
  outFault->device = report->faultDevices[index].c_str();
  outFault->kernel = report->faultKernels[index].c_str();
  outFault->dispatch = fault.dispatch;
  outFault->message = fault.message.c_str();
  outFault->replaced_count = fault.replaced.size();
  return nullptr;
}

double het_run_report_total_ms(const het_run_report_t *report) { return report ? report->statistics.totalMs : 0; }

uint64_t het_run_report_peak_result_bytes(const het_run_report_t *report) {
  return report ? report->statistics.peakResultBytes : 0;
}

uint64_t het_run_report_bytes_to_device(const het_run_report_t *report) {
  return report ? report->statistics.bytesToDevice : 0;
}

uint64_t het_run_report_bytes_from_device(const het_run_report_t *report) {
  return report ? report->statistics.bytesFromDevice : 0;
}

} // extern "C"
