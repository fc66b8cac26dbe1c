// Host tensors: checked byte sizes and aligned storage.
#include "sched/HostTensor.h"

#include "api/Status.h"
#include "drivers/HostBlocks.h"
#include "het/format/HetbinReader.h"

#include <cstring>

namespace het::runtime {

void HostTensor::FreeDeleter::operator()(void *data) const { freeHostBlock(data, byteSize); }

bool tensorByteSize(hetbin::DType dtype, const std::vector<std::int64_t> &shape, std::size_t &outSize) {
  std::size_t size = format::dtypeSize(dtype);
  for (std::int64_t dimension : shape) {
    if (dimension < 0 || __builtin_mul_overflow(size, static_cast<std::uint64_t>(dimension), &size))
      return false;
  }
  outSize = size;
  return true;
}

het_status_t HostTensor::create(hetbin::DType dtype, std::vector<std::int64_t> shape,
                                std::unique_ptr<HostTensor> &outTensor) {
  if (format::dtypeSize(dtype) == 0)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "unknown tensor dtype " + std::to_string(dtype));
  for (std::int64_t dimension : shape)
    if (dimension < 0)
      return makeStatus(HET_STATUS_INVALID_ARGUMENT, "tensor dimension " + std::to_string(dimension) + " is negative");
  std::size_t byteSize = 0;
  if (!tensorByteSize(dtype, shape, byteSize) || !hostBlockSize(byteSize))
    return makeStatus(HET_STATUS_OUT_OF_MEMORY, "tensor byte size overflows");
  void *data = allocateHostBlock(byteSize);
  if (!data)
    return makeStatus(HET_STATUS_OUT_OF_MEMORY, "cannot allocate a tensor of " + std::to_string(byteSize) + " bytes");
  std::memset(data, 0, hostBlockSize(byteSize));
  outTensor.reset(new HostTensor(dtype, std::move(shape), byteSize, data));
  return nullptr;
}

hetbin::TensorType HostTensor::type() const {
  hetbin::TensorType type;
  type.set_dtype(dtype_);
  for (std::int64_t dimension : shape_)
    type.add_shape(dimension);
  return type;
}

} // namespace het::runtime
