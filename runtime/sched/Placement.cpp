// Placement of a host graph's dispatches: pinned, on one device, or HEFT list scheduling over the pool.
//
// HEFT (Topcuoglu et al., 2002): dispatches are taken in decreasing upward rank (their own average cost plus the
// costliest path to the end of the graph), and each goes to the device where it would finish first, given when
// that device is free and when its operands can be there. Operands in another memory than the device's pay a
// transfer at the bandwidth of each non-host side; devices that share host memory (cpu partitions) pay none.
#include "sched/Placement.h"

#include "api/Status.h"
#include "sched/HostTensor.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <tuple>

namespace het::runtime {
namespace {

/// What a launch costs besides its work (argument set-up, waking threads): it also keeps the model from
/// stacking zero-cost kernels on one device when another is idle.
constexpr double kLaunchOverheadMicroseconds = 5;
/// The memory of devices that share the host's.
constexpr std::size_t kHostMemory = static_cast<std::size_t>(-1);

std::string describeVariants(const hetbin::Kernel &kernel) {
  std::string text;
  for (const hetbin::Variant &variant : kernel.variants())
    text += (text.empty() ? "" : ", ") + variant.name() + " " + hetbin::ImageFormat_Name(variant.format());
  return text.empty() ? "none" : text;
}

std::uint64_t byteSize(const hetbin::TensorType &type) {
  std::size_t size = 0;
  return tensorByteSize(type.dtype(), {type.shape().begin(), type.shape().end()}, size) ? size : 0;
}

double microsecondsFor(double amount, double ratePerSecondInGiga) {
  return ratePerSecondInGiga > 0 ? amount / (ratePerSecondInGiga * 1e3) : 0;
}

/// A value of the graph: (source case, index, result).
using ValueKey = std::tuple<int, std::uint32_t, std::uint32_t>;

ValueKey keyOf(const hetbin::ValueRef &ref) {
  switch (ref.source_case()) {
  case hetbin::ValueRef::kInput:
    return {0, ref.input(), 0};
  case hetbin::ValueRef::kConstant:
    return {1, ref.constant(), 0};
  default:
    return {2, ref.dispatch_result().dispatch(), ref.dispatch_result().result()};
  }
}

/// The cost-model state of HEFT while it places dispatches one by one.
class ListScheduler {
public:
  ListScheduler(const hetbin::Manifest &manifest, DevicePool &pool) : manifest_(manifest), pool_(pool) {
    deviceReady_.assign(pool.size(), 0);
  }

  std::size_t memoryOf(std::size_t device) const {
    return pool_.device(device).sharesHostMemory() ? kHostMemory : device;
  }

  double transferMicroseconds(std::uint64_t bytes, std::size_t from, std::size_t to) {
    if (from == to)
      return 0;
    double microseconds = 0;
    for (std::size_t memory : {from, to})
      if (memory != kHostMemory)
        microseconds += microsecondsFor(static_cast<double>(bytes), pool_.capabilities(memory).rates.gbPerSecond);
    return microseconds;
  }

  /// Places dispatch `d` on the candidate where it finishes first; ties go to the earlier device.
  void place(int d, const std::vector<std::size_t> &candidates, std::vector<DispatchPlacement> &placements) {
    const hetbin::Dispatch &dispatch = manifest_.graph().dispatches(d);
    const hetbin::Kernel &kernel = manifest_.kernels(static_cast<int>(dispatch.kernel()));
    DispatchPlacement &best = placements[d];
    double bestFinish = -1;
    for (std::size_t device : candidates) {
      std::size_t memory = memoryOf(device);
      double dataReady = 0;
      for (int i = 0; i < dispatch.operands_size(); ++i) {
        const hetbin::ValueRef &operand = dispatch.operands(i);
        double available = 0;
        std::size_t from = kHostMemory;
        if (operand.has_dispatch_result()) {
          const DispatchPlacement &producer = placements[operand.dispatch_result().dispatch()];
          available = producer.estimatedFinishUs;
          from = memoryOf(producer.device);
        }
        double transfer = present_.count({keyOf(operand), memory})
                              ? 0
                              : transferMicroseconds(byteSize(kernel.bindings(i).type()), from, memory);
        dataReady = std::max(dataReady, available + transfer);
      }
      double start = std::max(deviceReady_[device], dataReady);
      double finish = start + estimateComputeMicroseconds(kernel, pool_.capabilities(device).rates);
      if (bestFinish < 0 || finish < bestFinish) {
        bestFinish = finish;
        best.device = device;
        best.estimatedStartUs = start;
        best.estimatedFinishUs = finish;
      }
    }
    deviceReady_[best.device] = best.estimatedFinishUs;
    std::size_t memory = memoryOf(best.device);
    for (const hetbin::ValueRef &operand : dispatch.operands())
      present_.insert({keyOf(operand), memory});
    for (int r = 0; r < dispatch.results_size(); ++r)
      present_.insert({ValueKey{2, static_cast<std::uint32_t>(d), static_cast<std::uint32_t>(r)}, memory});
  }

private:
  const hetbin::Manifest &manifest_;
  DevicePool &pool_;
  std::vector<double> deviceReady_;
  /// Values already copied into a memory by an earlier placed dispatch: later readers there pay nothing.
  std::set<std::pair<ValueKey, std::size_t>> present_;
};

/// Dispatch indices in decreasing upward rank, computed from the average cost over each one's candidates.
std::vector<int> rankOrder(const hetbin::Manifest &manifest, DevicePool &pool,
                           const std::vector<std::vector<std::size_t>> &candidates) {
  int count = manifest.graph().dispatches_size();
  std::vector<double> rank(count, 0);
  // Dispatches are in execution order, so walking backwards sees every consumer before its producers.
  for (int d = count - 1; d >= 0; --d) {
    const hetbin::Kernel &kernel = manifest.kernels(static_cast<int>(manifest.graph().dispatches(d).kernel()));
    double total = 0;
    for (std::size_t device : candidates[d])
      total += estimateComputeMicroseconds(kernel, pool.capabilities(device).rates);
    rank[d] += total / static_cast<double>(candidates[d].size());
    for (const hetbin::ValueRef &operand : manifest.graph().dispatches(d).operands())
      if (operand.has_dispatch_result()) {
        double &producer = rank[operand.dispatch_result().dispatch()];
        producer = std::max(producer, rank[d]);
      }
  }
  // A producer's rank exceeds its consumers' by at least the launch overhead, so this order is topological.
  std::vector<int> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return rank[a] > rank[b] || (rank[a] == rank[b] && a < b); });
  return order;
}

} // namespace

