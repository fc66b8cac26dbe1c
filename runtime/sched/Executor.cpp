// Runs the host graph of a module on the devices its dispatches are placed on, as a oneTBB flow graph.
//
// Values live where their dispatch wrote them. A value goes to another device the first time a dispatch there
// reads it: lent in place when that device shares host memory (cpu, a cpu partition) and the host can address
// the value, copied otherwise (fpga-sim, a card), through the host when it comes from another card's memory.
// Outputs come back to the host once every launch has finished.
#include "sched/Executor.h"

#include "api/Status.h"

#include <tbb/flow_graph.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <chrono>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <numeric>
#include <set>

namespace het::runtime {
namespace {

std::string describe(const hetbin::TensorType &type) { return format::describeTensorType(type); }

/// Whether a value of concrete type `actual` may be bound where `expected` (which may have -1 dims) is declared.
bool isInteger(hetbin::DType dtype) { return dtype >= hetbin::INT8 && dtype <= hetbin::UINT64; }

/// Kernels compute on signless integers (the compiler's view), so an unsigned value binds to a kernel binding of
/// the same width whatever signedness the binding records; graph inputs and outputs keep the exact dtype.
bool sameBits(hetbin::DType expected, hetbin::DType actual) {
  return expected == actual ||
         (isInteger(expected) && isInteger(actual) && format::dtypeSize(expected) == format::dtypeSize(actual));
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

/// One value of the host graph during a run, and its buffers on the devices that read it.
struct Value {
  hetbin::TensorType type;
  std::size_t byteSize = 0;
  /// Where the host can read it: inputs, constants, results of devices that share host memory, staged copies.
  const void *hostData = nullptr;
  std::unique_ptr<DeviceBuffer> home; ///< a dispatch result: the buffer its dispatch wrote
  std::unique_ptr<HostTensor> staged; ///< a result in a card's memory, copied to the host for other devices
  std::map<std::size_t, std::unique_ptr<DeviceBuffer>> copies; ///< [device]: what other devices read it from
  std::mutex mutex; ///< two dispatches may want it on a device at the same time
};

using Clock = std::chrono::steady_clock;

double millisecondsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

/// The values of one run and the transfers that bring them where they are read.
class RunState {
public:
  RunState(const hetbin::Manifest &manifest, const std::vector<Device *> &devices) : devices_(devices) {
    std::size_t offset = static_cast<std::size_t>(manifest.inputs_size() + manifest.constants_size());
    for (const hetbin::Dispatch &dispatch : manifest.graph().dispatches()) {
      resultOffsets_.push_back(offset);
      offset += static_cast<std::size_t>(dispatch.results_size());
    }
    constantOffset_ = static_cast<std::size_t>(manifest.inputs_size());
  }

  /// Every value, in the order inputs, constants, then each dispatch's results; filled by Executor::run.
  std::deque<Value> values;
  std::atomic<std::uint64_t> bytesToDevice{0};
  std::atomic<std::uint64_t> bytesFromDevice{0};

  /// Allocates the buffer of dispatch result `value` on `device`.
  het_status_t allocateResult(Value &value, Device &device) {
    HET_RETURN_IF_ERROR(device.allocate(value.byteSize, value.home));
    value.hostData = value.home->hostAddress();
    std::lock_guard<std::mutex> lock(resultBytesMutex_);
    liveResultBytes_ += value.byteSize;
    peakResultBytes_ = std::max(peakResultBytes_, liveResultBytes_);
    return nullptr;
  }
  /// Frees the buffers of dispatch result `value` (after its last reader, or when a fault lost it).
  void release(Value &value) {
    if (value.home) {
      std::lock_guard<std::mutex> lock(resultBytesMutex_);
      liveResultBytes_ -= value.byteSize;
    }
    value.copies.clear();
    value.staged.reset();
    value.home.reset();
    value.hostData = nullptr;
  }
  std::uint64_t peakResultBytes() {
    std::lock_guard<std::mutex> lock(resultBytesMutex_);
    return peakResultBytes_;
  }

  Value &value(const hetbin::ValueRef &ref) {
    switch (ref.source_case()) {
    case hetbin::ValueRef::kInput:
      return values[ref.input()];
    case hetbin::ValueRef::kConstant:
      return values[constantOffset_ + ref.constant()];
    case hetbin::ValueRef::kDispatchResult:
      return values[resultOffsets_[ref.dispatch_result().dispatch()] + ref.dispatch_result().result()];
    case hetbin::ValueRef::SOURCE_NOT_SET:
      break;
    }
    assert(false && "the reader rejects a value reference without a source");
    return values.front();
  }
  Value &result(std::size_t dispatch, std::size_t result) { return values[resultOffsets_[dispatch] + result]; }

  /// The buffer of `value` on device `index`, made on first use there; adds the bytes it copied to `moved`.
  het_status_t bufferOn(Value &value, std::size_t index, std::uint64_t &moved, DeviceBuffer *&outBuffer) {
    std::lock_guard<std::mutex> lock(value.mutex);
    Device &device = *devices_[index];
    if (value.home && &value.home->owner() == &device) {
      outBuffer = value.home.get();
      return nullptr;
    }
    if (auto copy = value.copies.find(index); copy != value.copies.end()) {
      outBuffer = copy->second.get();
      return nullptr;
    }
    if (!value.hostData) {
      assert(value.home && "only dispatch results can be in memory the host cannot address");
      // Card to card goes through the host, as it would between two PCIe cards without peer access.
      HET_RETURN_IF_ERROR(
          HostTensor::create(value.type.dtype(), {value.type.shape().begin(), value.type.shape().end()}, value.staged));
      HET_RETURN_IF_ERROR(value.home->owner().copyFromDevice(*value.home, value.staged->data()));
      bytesFromDevice += value.byteSize;
      moved += value.byteSize;
      value.hostData = value.staged->data();
    }
    std::unique_ptr<DeviceBuffer> &buffer = value.copies[index];
    if (device.sharesHostMemory())
      HET_RETURN_IF_ERROR(device.wrapHostMemory(const_cast<void *>(value.hostData), value.byteSize, buffer));
    else {
      HET_RETURN_IF_ERROR(device.allocate(value.byteSize, buffer));
      HET_RETURN_IF_ERROR(device.copyToDevice(*buffer, value.hostData));
      bytesToDevice += value.byteSize;
      moved += value.byteSize;
    }
    outBuffer = buffer.get();
    return nullptr;
  }

  /// Copies `value` into a new host tensor of element type `dtype` (the graph output's, which may name the
  /// signedness that a kernel's signless result does not), from the host or from the card that has it.
  het_status_t download(const Value &value, hetbin::DType dtype, std::unique_ptr<HostTensor> &outTensor) {
    if (!sameBits(dtype, value.type.dtype()))
      return makeStatus(HET_STATUS_INVALID_FORMAT, "an output of type " + std::string(format::dtypeName(dtype)) +
                                                       " refers to a value of type " +
                                                       std::string(format::dtypeName(value.type.dtype())));
    HET_RETURN_IF_ERROR(HostTensor::create(dtype, {value.type.shape().begin(), value.type.shape().end()}, outTensor));
    if (value.hostData) {
      if (outTensor->byteSize())
        std::memcpy(outTensor->data(), value.hostData, outTensor->byteSize());
      return nullptr;
    }
    assert(value.home && "every dispatch result has a buffer once its dispatch ran");
    bytesFromDevice += outTensor->byteSize();
    return value.home->owner().copyFromDevice(*value.home, outTensor->data());
  }

private:
  const std::vector<Device *> &devices_;
  std::size_t constantOffset_ = 0;
  std::vector<std::size_t> resultOffsets_;
  std::mutex resultBytesMutex_;
  std::uint64_t liveResultBytes_ = 0;
  std::uint64_t peakResultBytes_ = 0;
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

/// The static checks of dispatch `d` against the run's value types: binding counts, operand types, result
/// shapes. Done for every dispatch before any runs, so a bad graph fails before it has side effects.
het_status_t checkDispatch(const hetbin::Manifest &manifest, int d, RunState &state) {
  const hetbin::Dispatch &dispatch = manifest.graph().dispatches(d);
  const hetbin::Kernel &kernel = manifest.kernels(static_cast<int>(dispatch.kernel()));
  std::string where = "dispatch " + std::to_string(d) + " (kernel '" + kernel.name() + "')";
  if (dispatch.operands_size() + dispatch.results_size() != kernel.bindings_size())
    return makeStatus(HET_STATUS_INVALID_FORMAT, where + ": " + std::to_string(dispatch.operands_size()) +
                                                     " operands and " + std::to_string(dispatch.results_size()) +
                                                     " results for " + std::to_string(kernel.bindings_size()) +
                                                     " bindings");
  for (int i = 0; i < dispatch.operands_size(); ++i) {
    const Value &operand = state.value(dispatch.operands(i));
    const hetbin::Binding &binding = kernel.bindings(i);
    if (!matches(binding.type(), operand.type, /*exactDType=*/false))
      return makeStatus(HET_STATUS_INVALID_ARGUMENT, where + ": operand " + std::to_string(i) + " is " +
                                                         describe(operand.type) + ", but binding '" + binding.name() +
                                                         "' takes " + describe(binding.type()));
  }
  for (int r = 0; r < dispatch.results_size(); ++r) {
    const hetbin::TensorType &type = dispatch.results(r);
    if (!isStatic(type))
      return makeStatus(HET_STATUS_UNSUPPORTED, where + ": result " + std::to_string(r) + " has the dynamic type " +
                                                    describe(type) + "; this runtime needs static result shapes");
    if (!tensorByteSize(type.dtype(), {type.shape().begin(), type.shape().end()},
                        state.result(static_cast<std::size_t>(d), static_cast<std::size_t>(r)).byteSize))
      return makeStatus(HET_STATUS_INVALID_FORMAT, where + ": result " + std::to_string(r) + " of type " +
                                                       describe(type) + " has no representable byte size");
  }
  return nullptr;
}

/// Runs `runDispatch` for every dispatch of the graph as a oneTBB flow graph: one node per dispatch, with an edge
/// from each dispatch whose result it reads, so a dispatch starts as soon as its producers are done and dispatches
/// on different devices overlap.
void runFlowGraph(const hetbin::Manifest &manifest, const std::function<void(int)> &runDispatch) {
  tbb::flow::graph graph;
  tbb::flow::broadcast_node<tbb::flow::continue_msg> start(graph);
  std::deque<tbb::flow::continue_node<tbb::flow::continue_msg>> nodes;
  for (int d = 0; d < manifest.graph().dispatches_size(); ++d) {
    auto &node = nodes.emplace_back(graph, [&runDispatch, d](const tbb::flow::continue_msg &) { runDispatch(d); });
    std::set<std::uint32_t> producers;
    for (const hetbin::ValueRef &operand : manifest.graph().dispatches(d).operands())
      if (operand.has_dispatch_result())
        producers.insert(operand.dispatch_result().dispatch());
    if (producers.empty())
      tbb::flow::make_edge(start, node);
    for (std::uint32_t producer : producers)
      tbb::flow::make_edge(nodes[producer], node);
  }
  start.try_put(tbb::flow::continue_msg());
  graph.wait_for_all();
}

} // namespace

Executor::Executor(const format::HetbinFile &file, std::vector<Device *> devices,
                   std::vector<DispatchPlacement> placements)
    : file_(file), devices_(std::move(devices)), placements_(std::move(placements)),
      deviceLocks_(new std::mutex[devices_.size()]) {}

het_status_t Executor::create(const format::HetbinFile &file, Device &device, std::unique_ptr<Executor> &outExecutor) {
  const hetbin::Manifest &manifest = file.manifest();
  std::vector<DispatchPlacement> placements(manifest.graph().dispatches_size());
  if (!device.info().available)
    return makeStatus(HET_STATUS_UNAVAILABLE,
                      "device '" + device.info().name + "' is unavailable: " + device.info().reason);
  for (int d = 0; d < manifest.graph().dispatches_size(); ++d)
    HET_RETURN_IF_ERROR(selectVariantOn(
        device, manifest.kernels(static_cast<int>(manifest.graph().dispatches(d).kernel())), placements[d].variant));
  return create(file, {&device}, std::move(placements), outExecutor);
}

het_status_t Executor::create(const format::HetbinFile &file, std::vector<Device *> devices,
                              std::vector<DispatchPlacement> placements, std::unique_ptr<Executor> &outExecutor) {
  const hetbin::Manifest &manifest = file.manifest();
  assert(placements.size() == static_cast<std::size_t>(manifest.graph().dispatches_size()) &&
         "one placement per dispatch");
  std::unique_ptr<Executor> executor(new Executor(file, std::move(devices), std::move(placements)));
  executor->kernels_.resize(executor->devices_.size());
  for (auto &kernels : executor->kernels_)
    kernels.resize(manifest.kernels_size());
  std::vector<int> all(manifest.graph().dispatches_size());
  std::iota(all.begin(), all.end(), 0);
  HET_RETURN_IF_ERROR(executor->loadKernels(executor->placements_, all));
  outExecutor = std::move(executor);
  return nullptr;
}

het_status_t Executor::create(const format::HetbinFile &file, DevicePool &pool, PlacementRequest request,
                              std::unique_ptr<Executor> &outExecutor) {
  std::vector<DispatchPlacement> placements;
  HET_RETURN_IF_ERROR(placeDispatches(file.manifest(), pool, request, placements));
  std::vector<Device *> devices;
  for (std::size_t i = 0; i < pool.size(); ++i)
    devices.push_back(&pool.device(i));
  std::unique_ptr<Executor> executor;
  HET_RETURN_IF_ERROR(create(file, std::move(devices), std::move(placements), executor));
  executor->pool_ = &pool;
  executor->request_ = std::move(request);
  outExecutor = std::move(executor);
  return nullptr;
}

std::vector<DispatchPlacement> Executor::placements() const {
  std::lock_guard<std::mutex> lock(placementMutex_);
  return placements_;
}

het_status_t Executor::loadKernels(const std::vector<DispatchPlacement> &placements,
                                   const std::vector<int> &dispatches) {
  const hetbin::Manifest &manifest = file_.manifest();
  std::lock_guard<std::mutex> lock(kernelMutex_);
  for (int d : dispatches) {
    const DispatchPlacement &placement = placements[d];
    assert(placement.device < devices_.size() && placement.variant && "a placed dispatch");
    std::uint32_t kernelIndex = manifest.graph().dispatches(d).kernel();
    std::unique_ptr<LoadedKernel> &loaded = kernels_[placement.device][kernelIndex];
    if (loaded)
      continue;
    HET_RETURN_IF_ERROR(
        devices_[placement.device]->loadKernel(manifest.kernels(static_cast<int>(kernelIndex)), *placement.variant,
                                               file_.sectionData(placement.variant->image_section()), loaded));
  }
  return nullptr;
}

het_status_t Executor::replace(std::vector<DispatchPlacement> &placements, FaultEvent &fault) {
  // Whatever the first placement was, the work now goes where the cost model says among the healthy devices;
  // pins to devices that are still healthy hold.
  PlacementRequest request = request_;
  request.automatic = true;
  std::erase_if(request.pins, [&](const auto &pin) { return pool_->failed(pin.second); });
  std::vector<DispatchPlacement> replacement;
  if (het_status_t status = placeDispatches(file_.manifest(), *pool_, request, replacement)) {
    std::string message = het_status_message(status);
    het_status_free(status);
    return makeStatus(HET_STATUS_UNAVAILABLE, "device '" + devices_[fault.device]->info().name + "' failed (" +
                                                  fault.message +
                                                  ") and its work cannot be placed on another device: " + message);
  }
  for (int d : fault.replaced)
    placements[d] = replacement[d];
  HET_RETURN_IF_ERROR(loadKernels(placements, fault.replaced));
  std::lock_guard<std::mutex> lock(placementMutex_);
  placements_ = placements;
  return nullptr;
}

het_status_t Executor::run(std::span<const HostTensor *const> inputs,
                           std::vector<std::unique_ptr<HostTensor>> &outOutputs, RunStatistics *statistics) {
  outOutputs.clear();
  const hetbin::Manifest &manifest = file_.manifest();
  HET_RETURN_IF_ERROR(checkInputs(manifest, inputs));

  RunState state(manifest, devices_);
  auto addHostValue = [&](const hetbin::TensorType &type, const void *data) {
    Value &value = state.values.emplace_back();
    value.type = type;
    value.hostData = data;
    tensorByteSize(type.dtype(), {type.shape().begin(), type.shape().end()}, value.byteSize);
  };
  for (const HostTensor *input : inputs)
    addHostValue(input->type(), input->data());
  for (const hetbin::Constant &constant : manifest.constants())
    addHostValue(constant.type(), file_.sectionData(constant.section()).data());
  for (const hetbin::Dispatch &dispatch : manifest.graph().dispatches())
    for (const hetbin::TensorType &type : dispatch.results())
      state.values.emplace_back().type = type;
  int dispatchCount = manifest.graph().dispatches_size();
  for (int d = 0; d < dispatchCount; ++d)
    HET_RETURN_IF_ERROR(checkDispatch(manifest, d, state));

  // The last dispatch that reads each dispatch result; graph outputs have no last reader.
  std::map<const Value *, int> lastReader;
  for (int d = 0; d < dispatchCount; ++d)
    for (const hetbin::ValueRef &operand : manifest.graph().dispatches(d).operands())
      lastReader[&state.value(operand)] = d;
  for (const hetbin::Output &output : manifest.outputs())
    lastReader[&state.value(output.value())] = dispatchCount;

  std::vector<DispatchPlacement> placements = this->placements();
  std::vector<DispatchRecord> records(dispatchCount);
  std::vector<FaultEvent> faults;
  std::vector<char> done(dispatchCount, 0); ///< whose results are where the placement says, from this run
  auto replaceAfter = [&](FaultEvent &fault) -> het_status_t {
    HET_RETURN_IF_ERROR(replace(placements, fault));
    for (int d : fault.replaced)
      if (records[d].replacedFrom == kNoDevice && placements[d].device != records[d].device)
        records[d].replacedFrom = records[d].device;
    return nullptr;
  };
  for (int d = 0; d < dispatchCount; ++d)
    records[d].device = placements[d].device;
  // A device that failed in an earlier run on this pool gets no work in this one.
  if (pool_) {
    std::map<std::size_t, FaultEvent> earlier;
    for (int d = 0; d < dispatchCount; ++d)
      if (pool_->failed(placements[d].device))
        earlier[placements[d].device].replaced.push_back(d);
    for (auto &[device, fault] : earlier) {
      fault.device = device;
      fault.message = pool_->failureReason(device);
      HET_RETURN_IF_ERROR(replaceAfter(fault));
      faults.push_back(std::move(fault));
    }
  }

  /// The first failure of a pass over the graph; `device` is set when it was a launch, so the device is at fault.
  struct Failure {
    het_status_t status = nullptr;
    std::size_t device = kNoDevice;
    int dispatch = -1;
  } failure;
  std::mutex failureLock;
  std::atomic<bool> failed{false};
  std::atomic<std::uint32_t> launches{0};
  auto fail = [&](het_status_t status, std::size_t device, int d) {
    std::lock_guard<std::mutex> lock(failureLock);
    if (failure.status) {
      het_status_free(status);
      return;
    }
    failure = {status, device, d};
    failed.store(true);
  };
  Clock::time_point runStart = Clock::now();

  auto execute = [&](int d) -> het_status_t {
    const hetbin::Dispatch &dispatch = manifest.graph().dispatches(d);
    std::size_t deviceIndex = placements[d].device;
    Device &device = *devices_[deviceIndex];
    std::lock_guard<std::mutex> deviceLock(deviceLocks_[deviceIndex]);
    DispatchRecord &record = records[d];
    record.device = deviceIndex;
    record.bytesMoved = 0;
    Clock::time_point start = Clock::now();
    record.startMs = millisecondsBetween(runStart, start);
    std::vector<DeviceBuffer *> buffers;
    for (const hetbin::ValueRef &operand : dispatch.operands())
      HET_RETURN_IF_ERROR(state.bufferOn(state.value(operand), deviceIndex, record.bytesMoved, buffers.emplace_back()));
    for (int r = 0; r < dispatch.results_size(); ++r) {
      Value &result = state.result(static_cast<std::size_t>(d), static_cast<std::size_t>(r));
      HET_RETURN_IF_ERROR(state.allocateResult(result, device));
      buffers.push_back(result.home.get());
    }
    ++launches;
    het_status_t launched = pool_ ? pool_->countLaunch(deviceIndex) : nullptr;
    if (!launched)
      launched = device.launch(*kernels_[deviceIndex][dispatch.kernel()], buffers);
    if (!launched)
      launched = device.synchronize();
    if (launched) {
      fail(launched, deviceIndex, d);
      return nullptr;
    }
    record.durationMs = millisecondsBetween(start, Clock::now());
    done[d] = 1;
    return nullptr;
  };

  auto runDispatch = [&](int d) {
    if (failed.load() || done[d])
      return;
    if (het_status_t status = execute(d))
      fail(status, kNoDevice, d);
  };
  for (;;) {
    // With every dispatch on one device nothing can overlap: the dispatches run in graph order (a topological
    // order) on this thread. A cpu launch then joins its device's arena from here, and oneTBB's workers fill the
    // arena's other slots; from inside a flow-graph task the arena would find the workers held by the graph.
    // After a fault the dispatches run again, and those already done pass straight through.
    bool oneDevice = std::all_of(placements.begin(), placements.end(),
                                 [&](const DispatchPlacement &p) { return p.device == placements.front().device; });
    if (oneDevice) {
      // On a device in host memory a fault reruns only the dispatches not done, so a result every reader of
      // which is done is freed at once, and the next results reuse its memory (fewer fresh pages to fault in).
      bool freeEarly = !placements.empty() && devices_[placements.front().device]->sharesHostMemory();
      for (int d = 0; d < dispatchCount; ++d) {
        runDispatch(d);
        if (!freeEarly || !done[d])
          continue;
        for (const hetbin::ValueRef &operand : manifest.graph().dispatches(d).operands())
          if (operand.has_dispatch_result() && lastReader[&state.value(operand)] == d)
            state.release(state.value(operand));
      }
    } else {
      runFlowGraph(manifest, runDispatch);
    }
    if (!failure.status)
      break;
    if (!pool_ || failure.device == kNoDevice)
      return failure.status;

    FaultEvent &fault = faults.emplace_back();
    fault.device = failure.device;
    fault.dispatch = failure.dispatch;
    fault.message = het_status_message(failure.status);
    het_status_free(failure.status);
    failure = {};
    failed.store(false);
    pool_->markFailed(fault.device, fault.message);
    // What the failed device computed is lost with its memory (a card's memory is not trusted after a fault);
    // results a host-memory device wrote stay readable.
    bool resultsSurvive = devices_[fault.device]->sharesHostMemory();
    for (int d = 0; d < dispatchCount; ++d) {
      if (done[d] && (resultsSurvive || placements[d].device != fault.device))
        continue;
      fault.replaced.push_back(d);
      done[d] = 0;
      for (int r = 0; r < manifest.graph().dispatches(d).results_size(); ++r)
        state.release(state.result(static_cast<std::size_t>(d), static_cast<std::size_t>(r)));
    }
    HET_RETURN_IF_ERROR(replaceAfter(fault));
  }

  std::vector<std::unique_ptr<HostTensor>> outputs;
  for (const hetbin::Output &output : manifest.outputs())
    HET_RETURN_IF_ERROR(state.download(state.value(output.value()), output.type().dtype(), outputs.emplace_back()));
  outOutputs = std::move(outputs);
  if (statistics) {
    statistics->bytesToDevice = state.bytesToDevice.load();
    statistics->bytesFromDevice = state.bytesFromDevice.load();
    statistics->launches = launches.load();
    statistics->dispatches = std::move(records);
    statistics->faults = std::move(faults);
    statistics->totalMs = millisecondsBetween(runStart, Clock::now());
    statistics->peakResultBytes = state.peakResultBytes();
  }
  return nullptr;
}

} // namespace het::runtime
