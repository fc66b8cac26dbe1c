// Host tensors: checked byte sizes and aligned storage.
#include "sched/HostTensor.h"

#include "api/Status.h"
#include "het/format/HetbinReader.h"

#include <cstdlib>
#include <cstring>

namespace het::runtime {

namespace {
constexpr std::size_t kAlignment = 64;
} // namespace

void HostTensor::FreeDeleter::operator()(void *data) const { std::free(data); }

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
  if (!tensorByteSize(dtype, shape, byteSize) || byteSize > SIZE_MAX - kAlignment)
    return makeStatus(HET_STATUS_OUT_OF_MEMORY, "tensor byte size overflows");
  std::size_t rounded = byteSize ? (byteSize + kAlignment - 1) / kAlignment * kAlignment : kAlignment;
  void *data = std::aligned_alloc(kAlignment, rounded);
  if (!data)
    return makeStatus(HET_STATUS_OUT_OF_MEMORY, "cannot allocate a tensor of " + std::to_string(byteSize) + " bytes");
  std::memset(data, 0, rounded);
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
