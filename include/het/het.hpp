// A thin C++ wrapper over the het C API: RAII handles and exceptions carrying the runtime's status.
#ifndef HET_HET_HPP
#define HET_HET_HPP

#include "het/het.h"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace het {

/// Thrown by the wrapper when a C API call fails; holds the code and the runtime's message.
class Error : public std::runtime_error {
public:
  Error(het_status_code_t code, const std::string &message) : std::runtime_error(message), code_(code) {}
  het_status_code_t code() const { return code_; }

private:
  het_status_code_t code_;
};

/// Converts a C status into an exception, freeing it.
inline void check(het_status_t status) {
  if (!status)
    return;
  het_status_code_t code = het_status_code(status);
  std::string message = het_status_message(status);
  het_status_free(status);
  throw Error(code, message);
}

/// A shared reference to a loaded module.
class Module {
public:
  static Module loadFile(const std::string &path) {
    het_module_t *module = nullptr;
    check(het_module_load_file(path.c_str(), &module));
    return Module(module);
  }
  static Module loadMemory(const void *data, size_t size, uint32_t flags = HET_MODULE_LOAD_DEFAULT) {
    het_module_t *module = nullptr;
    check(het_module_load_memory(data, size, flags, &module));
    return Module(module);
  }

  Module(const Module &other) : module_(other.module_) { het_module_retain(module_); }
  Module(Module &&other) noexcept : module_(std::exchange(other.module_, nullptr)) {}
  Module &operator=(Module other) noexcept {
    std::swap(module_, other.module_);
    return *this;
  }
  ~Module() { het_module_release(module_); }

  het_module_t *get() const { return module_; }
  std::string producer() const { return het_module_producer(module_); }

  std::vector<het_tensor_info_t> inputs() const {
    return describe(het_module_input_count(module_), het_module_input_info);
  }
  std::vector<het_tensor_info_t> outputs() const {
    return describe(het_module_output_count(module_), het_module_output_info);
  }
  size_t kernelCount() const { return het_module_kernel_count(module_); }
  size_t findKernel(const std::string &name) const {
    size_t kernel = 0;
    check(het_module_find_kernel(module_, name.c_str(), &kernel));
    return kernel;
  }
  /// Kernel `kernel`'s buffer arguments, in binding order.
  std::vector<het_binding_info_t> kernelBindings(size_t kernel) const {
    std::vector<het_binding_info_t> bindings(het_module_kernel_binding_count(module_, kernel));
    for (size_t i = 0; i < bindings.size(); ++i)
      check(het_module_kernel_binding_info(module_, kernel, i, &bindings[i]));
    return bindings;
  }

private:
  explicit Module(het_module_t *module) : module_(module) {}

  template <typename Query> std::vector<het_tensor_info_t> describe(size_t count, Query query) const {
    std::vector<het_tensor_info_t> infos(count);
    for (size_t i = 0; i < count; ++i)
      check(query(module_, i, &infos[i]));
    return infos;
  }

  het_module_t *module_;
};

/// A shared reference to a host tensor.
class Tensor {
public:
  /// A tensor of `dtype` and `shape`, copying `data` (dense, row-major), or zero-filled when it is null.
  static Tensor create(het_dtype_t dtype, const std::vector<int64_t> &shape, const void *data = nullptr) {
    het_tensor_t *tensor = nullptr;
    check(het_tensor_create(dtype, shape.size(), shape.data(), data, &tensor));
    return Tensor(tensor);
  }
  /// Takes over one reference the caller holds.
  static Tensor adopt(het_tensor_t *tensor) { return Tensor(tensor); }

  Tensor(const Tensor &other) : tensor_(other.tensor_) { het_tensor_retain(tensor_); }
  Tensor(Tensor &&other) noexcept : tensor_(std::exchange(other.tensor_, nullptr)) {}
  Tensor &operator=(Tensor other) noexcept {
    std::swap(tensor_, other.tensor_);
    return *this;
  }
  ~Tensor() { het_tensor_release(tensor_); }

  het_tensor_t *get() const { return tensor_; }
  void *data() const { return het_tensor_data(tensor_); }
  size_t byteSize() const { return het_tensor_byte_size(tensor_); }
  het_tensor_info_t info() const {
    het_tensor_info_t info;
    check(het_tensor_info(tensor_, &info));
    return info;
  }

private:
  explicit Tensor(het_tensor_t *tensor) : tensor_(tensor) {}
  het_tensor_t *tensor_;
};

/// A shared reference to a runtime: the devices of this machine.
class Runtime {
public:
  static Runtime create(const het_runtime_options_t *options = nullptr) {
    het_runtime_t *runtime = nullptr;
    check(het_runtime_create_with_options(options, &runtime));
    return Runtime(runtime);
  }

  Runtime(const Runtime &other) : runtime_(other.runtime_) { het_runtime_retain(runtime_); }
  Runtime(Runtime &&other) noexcept : runtime_(std::exchange(other.runtime_, nullptr)) {}
  Runtime &operator=(Runtime other) noexcept {
    std::swap(runtime_, other.runtime_);
    return *this;
  }
  ~Runtime() { het_runtime_release(runtime_); }

  het_runtime_t *get() const { return runtime_; }

  std::vector<het_device_info_t> devices() const {
    std::vector<het_device_info_t> infos(het_runtime_device_count(runtime_));
    for (size_t i = 0; i < infos.size(); ++i)
      check(het_runtime_device_info(runtime_, i, &infos[i]));
    return infos;
  }
  /// What the pool knows of every device; calibrates each available one on first use (docs/runtime.md).
  std::vector<het_device_capabilities_t> capabilities() const {
    std::vector<het_device_capabilities_t> all(het_runtime_device_count(runtime_));
    for (size_t i = 0; i < all.size(); ++i)
      check(het_runtime_device_capabilities(runtime_, i, &all[i]));
    return all;
  }
  /// The device a run on `name` ("auto", "cpu", ...) uses.
  het_device_info_t findDevice(const std::string &name) const {
    size_t index = 0;
    check(het_runtime_find_device(runtime_, name.c_str(), &index));
    het_device_info_t info;
    check(het_runtime_device_info(runtime_, index, &info));
    return info;
  }

