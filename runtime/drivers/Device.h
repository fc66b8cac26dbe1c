// The one interface every driver implements: capabilities, memory, transfers, kernel loading and launch.
//
// A driver turns a kernel variant of a .hetbin into something it can launch, following docs/kernel-abi.md, and
// owns the memory its kernels read and write. The executor (runtime/sched) only talks to this interface, so a
// new driver is one folder under runtime/drivers/ plus one line in DeviceRegistry.cpp.
#ifndef HET_RUNTIME_DRIVERS_DEVICE_H
#define HET_RUNTIME_DRIVERS_DEVICE_H

#include "het/format/Manifest.pb.h"
#include "het/het.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace het::runtime {

/// What a device is and whether it can run anything. Unavailable devices are still listed, with the reason.
struct DeviceInfo {
  std::string name; ///< "cpu", "fpga-sim", "cuda", "xrt": the name users pick a device by
  het_device_kind_t kind = HET_DEVICE_KIND_CPU;
  bool available = false;
  std::string reason;            ///< why it is unavailable; empty when available
  std::string description;       ///< e.g. "2 cores, x86-64-v4"
  std::string architecture;      ///< the ISA or part it runs: "x86-64-v3", "sm_90", an FPGA part; empty when unknown
  std::uint64_t memoryBytes = 0; ///< the memory its buffers come from; 0 when unknown
  /// "<target kind>/<image format>" of the variants it runs, e.g. "CPU/ELF_SHARED_OBJECT": what the scheduler
  /// may place on it.
  std::vector<std::string> variantFormats;
};

class Device;

/// Memory owned by one device. Drivers subclass it with their handle; only the owning device reads it.
class DeviceBuffer {
public:
  DeviceBuffer(Device &owner, std::size_t size) : owner_(owner), size_(size) {}
  virtual ~DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;

  Device &owner() const { return owner_; }
  std::size_t size() const { return size_; }
  /// Where the bytes are when the owner shares host memory, so that another such device can use them in place;
  /// null for memory the host cannot address.
  virtual void *hostAddress() const { return nullptr; }

private:
  Device &owner_;
  std::size_t size_;
};

/// A kernel variant made ready to launch on one device (a dlopen'ed object, a CUDA module, ...).
class LoadedKernel {
public:
  virtual ~LoadedKernel() = default;
  LoadedKernel(const LoadedKernel &) = delete;
  LoadedKernel &operator=(const LoadedKernel &) = delete;

  /// "<kernel> (variant <variant>)", for messages.
  const std::string &displayName() const { return displayName_; }

protected:
  explicit LoadedKernel(std::string displayName) : displayName_(std::move(displayName)) {}

private:
  std::string displayName_;
};

/// A point in one device's order of work, recorded by Device::recordEvent: waiting on it waits for every launch
/// and copy issued before it, and two of them time the work between them. Drivers subclass it with their handle.
class DeviceEvent {
public:
  DeviceEvent() = default;
  virtual ~DeviceEvent() = default;
  DeviceEvent(const DeviceEvent &) = delete;
  DeviceEvent &operator=(const DeviceEvent &) = delete;
};

class Device {
public:
  virtual ~Device() = default;

  virtual const DeviceInfo &info() const = 0;

  /// True when kernels of this device read and write host memory directly, so host data can be lent to a
  /// launch (wrapHostMemory) instead of copied.
  virtual bool sharesHostMemory() const = 0;

  /// The variant of `kernel` this device runs best, or null with `reason` saying why none fits.
  virtual const hetbin::Variant *selectVariant(const hetbin::Kernel &kernel, std::string &reason) const = 0;

  virtual het_status_t allocate(std::size_t size, std::unique_ptr<DeviceBuffer> &outBuffer) = 0;
  /// A buffer over caller-owned host memory, used in place; only when sharesHostMemory(). The memory must
  /// outlive the buffer. Constants are lent this way too: kernels never write their READ bindings.
  virtual het_status_t wrapHostMemory(void *data, std::size_t size, std::unique_ptr<DeviceBuffer> &outBuffer);
  /// Copies `buffer.size()` bytes. Copies of a finished buffer may come from another thread while the device runs
  /// a launch on other buffers: the executor fetches a result for another device as soon as its dispatch is done.
  virtual het_status_t copyToDevice(DeviceBuffer &buffer, const void *source) = 0;
  virtual het_status_t copyFromDevice(const DeviceBuffer &buffer, void *destination) = 0;

  /// Loads `variant` (one selectVariant returned) of `kernel` from its image bytes, which stay valid while the
  /// module is loaded.
  virtual het_status_t loadKernel(const hetbin::Kernel &kernel, const hetbin::Variant &variant,
                                  std::span<const std::byte> image, std::unique_ptr<LoadedKernel> &outKernel) = 0;

  /// Runs one launch of a kernel this device loaded, with one buffer of this device per binding, in binding
  /// order. It may return before the kernel finishes; synchronize() waits.
  virtual het_status_t launch(LoadedKernel &kernel, std::span<DeviceBuffer *const> buffers) = 0;

  /// Waits until every launch and copy issued so far has finished.
  virtual het_status_t synchronize() = 0;

  /// An event after every launch and copy issued so far. The default, for devices whose launches finish before
  /// they return, synchronizes and notes the host clock.
  virtual het_status_t recordEvent(std::unique_ptr<DeviceEvent> &outEvent);
  /// Waits until the work before `event` (one this device recorded) has finished.
  virtual het_status_t waitForEvent(DeviceEvent &event);
  /// Milliseconds from `start` to `end`, two events this device recorded; waits for `end` first.
  virtual het_status_t elapsedMilliseconds(DeviceEvent &start, DeviceEvent &end, double &outMilliseconds);

  /// Runs `body` over [0, count) in chunks the way this device spreads kernel work over host threads (the cpu
  /// partition's arena, or the one thread a C-simulation runs on), so that calibration measures what its
  /// kernels get. UNSUPPORTED for a device whose kernels do not run on the host.
  virtual het_status_t runHostWork(std::int64_t count,
                                   const std::function<void(std::int64_t begin, std::int64_t end)> &body);

  /// Runs `chunks` chunks of the calibration's multiply-adds (drivers/CalibrationWork.h) where this device runs
  /// kernels and returns when they are done. The default runs them as host work (runHostWork); a device with
  /// compute units of its own runs them there in its kernel language.
  virtual het_status_t runCalibrationChunks(std::int64_t chunks);
};

/// Settings the drivers are created with.
struct DeviceOptions {
  /// Most threads of the cpu device (of all its partitions together); 0 means one per core.
  unsigned cpuThreads = 0;
  /// Logical cpu devices "cpu:0".."cpu:N-1", each with its own share of the threads; 0 or 1 is one device "cpu".
  unsigned cpuPartitions = 1;
};

/// Every driver's devices, available or not, in a fixed order: cpu (or its partitions), fpga-sim, cuda, xrt. The one
/// place that lists the drivers (DeviceRegistry.cpp); a driver that finds no hardware gives an unavailable device.
std::vector<std::unique_ptr<Device>> createDevices(const DeviceOptions &options);

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_DEVICE_H
