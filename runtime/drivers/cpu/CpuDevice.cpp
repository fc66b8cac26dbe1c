// The cpu driver: loads ELF_SHARED_OBJECT variants (docs/kernel-abi.md) and spreads their tiles over cores.
//
// Device memory is host memory, so buffers are plain aligned allocations and host data is used in place.
// Launches are synchronous: a launch returns once every tile has run. With --cpu-partitions the host's threads
// are split between logical devices, each with its own task arena, so two kernels placed on two partitions run
// side by side instead of competing for one pool of threads.
//
// A launch runs on whichever thread the executor's flow graph gave the dispatch, and that thread joins the
// device's arena; the arena's other threads come from oneTBB's shared worker pool, which by default holds one
// thread fewer than the host has cores. The devices therefore raise the pool to their threads plus one (the thread
// that drives the graph) for as long as they exist, so a launch on N threads really gets N.
#include "drivers/cpu/CpuDevice.h"

#include "api/Status.h"
#include "drivers/HostMemoryDevice.h"
#include "drivers/SharedObject.h"
#include "drivers/cpu/FeatureLevel.h"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdint>

namespace het::runtime {
namespace {

using CpuEntryPoint = void (*)(void **buffers, std::int64_t tileBegin, std::int64_t tileEnd);

class CpuKernel final : public LoadedKernel {
public:
  CpuKernel(std::string displayName, std::unique_ptr<SharedObject> object, CpuEntryPoint entry, std::int64_t tileCount,
            bool small)
      : LoadedKernel(std::move(displayName)), object_(std::move(object)), entry_(entry), tileCount_(tileCount),
        small_(small) {}

  CpuEntryPoint entry() const { return entry_; }
  std::int64_t tileCount() const { return tileCount_; }
  /// Whether its cost facts say a launch is a few microseconds of work (isSmallKernel).
  bool small() const { return small_; }

private:
  std::unique_ptr<SharedObject> object_;
  CpuEntryPoint entry_;
  std::int64_t tileCount_;
  bool small_;
};

/// Whether a kernel's cost facts put a launch at about the cost of waking and joining a second thread (some 10
/// microseconds, more when the other core is not ours for a moment, as on a shared virtual machine): fewer than
/// 2^21 operations (10 us at 200 GFLOP/s) on less than 1 MiB. Such kernels run on the launching thread; a kernel
/// without cost facts (a C++ kernel) is spread as any other.
bool isSmallKernel(const hetbin::Kernel &kernel) {
  constexpr std::uint64_t kSpreadFlops = 1u << 21, kSpreadBytes = 1u << 20;
  return kernel.has_cost() && kernel.cost().flops() < kSpreadFlops &&
         kernel.cost().bytes_read() + kernel.cost().bytes_written() < kSpreadBytes;
}

class CpuDevice final : public HostMemoryDevice {
public:
  /// `partition` of `partitions` (0 of 1 is the whole host), running on `threads` threads.
  CpuDevice(unsigned partition, unsigned partitions, int threads, std::shared_ptr<tbb::global_control> workerPool)
      : hostLevel_(cpu::hostFeatureLevel()), threads_(threads), workerPool_(std::move(workerPool)), arena_(threads) {
    info_.name = partitions > 1 ? "cpu:" + std::to_string(partition) : "cpu";
    info_.kind = HET_DEVICE_KIND_CPU;
    info_.memoryBytes = hostMemoryBytes();
    info_.variantFormats = {"CPU/ELF_SHARED_OBJECT"};
    int cores = tbb::info::default_concurrency();
    std::string partOf =
        partitions > 1 ? "partition " + std::to_string(partition) + " of " + std::to_string(partitions) + ", " : "";
    if (hostLevel_ == 0) {
      info_.reason = "not an x86-64 host: the cpu variants of a .hetbin are x86-64 code";
      info_.description = partOf + std::to_string(cores) + " cores";
      return;
    }
    info_.available = true;
    info_.architecture = cpu::featureLevelName(hostLevel_);
    info_.description = partOf + std::to_string(cores) + " cores, " + info_.architecture + ", using " +
                        std::to_string(threads_) + (threads_ == 1 ? " thread" : " threads");
  }

  const DeviceInfo &info() const override { return info_; }
  bool sharesHostMemory() const override { return true; }

  const hetbin::Variant *selectVariant(const hetbin::Kernel &kernel, std::string &reason) const override {
    const hetbin::Variant *best = nullptr;
    int bestLevel = 0;
    std::string tooNew;
    for (const hetbin::Variant &variant : kernel.variants()) {
      if (variant.target().kind() != hetbin::CPU || variant.format() != hetbin::ELF_SHARED_OBJECT)
        continue;
      std::optional<int> level = cpu::parseFeatureLevel(variant.target().cpu_feature_level());
      if (!level || *level > hostLevel_) {
        tooNew += (tooNew.empty() ? "" : ", ") + variant.target().cpu_feature_level();
        continue;
      }
      if (*level > bestLevel) {
        best = &variant;
        bestLevel = *level;
      }
    }
    if (!best)
      reason = tooNew.empty() ? "it has no ELF_SHARED_OBJECT cpu variant"
                              : "its cpu variants (" + tooNew + ") need more than this CPU's " +
                                    (hostLevel_ ? cpu::featureLevelName(hostLevel_) : std::string("ISA"));
    return best;
  }

