// het_tensor_t: host tensors passed to and returned by runs.
#include "api/Tensor.h"

#include "api/ReferenceCount.h"
#include "api/Status.h"
#include "het/format/HetbinReader.h"

#include <cstring>
#include <new>

using het::runtime::makeStatus;

extern "C" {

het_status_t het_tensor_create(het_dtype_t dtype, size_t rank, const int64_t *shape, const void *data,
                               het_tensor_t **outTensor) {
  if (!outTensor || (rank && !shape))
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "shape (for a rank above 0) and out_tensor must not be NULL");
  *outTensor = nullptr;
  if (rank > HET_MAX_RANK)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT,
                      "tensor rank " + std::to_string(rank) + " is above the limit " + std::to_string(HET_MAX_RANK));
  auto tensor = std::unique_ptr<het_tensor_s>(new (std::nothrow) het_tensor_s);
  if (!tensor)
    return makeStatus(HET_STATUS_OUT_OF_MEMORY, "out of memory creating a tensor");
  HET_RETURN_IF_ERROR(het::runtime::HostTensor::create(static_cast<het::hetbin::DType>(dtype),
                                                       std::vector<int64_t>(shape, shape + rank), tensor->tensor));
  if (data && tensor->tensor->byteSize())
    std::memcpy(tensor->tensor->data(), data, tensor->tensor->byteSize());
  *outTensor = tensor.release();
  return nullptr;
}

void het_tensor_retain(het_tensor_t *tensor) { het::runtime::retainReference(tensor); }

void het_tensor_release(het_tensor_t *tensor) { het::runtime::releaseReference(tensor); }

void *het_tensor_data(het_tensor_t *tensor) { return tensor ? tensor->tensor->data() : nullptr; }

size_t het_tensor_byte_size(const het_tensor_t *tensor) { return tensor ? tensor->tensor->byteSize() : 0; }

het_status_t het_tensor_info(const het_tensor_t *tensor, het_tensor_info_t *outInfo) {
  if (!tensor || !outInfo)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "tensor and out_info must not be NULL");
  const auto &shape = tensor->tensor->shape();
  // Outputs of a run can have any rank; the C struct holds HET_MAX_RANK dimensions.
  if (shape.size() > HET_MAX_RANK)
    return makeStatus(HET_STATUS_UNSUPPORTED, "tensor '" + tensor->name + "' has rank " + std::to_string(shape.size()) +
                                                  ", above the C API's limit of " + std::to_string(HET_MAX_RANK));
  outInfo->name = tensor->name.c_str();
  outInfo->dtype = static_cast<het_dtype_t>(tensor->tensor->dtype());
  outInfo->rank = shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    outInfo->shape[i] = shape[i];
  return nullptr;
}

size_t het_dtype_size(het_dtype_t dtype) { return het::format::dtypeSize(static_cast<het::hetbin::DType>(dtype)); }

} // extern "C"
