// Runs a module's host graph on one device: dispatches in order, device buffers, transfers, outputs.
#ifndef HET_RUNTIME_SCHED_EXECUTOR_H
#define HET_RUNTIME_SCHED_EXECUTOR_H

#include "drivers/Device.h"
#include "het/format/HetbinReader.h"
#include "sched/HostTensor.h"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace het::runtime {

/// What a run moved and launched, for reports and for tests that check a device's transfers.
struct RunStatistics {
  std::uint64_t bytesToDevice = 0;
  std::uint64_t bytesFromDevice = 0;
  std::uint32_t launches = 0;
};

/// A module prepared for one device: every dispatched kernel's variant chosen and loaded. Reusable for many
/// runs; it must not outlive `file` (and the bytes it was parsed from) or `device`.
class Executor {
public:
  /// Fails with UNAVAILABLE for an unavailable device and UNSUPPORTED when a dispatched kernel has no variant
  /// for it (no silent fallback to another device), naming the kernel and the variants it has.
  static het_status_t create(const format::HetbinFile &file, Device &device, std::unique_ptr<Executor> &outExecutor);

  /// Checks `inputs` against the module's inputs (count, dtype, shape; a -1 dimension takes any size), runs
  /// the dispatches and returns one new tensor per module output, in order.
  het_status_t run(std::span<const HostTensor *const> inputs, std::vector<std::unique_ptr<HostTensor>> &outOutputs,
                   RunStatistics *statistics = nullptr);

  Device &device() const { return device_; }

private:
  Executor(const format::HetbinFile &file, Device &device) : file_(file), device_(device) {}

  const format::HetbinFile &file_;
  Device &device_;
  /// Indexed like Manifest.kernels; null for kernels no dispatch uses.
  std::vector<std::unique_ptr<LoadedKernel>> kernels_;
};

} // namespace het::runtime

#endif // HET_RUNTIME_SCHED_EXECUTOR_H
