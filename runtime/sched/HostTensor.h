// A dense, row-major tensor in host memory: what a run takes as inputs and hands back as outputs.
#ifndef HET_RUNTIME_SCHED_HOSTTENSOR_H
#define HET_RUNTIME_SCHED_HOSTTENSOR_H

#include "het/format/Manifest.pb.h"
#include "het/het.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace het::runtime {

class HostTensor {
public:
  /// A zero-filled tensor. Fails with INVALID_ARGUMENT for an unknown dtype or a negative dimension, and with
  /// OUT_OF_MEMORY when the byte size overflows or cannot be allocated.
  static het_status_t create(hetbin::DType dtype, std::vector<std::int64_t> shape,
                             std::unique_ptr<HostTensor> &outTensor);

  hetbin::DType dtype() const { return dtype_; }
  const std::vector<std::int64_t> &shape() const { return shape_; }
  /// 64-byte aligned; valid even for zero bytes.
  void *data() const { return data_.get(); }
  std::size_t byteSize() const { return byteSize_; }
  /// dtype and shape as a manifest type, for messages and comparisons.
  hetbin::TensorType type() const;

private:
  /// Gives the storage back to the host block cache (drivers/HostBlocks.h), which needs its size.
  struct FreeDeleter {
    std::size_t byteSize;
    void operator()(void *data) const;
  };
  HostTensor(hetbin::DType dtype, std::vector<std::int64_t> shape, std::size_t byteSize, void *data)
      : dtype_(dtype), shape_(std::move(shape)), byteSize_(byteSize), data_(data, FreeDeleter{byteSize}) {}

  hetbin::DType dtype_;
  std::vector<std::int64_t> shape_;
  std::size_t byteSize_;
  std::unique_ptr<void, FreeDeleter> data_;
};

/// The byte size of a tensor of `dtype` and `shape`, or false when it overflows or a dimension is negative.
bool tensorByteSize(hetbin::DType dtype, const std::vector<std::int64_t> &shape, std::size_t &outSize);

} // namespace het::runtime

#endif // HET_RUNTIME_SCHED_HOSTTENSOR_H
