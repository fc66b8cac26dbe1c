// Runs the host graph of a module on one device, following the dispatch order the manifest gives.
//
// Values live on the device between dispatches. Inputs and constants go to the device the first time a
// dispatch reads them: lent in place when the device shares host memory (cpu), copied otherwise (fpga-sim, a
// card). Outputs come back to the host once every launch has finished.
#include "sched/Executor.h"

#include "api/Status.h"

#include <cassert>
#include <cstring>

namespace het::runtime {
namespace {

std::string describe(const hetbin::TensorType &type) { return format::describeTensorType(type); }

/// Whether a value of concrete type `actual` may be bound where `expected` (which may have -1 dims) is declared.
bool isInteger(hetbin::DType dtype) { return dtype >= hetbin::INT8 && dtype <= hetbin::UINT64; }

/// Kernels compute on signless integers (the compiler's view), so an unsigned value binds to a kernel binding of
/// the same width whatever signedness the binding records; graph inputs and outputs keep the exact dtype.
bool sameBits(hetbin::DType expected, hetbin::DType actual) {
  return expected == actual || (isInteger(expected) && isInteger(actual) && format::dtypeSize(expected) == format::dtypeSize(actual));
}

bool matches(const hetbin::TensorType &expected, const hetbin::TensorType &actual, bool exactDType = true) {
  bool dtypeMatches = exactDType ? expected.dtype() == actual.dtype() : sameBits(expected.dtype(), actual.dtype());
  if (!dtypeMatches || expected.shape_size() != actual.shape_size())
    return false;
  for (int i = 0; i < expected.shape_size(); ++i)
    if (expected.shape(i) >= 0 && expected.shape(i) != actual.shape(i))
      return false;
  return true;
}

bool isStatic(const hetbin::TensorType &type) {
  for (std::int64_t dimension : type.shape())
    if (dimension < 0)
      return false;
  return true;
}

std::string describeSignature(const hetbin::Manifest &manifest) {
  std::string text;
  for (const hetbin::Input &input : manifest.inputs())
    text += (text.empty() ? "" : ", ") + input.name() + ": " + describe(input.type());
  return text;
}

std::string describeVariants(const hetbin::Kernel &kernel) {
  std::string text;
  for (const hetbin::Variant &variant : kernel.variants())
    text += (text.empty() ? "" : ", ") + variant.name() + " " + hetbin::ImageFormat_Name(variant.format());
  return text.empty() ? "none" : text;
}

/// One value of the host graph during a run: its concrete type, and its buffer once it is on the device.
struct Value {
  hetbin::TensorType type;
  const void *hostData = nullptr; ///< inputs and constants: where their bytes are on the host
  std::unique_ptr<DeviceBuffer> buffer;
};

/// The values of one run and the transfers that bring them to the device.
class RunState {
public:
  RunState(Device &device, RunStatistics &statistics) : device_(device), statistics_(statistics) {}

  std::vector<Value> inputs;
  std::vector<Value> constants;
  std::vector<std::vector<Value>> results; ///< [dispatch][result]

  Value &value(const hetbin::ValueRef &ref) {
    switch (ref.source_case()) {
    case hetbin::ValueRef::kInput:
      return inputs[ref.input()];
    case hetbin::ValueRef::kConstant:
      return constants[ref.constant()];
    case hetbin::ValueRef::kDispatchResult:
      return results[ref.dispatch_result().dispatch()][ref.dispatch_result().result()];
    case hetbin::ValueRef::SOURCE_NOT_SET:
      break;
    }
    assert(false && "the reader rejects a value reference without a source");
    return inputs.front();
  }

  /// The device buffer of an input or constant, made on first use.
  het_status_t upload(Value &value) {
    if (value.buffer)
      return nullptr;
    assert(value.hostData && "dispatch results are on the device from the start");
    std::size_t size = 0;
    tensorByteSize(value.type.dtype(), {value.type.shape().begin(), value.type.shape().end()}, size);
    if (device_.sharesHostMemory())
      return device_.wrapHostMemory(const_cast<void *>(value.hostData), size, value.buffer);
    HET_RETURN_IF_ERROR(device_.allocate(size, value.buffer));
    statistics_.bytesToDevice += size;
    return device_.copyToDevice(*value.buffer, value.hostData);
  }

  /// A new host tensor holding `value`, from the device or from where the host already has it.
  /// Copies `value` into a new host tensor of element type `dtype` (the graph output's, which may name the
  /// signedness that a kernel's signless result does not).
  het_status_t download(const Value &value, hetbin::DType dtype, std::unique_ptr<HostTensor> &outTensor) {
    if (!sameBits(dtype, value.type.dtype()))
      return makeStatus(HET_STATUS_INVALID_FORMAT, "an output of type " + std::string(format::dtypeName(dtype)) +
                                                       " refers to a value of type " +
                                                       std::string(format::dtypeName(value.type.dtype())));
    HET_RETURN_IF_ERROR(
        HostTensor::create(dtype, {value.type.shape().begin(), value.type.shape().end()}, outTensor));
    if (value.hostData) {
      if (outTensor->byteSize())
        std::memcpy(outTensor->data(), value.hostData, outTensor->byteSize());
      return nullptr;
    }
    assert(value.buffer && "every dispatch result has a buffer once its dispatch ran");
    statistics_.bytesFromDevice += outTensor->byteSize();
    return device_.copyFromDevice(*value.buffer, outTensor->data());
  }

private:
  Device &device_;
  RunStatistics &statistics_;
};

het_status_t checkInputs(const hetbin::Manifest &manifest, std::span<const HostTensor *const> inputs) {
  if (inputs.size() != static_cast<std::size_t>(manifest.inputs_size()))
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "expected " + std::to_string(manifest.inputs_size()) +
                                                       " input(s) (" + describeSignature(manifest) + "), got " +
                                                       std::to_string(inputs.size()));
  for (int i = 0; i < manifest.inputs_size(); ++i) {
    const hetbin::Input &input = manifest.inputs(i);
    if (!inputs[i])
      return makeStatus(HET_STATUS_INVALID_ARGUMENT, "input '" + input.name() + "' is NULL");
    hetbin::TensorType actual = inputs[i]->type();
    if (!matches(input.type(), actual))
      return makeStatus(HET_STATUS_INVALID_ARGUMENT, "input '" + input.name() + "': expected " +
                                                         describe(input.type()) + ", got " + describe(actual));
  }
  return nullptr;
}

} // namespace

