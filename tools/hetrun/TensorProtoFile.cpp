// Converts an ONNX TensorProto to a runtime tensor.
//
// ONNX stores elements either as little-endian raw_data or in a typed repeated field; the narrow types (bool,
// int8/16, uint8/16, float16 and bfloat16 bit patterns) live widened in int32_data, uint32 in uint64_data.
#include "TensorProtoFile.h"

#include <onnx/onnx_pb.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace het::hetrun {
namespace {

het_dtype_t dtypeOf(int onnxType) {
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return HET_DTYPE_FLOAT32;
  case onnx::TensorProto::UINT8:
    return HET_DTYPE_UINT8;
  case onnx::TensorProto::INT8:
    return HET_DTYPE_INT8;
  case onnx::TensorProto::UINT16:
    return HET_DTYPE_UINT16;
  case onnx::TensorProto::INT16:
    return HET_DTYPE_INT16;
  case onnx::TensorProto::INT32:
    return HET_DTYPE_INT32;
  case onnx::TensorProto::INT64:
    return HET_DTYPE_INT64;
  case onnx::TensorProto::BOOL:
    return HET_DTYPE_BOOL;
  case onnx::TensorProto::FLOAT16:
    return HET_DTYPE_FLOAT16;
  case onnx::TensorProto::DOUBLE:
    return HET_DTYPE_FLOAT64;
  case onnx::TensorProto::UINT32:
    return HET_DTYPE_UINT32;
  case onnx::TensorProto::UINT64:
    return HET_DTYPE_UINT64;
  case onnx::TensorProto::BFLOAT16:
    return HET_DTYPE_BFLOAT16;
  default:
    return HET_DTYPE_UNKNOWN;
  }
}

/// Copies a typed field into the tensor, narrowing each value to the element size (little-endian host).
template <typename Field>
void copyElements(const Field &field, Tensor &tensor, size_t elementSize, const std::string &path,
                  const char *fieldName) {
  size_t count = elementSize ? tensor.byteSize() / elementSize : 0;
  if (static_cast<size_t>(field.size()) != count)
    throw std::runtime_error(path + ": " + fieldName + " has " + std::to_string(field.size()) +
                             " elements, the dims need " + std::to_string(count));
  auto *bytes = static_cast<unsigned char *>(tensor.data());
  for (size_t i = 0; i < count; ++i) {
    auto value = field.Get(static_cast<int>(i));
    std::memcpy(bytes + i * elementSize, &value, elementSize);
  }
}

} // namespace

Tensor readTensorProto(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw std::runtime_error("cannot open '" + path + "': " + std::strerror(errno));
  onnx::TensorProto proto;
  if (!proto.ParseFromIstream(&file))
    throw std::runtime_error(path + ": not a serialized onnx.TensorProto");
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    throw std::runtime_error(path + ": tensor '" + proto.name() +
                             "' keeps its data in an external file, which hetrun does not read");
  het_dtype_t dtype = dtypeOf(proto.data_type());
  if (dtype == HET_DTYPE_UNKNOWN)
    throw std::runtime_error(
        path + ": element type " +
        onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(proto.data_type())) + " (" +
        std::to_string(proto.data_type()) + ") is not supported by the runtime");
  std::vector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  for (int64_t dimension : shape)
    if (dimension < 0)
      throw std::runtime_error(path + ": negative dimension " + std::to_string(dimension));
  Tensor tensor = Tensor::create(dtype, shape);
  size_t elementSize = het_dtype_size(dtype);

  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != tensor.byteSize())
      throw std::runtime_error(path + ": raw_data has " + std::to_string(proto.raw_data().size()) +
                               " bytes, the dims and type need " + std::to_string(tensor.byteSize()));
    std::memcpy(tensor.data(), proto.raw_data().data(), tensor.byteSize());
    return tensor;
  }
  switch (proto.data_type()) {
  case onnx::TensorProto::FLOAT:
    copyElements(proto.float_data(), tensor, elementSize, path, "float_data");
    break;
  case onnx::TensorProto::DOUBLE:
    copyElements(proto.double_data(), tensor, elementSize, path, "double_data");
    break;
  case onnx::TensorProto::INT64:
    copyElements(proto.int64_data(), tensor, elementSize, path, "int64_data");
    break;
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    copyElements(proto.uint64_data(), tensor, elementSize, path, "uint64_data");
    break;
  default:
    copyElements(proto.int32_data(), tensor, elementSize, path, "int32_data");
    break;
  }
  return tensor;
}

} // namespace het::hetrun