  /// Runs `module` on `device` with `inputs` in the module's input order; returns its outputs in order.
  std::vector<Tensor> invoke(const Module &module, const std::string &device, const std::vector<Tensor> &inputs) {
    std::vector<het_tensor_t *> inputHandles;
    for (const Tensor &input : inputs)
      inputHandles.push_back(input.get());
    std::vector<het_tensor_t *> outputHandles(het_module_output_count(module.get()));
    check(het_module_invoke(runtime_, module.get(), device.c_str(), inputHandles.data(), inputHandles.size(),
                            outputHandles.data(), outputHandles.size()));
    std::vector<Tensor> outputs;
    for (het_tensor_t *output : outputHandles)
      outputs.push_back(Tensor::adopt(output));
    return outputs;
  }

  /// Launches one kernel of `module` on `device` (het_module_launch_kernel); written buffers get the results.
  void launchKernel(const Module &module, const std::string &device, size_t kernel, const std::vector<uint64_t> &grid,
                    const std::vector<Tensor> &buffers) {
    std::vector<het_tensor_t *> handles;
    for (const Tensor &buffer : buffers)
      handles.push_back(buffer.get());
    check(het_module_launch_kernel(runtime_, module.get(), device.c_str(), kernel, grid.data(), grid.size(),
                                   handles.data(), handles.size()));
  }

private:
  explicit Runtime(het_runtime_t *runtime) : runtime_(runtime) {}
  het_runtime_t *runtime_;
};

/// A shared reference to the report of one session run.
class RunReport {
public:
  RunReport() = default;
  /// Takes over one reference the caller holds.
  static RunReport adopt(het_run_report_t *report) { return RunReport(report); }
  RunReport(const RunReport &other) : report_(other.report_) { het_run_report_retain(report_); }
  RunReport(RunReport &&other) noexcept : report_(std::exchange(other.report_, nullptr)) {}
  RunReport &operator=(RunReport other) noexcept {
    std::swap(report_, other.report_);
    return *this;
  }
  ~RunReport() { het_run_report_release(report_); }

  std::vector<het_dispatch_record_t> dispatches() const {
    std::vector<het_dispatch_record_t> records(het_run_report_dispatch_count(report_));
    for (size_t i = 0; i < records.size(); ++i)
      check(het_run_report_dispatch(report_, i, &records[i]));
    return records;
  }
  std::vector<het_fault_record_t> faults() const {
    std::vector<het_fault_record_t> records(het_run_report_fault_count(report_));
    for (size_t i = 0; i < records.size(); ++i)
      check(het_run_report_fault(report_, i, &records[i]));
    return records;
  }
  double totalMs() const { return het_run_report_total_ms(report_); }
  uint64_t bytesToDevice() const { return het_run_report_bytes_to_device(report_); }
  uint64_t peakResultBytes() const { return het_run_report_peak_result_bytes(report_); }
  uint64_t bytesFromDevice() const { return het_run_report_bytes_from_device(report_); }

private:
  explicit RunReport(het_run_report_t *report) : report_(report) {}
  het_run_report_t *report_ = nullptr;
};

/// A shared reference to a module placed on a runtime's devices, ready to run many times.
class Session {
public:
  static Session create(const Runtime &runtime, const Module &module, const het_session_options_t *options = nullptr) {
    het_session_t *session = nullptr;
    check(het_session_create(runtime.get(), module.get(), options, &session));
    return Session(session, het_module_output_count(module.get()));
  }

  Session(const Session &other) : session_(other.session_), outputCount_(other.outputCount_) {
    het_session_retain(session_);
  }
  Session(Session &&other) noexcept
      : session_(std::exchange(other.session_, nullptr)), outputCount_(other.outputCount_) {}
  Session &operator=(Session other) noexcept {
    std::swap(session_, other.session_);
    std::swap(outputCount_, other.outputCount_);
    return *this;
  }
  ~Session() { het_session_release(session_); }

  het_session_t *get() const { return session_; }

  std::vector<het_dispatch_placement_t> placements() const {
    std::vector<het_dispatch_placement_t> all(het_session_dispatch_count(session_));
    for (size_t i = 0; i < all.size(); ++i)
      check(het_session_dispatch_placement(session_, i, &all[i]));
    return all;
  }

  /// Runs with `inputs` in the module's input order; fills `report` when it is not null.
  std::vector<Tensor> invoke(const std::vector<Tensor> &inputs, RunReport *report = nullptr) {
    std::vector<het_tensor_t *> inputHandles;
    for (const Tensor &input : inputs)
      inputHandles.push_back(input.get());
    std::vector<het_tensor_t *> outputHandles(outputCount_);
    het_run_report_t *reportHandle = nullptr;
    check(het_session_invoke(session_, inputHandles.data(), inputHandles.size(), outputHandles.data(),
                             outputHandles.size(), report ? &reportHandle : nullptr));
    if (report)
      *report = RunReport::adopt(reportHandle);
    std::vector<Tensor> outputs;
    for (het_tensor_t *output : outputHandles)
      outputs.push_back(Tensor::adopt(output));
    return outputs;
  }

private:
  Session(het_session_t *session, size_t outputCount) : session_(session), outputCount_(outputCount) {}
  het_session_t *session_;
  size_t outputCount_;
};

} // namespace het

#endif // HET_HET_HPP
