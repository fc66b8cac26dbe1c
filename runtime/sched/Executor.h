// Runs a module's host graph on the devices its dispatches are placed on: device buffers, transfers between
// memories, concurrent dispatches on a oneTBB flow graph, outputs, and what each dispatch did.
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
#include <vector>

namespace het::runtime {

/// What one dispatch of a run did.
struct DispatchRecord {
  std::size_t device = 0; ///< index into the executor's devices
  double startMs = 0;     ///< since the run began: when its device was free and it began moving its operands
  double durationMs = 0;  ///< moving its operands in, allocating its results and the launch, to completion
  std::uint64_t bytesMoved = 0; ///< bytes copied to give it its operands (out of another memory, into its own)
};

/// What a run moved and launched, for reports and for tests that check a device's transfers.
struct RunStatistics {
  std::uint64_t bytesToDevice = 0;
  std::uint64_t bytesFromDevice = 0;
  std::uint32_t launches = 0;
  std::vector<DispatchRecord> dispatches; ///< indexed like the graph's dispatches
  double totalMs = 0;                     ///< from the first dispatch to the outputs on the host
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

  /// Checks `inputs` against the module's inputs (count, dtype, shape; a -1 dimension takes any size), runs
  /// the dispatches and returns one new tensor per module output, in order. Dispatches whose operands are ready
  /// run at the same time when they are on different devices; one device runs one dispatch at a time.
  het_status_t run(std::span<const HostTensor *const> inputs, std::vector<std::unique_ptr<HostTensor>> &outOutputs,
                   RunStatistics *statistics = nullptr);

  const std::vector<Device *> &devices() const { return devices_; }
  const std::vector<DispatchPlacement> &placements() const { return placements_; }

private:
  Executor(const format::HetbinFile &file, std::vector<Device *> devices, std::vector<DispatchPlacement> placements);

  const format::HetbinFile &file_;
  std::vector<Device *> devices_;
  std::vector<DispatchPlacement> placements_;
  /// [device][kernel]: each kernel loaded once on every device a dispatch of it is placed on.
  std::vector<std::vector<std::unique_ptr<LoadedKernel>>> kernels_;
  /// One per device: a device runs its dispatches one after the other, as the cost model assumes.
  std::unique_ptr<std::mutex[]> deviceLocks_;
};

} // namespace het::runtime

#endif // HET_RUNTIME_SCHED_EXECUTOR_H
