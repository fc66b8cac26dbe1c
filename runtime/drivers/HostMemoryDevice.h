// A base for devices whose memory is host RAM (cpu, fpga-sim): aligned allocations and memcpy transfers.
#ifndef HET_RUNTIME_DRIVERS_HOSTMEMORYDEVICE_H
#define HET_RUNTIME_DRIVERS_HOSTMEMORYDEVICE_H

#include "drivers/Device.h"

#include <vector>

namespace het::runtime {

/// A buffer in host RAM, allocated by its device or lent by the caller.
class HostBuffer final : public DeviceBuffer {
public:
  HostBuffer(Device &owner, std::size_t size, void *data, bool owned)
      : DeviceBuffer(owner, size), data_(data), owned_(owned) {}
  ~HostBuffer() override;
  void *data() const { return data_; }
  void *hostAddress() const override { return owner().sharesHostMemory() ? data_ : nullptr; }

private:
  void *data_;
  bool owned_;
};

class HostMemoryDevice : public Device {
public:
  /// The machine's RAM, which the buffers of these devices come from.
  static std::uint64_t hostMemoryBytes();

  het_status_t allocate(std::size_t size, std::unique_ptr<DeviceBuffer> &outBuffer) override;
  het_status_t copyToDevice(DeviceBuffer &buffer, const void *source) override;
  het_status_t copyFromDevice(const DeviceBuffer &buffer, void *destination) override;

protected:
  HostBuffer &asHost(const DeviceBuffer &buffer) const;
  /// The data pointers of a launch's buffers, the `void **buffers` argument of the kernel ABI.
  std::vector<void *> kernelArguments(std::span<DeviceBuffer *const> buffers) const;
};

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_HOSTMEMORYDEVICE_H
