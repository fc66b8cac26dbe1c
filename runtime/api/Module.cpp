// het_module_t: a validated .hetbin image, mapped from a file or held in memory, and its signature.
#include "api/Module.h"
#include "api/ReferenceCount.h"
#include "api/Status.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

using het::runtime::makeStatus;

namespace {

het_status_t parseInto(het_module_s &module, std::span<const std::byte> bytes, const char *origin,
                       het_module_t **outModule) {
  std::string error;
  module.file = het::format::HetbinFile::parse(bytes, error);
  if (!module.file)
    return makeStatus(HET_STATUS_INVALID_FORMAT, std::string(origin) + ": " + error);
  *outModule = &module;
  return nullptr;
}

het_status_t describe(const std::string &name, const het::hetbin::TensorType &type, het_tensor_info_t *outInfo) {
  if (type.shape_size() > HET_MAX_RANK)
    return makeStatus(HET_STATUS_UNSUPPORTED, "tensor '" + name + "' has rank " + std::to_string(type.shape_size()) +
                                                  ", above the C API's limit of " + std::to_string(HET_MAX_RANK));
  outInfo->name = name.c_str();
  outInfo->dtype = static_cast<het_dtype_t>(type.dtype());
  outInfo->rank = static_cast<size_t>(type.shape_size());
  for (int i = 0; i < type.shape_size(); ++i)
    outInfo->shape[i] = type.shape(i);
  return nullptr;
}

het_status_t checkIndex(const het_module_t *module, size_t index, size_t count, const char *what,
                        het_tensor_info_t *outInfo) {
  if (!module || !outInfo)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "module and out_info must not be NULL");
  if (index >= count)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, std::string(what) + " index " + std::to_string(index) +
                                                       " is out of range: the module has " + std::to_string(count));
  return nullptr;
}

} // namespace

extern "C" {

het_status_t het_module_load_file(const char *path, het_module_t **outModule) {
  if (!path || !outModule)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "path and out_module must not be NULL");
  *outModule = nullptr;
  std::string error;
  auto mapping = het::format::MappedFile::open(path, error);
  if (!mapping)
    return makeStatus(errno == ENOENT ? HET_STATUS_NOT_FOUND : HET_STATUS_IO_ERROR, error);
  auto module = std::unique_ptr<het_module_s>(new (std::nothrow) het_module_s);
  if (!module)
    return makeStatus(HET_STATUS_OUT_OF_MEMORY, "out of memory loading module");
  module->mapping = std::move(mapping);
  HET_RETURN_IF_ERROR(parseInto(*module, module->mapping->bytes(), path, outModule));
  module.release();
  return nullptr;
}

het_status_t het_module_load_memory(const void *data, size_t size, uint32_t flags, het_module_t **outModule) {
  if ((!data && size) || !outModule)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "data and out_module must not be NULL");
  if (flags & ~static_cast<uint32_t>(HET_MODULE_LOAD_BORROW_MEMORY))
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "unknown load flags " + std::to_string(flags));
  *outModule = nullptr;
  auto module = std::unique_ptr<het_module_s>(new (std::nothrow) het_module_s);
  if (!module)
    return makeStatus(HET_STATUS_OUT_OF_MEMORY, "out of memory loading module");
  auto *begin = static_cast<const std::byte *>(data);
  std::span<const std::byte> bytes(begin, size);
  if (!(flags & HET_MODULE_LOAD_BORROW_MEMORY)) {
    module->ownedBytes.assign(begin, begin + size);
    bytes = module->ownedBytes;
  }
  HET_RETURN_IF_ERROR(parseInto(*module, bytes, "<memory>", outModule));
  module.release();
  return nullptr;
}

void het_module_retain(het_module_t *module) { het::runtime::retainReference(module); }

void het_module_release(het_module_t *module) { het::runtime::releaseReference(module); }

const char *het_module_producer(const het_module_t *module) {
  return module ? module->file->manifest().producer().c_str() : "";
}

size_t het_module_input_count(const het_module_t *module) {
  return module ? module->file->manifest().inputs_size() : 0;
}

size_t het_module_output_count(const het_module_t *module) {
  return module ? module->file->manifest().outputs_size() : 0;
}

size_t het_module_kernel_count(const het_module_t *module) {
  return module ? module->file->manifest().kernels_size() : 0;
}

het_status_t het_module_input_info(const het_module_t *module, size_t index, het_tensor_info_t *outInfo) {
  HET_RETURN_IF_ERROR(checkIndex(module, index, het_module_input_count(module), "input", outInfo));
  const auto &input = module->file->manifest().inputs(static_cast<int>(index));
  return describe(input.name(), input.type(), outInfo);
}

het_status_t het_module_output_info(const het_module_t *module, size_t index, het_tensor_info_t *outInfo) {
  HET_RETURN_IF_ERROR(checkIndex(module, index, het_module_output_count(module), "output", outInfo));
  const auto &output = module->file->manifest().outputs(static_cast<int>(index));
  return describe(output.name(), output.type(), outInfo);
}

const char *het_dtype_name(het_dtype_t dtype) {
  return het::format::dtypeName(static_cast<het::hetbin::DType>(dtype)).data();
}

} // extern "C"
