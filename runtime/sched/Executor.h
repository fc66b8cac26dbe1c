// Runs a module's host graph on the devices its dispatches are placed on: device buffers, transfers between
// memories, concurrent dispatches on a oneTBB flow graph, re-placement when a device fails, outputs, and what each
// dispatch did.
#ifndef HET_RUNTIME_SCHED_EXECUTOR_H
#define HET_RUNTIME_SCHED_EXECUTOR_H

#include "drivers/Device.h"
#include "het/format/HetbinReader.h"
#include "sched/HostTensor.h"
#include "sched/Placement.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace het::runtime {

/// No device: a DispatchRecord::replacedFrom of a dispatch that stayed where it was placed.
constexpr std::size_t kNoDevice = static_cast<std::size_t>(-1);

/// What one dispatch of a run did.
struct DispatchRecord {
  std::size_t device = 0; ///< index into the executor's devices
  std::size_t replacedFrom = kNoDevice; ///< where it was placed before a device failure moved it
  double startMs = 0;     ///< since the run began: when its device was free and it began moving its operands
  double durationMs = 0;  ///< moving its operands in, allocating its results and the launch, to completion
  std::uint64_t bytesMoved = 0; ///< bytes copied to give it its operands (out of another memory, into its own)
};

/// A device that failed during (or before) a run, and the dispatches placed again because of it.
struct FaultEvent {
  std::size_t device = 0; ///< index into the executor's devices
  int dispatch = -1;      ///< the dispatch whose launch failed; -1 when the device had failed in an earlier run
  std::string message;    ///< why the device failed
  std::vector<int> replaced; ///< dispatches placed again on the remaining devices, in graph order
};

/// What a run moved and launched, for reports and for tests that check a device's transfers.
struct RunStatistics {
  std::uint64_t bytesToDevice = 0;
  std::uint64_t bytesFromDevice = 0;
  std::uint32_t launches = 0; ///< launches tried, a failed one and the re-runs after a fault included
  std::vector<DispatchRecord> dispatches; ///< indexed like the graph's dispatches
  std::vector<FaultEvent> faults;         ///< in the order they happened
  double totalMs = 0;                     ///< from the first dispatch to the outputs on the host
  /// The most bytes of dispatch results held at once. On one device in host memory a result is freed after its
  /// last reader, so this is the run's working set, not the sum of every result.
  std::uint64_t peakResultBytes = 0;
};

/// A module prepared for its devices: every dispatch's variant chosen and loaded on the device it is placed on.
/// Reusable for many runs, also from several threads at once; it must not outlive `file` (and the bytes it was
/// parsed from) or the devices.
class Executor {
public:
  /// Everything on `device`. Fails with UNAVAILABLE for an unavailable device and UNSUPPORTED when a dispatched
  /// kernel has no variant for it (no silent fallback to another device), naming the kernel and its variants.
  static het_status_t create(const format::HetbinFile &file, Device &device, std::unique_ptr<Executor> &outExecutor);
  /// Each dispatch on `devices[placements[d].device]`, running `placements[d].variant` (placeDispatches' result).
  static het_status_t create(const format::HetbinFile &file, std::vector<Device *> devices,
                             std::vector<DispatchPlacement> placements, std::unique_ptr<Executor> &outExecutor);
  /// Placed by `request` over every device of `pool` (the executor's devices are the pool's, in pool order), and
  /// fault tolerant: a launch that fails marks its device failed in the pool, and the run goes on with that
  /// dispatch, every dispatch not yet run and every one whose results were in the failed device's memory placed
  /// again (HEFT over the remaining devices, pins to healthy devices kept); later runs use the new placement.
  /// Launches are counted by the pool, so that its injected faults fire.
  static het_status_t create(const format::HetbinFile &file, DevicePool &pool, PlacementRequest request,
                             std::unique_ptr<Executor> &outExecutor);

  /// Checks `inputs` against the module's inputs (count, dtype, shape; a -1 dimension takes any size), runs
  /// the dispatches and returns one new tensor per module output, in order. Dispatches whose operands are ready
  /// run at the same time when they are on different devices; one device runs one dispatch at a time.
  het_status_t run(std::span<const HostTensor *const> inputs, std::vector<std::unique_ptr<HostTensor>> &outOutputs,
                   RunStatistics *statistics = nullptr);

  const std::vector<Device *> &devices() const { return devices_; }
  /// Where the next run places each dispatch: the creation's placement, or the one a device failure led to.
  std::vector<DispatchPlacement> placements() const;

private:
  Executor(const format::HetbinFile &file, std::vector<Device *> devices, std::vector<DispatchPlacement> placements);

  /// Loads the kernel of every dispatch in `dispatches` on its device in `placements`, unless it is loaded.
  het_status_t loadKernels(const std::vector<DispatchPlacement> &placements, const std::vector<int> &dispatches);
  /// Places the dispatches of `fault.replaced` again in `placements`, off the devices the pool marked failed, loads
  /// their kernels there, and makes `placements` the one later runs start from.
  het_status_t replace(std::vector<DispatchPlacement> &placements, FaultEvent &fault);

  const format::HetbinFile &file_;
  std::vector<Device *> devices_;
  DevicePool *pool_ = nullptr; ///< set when the executor re-places after faults; then devices_ are its devices
  PlacementRequest request_;
  mutable std::mutex placementMutex_;
  std::vector<DispatchPlacement> placements_; ///< guarded by placementMutex_
  std::mutex kernelMutex_;                    ///< guards loading into kernels_ after creation
  /// [device][kernel]: each kernel loaded once on every device a dispatch of it is placed on.
  std::vector<std::vector<std::unique_ptr<LoadedKernel>>> kernels_;
  /// One per device: a device runs its dispatches one after the other, as the cost model assumes.
  std::unique_ptr<std::mutex[]> deviceLocks_;
};

} // namespace het::runtime

#endif // HET_RUNTIME_SCHED_EXECUTOR_H