het_status_t selectVariantOn(Device &device, const hetbin::Kernel &kernel, const hetbin::Variant *&outVariant) {
  const DeviceInfo &info = device.info();
  if (!info.available)
    return makeStatus(HET_STATUS_UNAVAILABLE, "device '" + info.name + "' is unavailable: " + info.reason);
  std::string reason;
  outVariant = device.selectVariant(kernel, reason);
  if (!outVariant)
    return makeStatus(HET_STATUS_UNSUPPORTED, "kernel '" + kernel.name() + "' has no variant for device '" +
                                                  info.name + "': " + reason + " (its variants: " +
                                                  describeVariants(kernel) + ")");
  return nullptr;
}

double estimateComputeMicroseconds(const hetbin::Kernel &kernel, const DeviceRates &rates) {
  double bytes = static_cast<double>(kernel.cost().bytes_read()) + static_cast<double>(kernel.cost().bytes_written());
  return kLaunchOverheadMicroseconds + microsecondsFor(static_cast<double>(kernel.cost().flops()), rates.gflops) +
         microsecondsFor(bytes, rates.gbPerSecond);
}

het_status_t placeDispatches(const hetbin::Manifest &manifest, DevicePool &pool, const PlacementRequest &request,
                             std::vector<DispatchPlacement> &outPlacements) {
  for (const auto &[kernelName, device] : request.pins) {
    bool known = false;
    std::string names;
    for (const hetbin::Kernel &kernel : manifest.kernels()) {
      known |= kernel.name() == kernelName;
      names += (names.empty() ? "" : ", ") + kernel.name();
    }
    if (!known)
      return makeStatus(HET_STATUS_INVALID_ARGUMENT, "pinned kernel '" + kernelName +
                                                         "' is not in the module; its kernels: " +
                                                         (names.empty() ? "none" : names));
  }

  int count = manifest.graph().dispatches_size();
  std::vector<DispatchPlacement> placements(count);
  std::vector<std::vector<std::size_t>> candidates(count);
  for (int d = 0; d < count; ++d) {
    const hetbin::Kernel &kernel = manifest.kernels(static_cast<int>(manifest.graph().dispatches(d).kernel()));
    auto pin = request.pins.find(kernel.name());
    if (pin != request.pins.end() || !request.automatic) {
      std::size_t device = pin != request.pins.end() ? pin->second : request.device;
      if (pool.failed(device))
        return makeStatus(HET_STATUS_UNAVAILABLE, "device '" + pool.device(device).info().name +
                                                      "' has failed: " + pool.failureReason(device));
      HET_RETURN_IF_ERROR(selectVariantOn(pool.device(device), kernel, placements[d].variant));
      placements[d].device = device;
      candidates[d] = {device};
      continue;
    }
    std::string reasons;
    for (std::size_t device = 0; device < pool.size(); ++device) {
      Device &candidate = pool.device(device);
      if (!candidate.info().available)
        continue;
      if (pool.failed(device)) {
        reasons += "; " + candidate.info().name + ": it has failed (" + pool.failureReason(device) + ")";
        continue;
      }
      std::string reason;
      if (candidate.selectVariant(kernel, reason))
        candidates[d].push_back(device);
      else
        reasons += "; " + candidate.info().name + ": " + reason;
    }
    if (candidates[d].empty())
      return makeStatus(HET_STATUS_UNSUPPORTED, "kernel '" + kernel.name() +
                                                    "' has no variant for any available, healthy device" + reasons +
                                                    " (its variants: " + describeVariants(kernel) + ")");
    // A device without rates (its driver cannot run the calibration: cuda, xrt) would cost nothing in the model
    // and draw every kernel it has a variant for; its speed is unknown, so it only takes kernels that no
    // calibrated device can run.
    auto uncalibrated = [&](std::size_t device) { return pool.capabilities(device).source == CalibrationSource::None; };
    if (!std::all_of(candidates[d].begin(), candidates[d].end(), uncalibrated))
      std::erase_if(candidates[d], uncalibrated);
  }

  if (request.automatic) {
    ListScheduler scheduler(manifest, pool);
    for (int d : rankOrder(manifest, pool, candidates)) {
      scheduler.place(d, candidates[d], placements);
      std::string unused;
      const hetbin::Kernel &kernel = manifest.kernels(static_cast<int>(manifest.graph().dispatches(d).kernel()));
      placements[d].variant = pool.device(placements[d].device).selectVariant(kernel, unused);
    }
  }
  outPlacements = std::move(placements);
  return nullptr;
}

} // namespace het::runtime