  het_status_t wrapHostMemory(void *data, std::size_t size, std::unique_ptr<DeviceBuffer> &outBuffer) override {
    outBuffer = std::make_unique<HostBuffer>(*this, size, data, /*owned=*/false);
    return nullptr;
  }

  het_status_t loadKernel(const hetbin::Kernel &kernel, const hetbin::Variant &variant,
                          std::span<const std::byte> image, std::unique_ptr<LoadedKernel> &outKernel) override {
    std::string what = "kernel '" + kernel.name() + "' (cpu variant '" + variant.name() + "')";
    std::unique_ptr<SharedObject> object;
    void *address = nullptr;
    HET_RETURN_IF_ERROR(SharedObject::loadEntryPoint(image, what, variant.entry_point(), object, address));
    // The reader guarantees every grid size is at least 1; an empty grid is one tile.
    std::uint64_t tiles = variant.launch().grid_size() ? variant.launch().grid(0) : 1;
    if (tiles > static_cast<std::uint64_t>(INT64_MAX))
      return makeStatus(HET_STATUS_INVALID_FORMAT, what + ": tile grid " + std::to_string(tiles) +
                                                       " does not fit the int64 tile range of the ABI");
    outKernel = std::make_unique<CpuKernel>(what, std::move(object), reinterpret_cast<CpuEntryPoint>(address),
                                            static_cast<std::int64_t>(tiles), isSmallKernel(kernel));
    return nullptr;
  }

  het_status_t launch(LoadedKernel &loaded, std::span<DeviceBuffer *const> buffers) override {
    auto &kernel = static_cast<CpuKernel &>(loaded);
    std::vector<void *> pointers = kernelArguments(buffers);
    CpuEntryPoint entry = kernel.entry();
    std::int64_t tiles = kernel.tileCount();
    // Two chunks per thread: enough to even out uneven tiles, few enough that a contraction, which packs its
    // right-hand side once per call (docs/performance.md), packs it rarely (GEMM 1024^3 at 2 threads: 7.9 ms with
    // 8 chunks per thread, 7.0 ms with 2). The auto partitioner splits further when threads idle.
    std::int64_t grain = std::max<std::int64_t>(1, tiles / (2 * static_cast<std::int64_t>(threads_)));
    void **arguments = pointers.data();
    // One tile, one thread or a few microseconds of work have nothing to gain from spreading: the calling thread
    // runs the tiles without entering the arena, whose wake-up and join cost more than such a kernel (a small
    // model's kernels: openWakeWord's 0.1 ms graph ran at half speed on 2 threads before).
    if (tiles == 1 || threads_ == 1 || kernel.small()) {
      entry(arguments, 0, tiles);
      return nullptr;
    }
    arena_.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<std::int64_t>(0, tiles, grain),
          [&](const tbb::blocked_range<std::int64_t> &range) { entry(arguments, range.begin(), range.end()); });
    });
    return nullptr;
  }

  het_status_t synchronize() override { return nullptr; }

  het_status_t runHostWork(std::int64_t count, const std::function<void(std::int64_t, std::int64_t)> &body) override {
    arena_.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, count, 1),
                        [&](const tbb::blocked_range<std::int64_t> &range) { body(range.begin(), range.end()); });
    });
    return nullptr;
  }

private:
  DeviceInfo info_;
  int hostLevel_;
  int threads_;
  std::shared_ptr<tbb::global_control> workerPool_;
  tbb::task_arena arena_;
};

} // namespace

std::vector<std::unique_ptr<Device>> createCpuDevices(const DeviceOptions &options) {
  unsigned partitions = std::max(1u, options.cpuPartitions);
  int total = options.cpuThreads ? static_cast<int>(options.cpuThreads) : tbb::info::default_concurrency();
  auto workerPool = std::make_shared<tbb::global_control>(
      tbb::global_control::max_allowed_parallelism,
      static_cast<std::size_t>(std::max(total, static_cast<int>(partitions))) + 1);
  std::vector<std::unique_ptr<Device>> devices;
  // Threads are shared out as evenly as they go; a partition never has fewer than one, even on a small host.
  for (unsigned partition = 0; partition < partitions; ++partition) {
    int share =
        total / static_cast<int>(partitions) + (static_cast<int>(partition) < total % static_cast<int>(partitions));
    devices.push_back(std::make_unique<CpuDevice>(partition, partitions, std::max(1, share), workerPool));
  }
  return devices;
}

} // namespace het::runtime