het_status_t Executor::create(const format::HetbinFile &file, Device &device, std::unique_ptr<Executor> &outExecutor) {
  const DeviceInfo &info = device.info();
  if (!info.available)
    return makeStatus(HET_STATUS_UNAVAILABLE, "device '" + info.name + "' is unavailable: " + info.reason);
  const hetbin::Manifest &manifest = file.manifest();
  std::unique_ptr<Executor> executor(new Executor(file, device));
  executor->kernels_.resize(manifest.kernels_size());
  for (const hetbin::Dispatch &dispatch : manifest.graph().dispatches()) {
    std::unique_ptr<LoadedKernel> &loaded = executor->kernels_[dispatch.kernel()];
    if (loaded)
      continue;
    const hetbin::Kernel &kernel = manifest.kernels(static_cast<int>(dispatch.kernel()));
    std::string reason;
    const hetbin::Variant *variant = device.selectVariant(kernel, reason);
    if (!variant)
      return makeStatus(HET_STATUS_UNSUPPORTED, "kernel '" + kernel.name() + "' has no variant for device '" +
                                                    info.name + "': " + reason +
                                                    " (its variants: " + describeVariants(kernel) + ")");
    HET_RETURN_IF_ERROR(device.loadKernel(kernel, *variant, file.sectionData(variant->image_section()), loaded));
  }
  outExecutor = std::move(executor);
  return nullptr;
}

het_status_t Executor::run(std::span<const HostTensor *const> inputs,
                           std::vector<std::unique_ptr<HostTensor>> &outOutputs, RunStatistics *statistics) {
  outOutputs.clear();
  const hetbin::Manifest &manifest = file_.manifest();
  HET_RETURN_IF_ERROR(checkInputs(manifest, inputs));

  RunStatistics counters;
  RunState state(device_, counters);
  for (const HostTensor *input : inputs)
    state.inputs.push_back(Value{input->type(), input->data(), nullptr});
  for (const hetbin::Constant &constant : manifest.constants())
    state.constants.push_back(Value{constant.type(), file_.sectionData(constant.section()).data(), nullptr});

  for (int d = 0; d < manifest.graph().dispatches_size(); ++d) {
    const hetbin::Dispatch &dispatch = manifest.graph().dispatches(d);
    const hetbin::Kernel &kernel = manifest.kernels(static_cast<int>(dispatch.kernel()));
    std::string where = "dispatch " + std::to_string(d) + " (kernel '" + kernel.name() + "')";
    if (dispatch.operands_size() + dispatch.results_size() != kernel.bindings_size())
      return makeStatus(HET_STATUS_INVALID_FORMAT, where + ": " + std::to_string(dispatch.operands_size()) +
                                                       " operands and " + std::to_string(dispatch.results_size()) +
                                                       " results for " + std::to_string(kernel.bindings_size()) +
                                                       " bindings");
    std::vector<DeviceBuffer *> buffers;
    for (int i = 0; i < dispatch.operands_size(); ++i) {
      Value &operand = state.value(dispatch.operands(i));
      const hetbin::Binding &binding = kernel.bindings(i);
      if (!matches(binding.type(), operand.type, /*exactDType=*/false))
        return makeStatus(HET_STATUS_INVALID_ARGUMENT, where + ": operand " + std::to_string(i) + " is " +
                                                           describe(operand.type) + ", but binding '" + binding.name() +
                                                           "' takes " + describe(binding.type()));
      HET_RETURN_IF_ERROR(state.upload(operand));
      buffers.push_back(operand.buffer.get());
    }
    std::vector<Value> &results = state.results.emplace_back();
    for (int r = 0; r < dispatch.results_size(); ++r) {
      const hetbin::TensorType &type = dispatch.results(r);
      if (!isStatic(type))
        return makeStatus(HET_STATUS_UNSUPPORTED, where + ": result " + std::to_string(r) + " has the dynamic type " +
                                                      describe(type) + "; this runtime needs static result shapes");
      Value &result = results.emplace_back(Value{type, nullptr, nullptr});
      std::size_t size = 0;
      if (!tensorByteSize(type.dtype(), {type.shape().begin(), type.shape().end()}, size))
        return makeStatus(HET_STATUS_INVALID_FORMAT, where + ": result " + std::to_string(r) + " of type " +
                                                         describe(type) + " has no representable byte size");
      HET_RETURN_IF_ERROR(device_.allocate(size, result.buffer));
      buffers.push_back(result.buffer.get());
    }
    HET_RETURN_IF_ERROR(device_.launch(*kernels_[dispatch.kernel()], buffers));
    ++counters.launches;
  }
  HET_RETURN_IF_ERROR(device_.synchronize());

  std::vector<std::unique_ptr<HostTensor>> outputs;
  for (const hetbin::Output &output : manifest.outputs())
    HET_RETURN_IF_ERROR(state.download(state.value(output.value()), output.type().dtype(), outputs.emplace_back()));
  outOutputs = std::move(outputs);
  if (statistics)
    *statistics = counters;
  return nullptr;
}

} // namespace het::runtime
