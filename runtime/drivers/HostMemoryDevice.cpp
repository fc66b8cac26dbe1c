// Memory and transfers of the devices whose memory is host RAM.
#include "drivers/HostMemoryDevice.h"

#include "api/Status.h"
#include "drivers/HostBlocks.h"

#include <cassert>
#include <cstring>
#include <unistd.h>

namespace het::runtime {

std::uint64_t HostMemoryDevice::hostMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  return pages > 0 && pageSize > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(pageSize) : 0;
}

HostBuffer::~HostBuffer() {
  if (owned_)
    freeHostBlock(data_, size());
}

het_status_t HostMemoryDevice::allocate(std::size_t size, std::unique_ptr<DeviceBuffer> &outBuffer) {
  void *data = allocateHostBlock(size);
  if (!data)
    return makeStatus(HET_STATUS_OUT_OF_MEMORY, info().name + ": cannot allocate " + std::to_string(size) + " bytes");
  outBuffer = std::make_unique<HostBuffer>(*this, size, data, /*owned=*/true);
  return nullptr;
}

het_status_t HostMemoryDevice::copyToDevice(DeviceBuffer &buffer, const void *source) {
  if (buffer.size())
    std::memcpy(asHost(buffer).data(), source, buffer.size());
  return nullptr;
}

het_status_t HostMemoryDevice::copyFromDevice(const DeviceBuffer &buffer, void *destination) {
  if (buffer.size())
    std::memcpy(destination, asHost(buffer).data(), buffer.size());
  return nullptr;
}

HostBuffer &HostMemoryDevice::asHost(const DeviceBuffer &buffer) const {
  assert(&buffer.owner() == this && "a buffer of another device");
  return static_cast<HostBuffer &>(const_cast<DeviceBuffer &>(buffer));
}

std::vector<void *> HostMemoryDevice::kernelArguments(std::span<DeviceBuffer *const> buffers) const {
  std::vector<void *> pointers;
  pointers.reserve(buffers.size());
  for (DeviceBuffer *buffer : buffers)
    pointers.push_back(asHost(*buffer).data());
  return pointers;
}

} // namespace het::runtime
