// het_module_launch_kernel and the kernel queries it needs: one kernel of a module launched by itself on one device,
// outside any host graph (hetrun --kernel, C++ kernels).
#include "api/Module.h"
#include "api/Runtime.h"
#include "api/Status.h"
#include "api/Tensor.h"
#include "drivers/Device.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

using het::runtime::makeStatus;
namespace hb = het::hetbin;

namespace {

std::string describeType(const hb::TensorType &type) {
  std::string text = std::string(het_dtype_name(static_cast<het_dtype_t>(type.dtype()))) + "[";
  for (int i = 0; i < type.shape_size(); ++i)
    text += (i ? "x" : "") + (type.shape(i) < 0 ? std::string("?") : std::to_string(type.shape(i)));
  return text + "]";
}

/// Whether `tensor` fits binding `binding`: same dtype and rank, and the binding's static dimensions.
bool fits(const het::runtime::HostTensor &tensor, const hb::Binding &binding) {
  const hb::TensorType &type = binding.type();
  if (tensor.dtype() != type.dtype() || tensor.shape().size() != static_cast<size_t>(type.shape_size()))
    return false;
  for (int i = 0; i < type.shape_size(); ++i)
    if (type.shape(i) >= 0 && type.shape(i) != tensor.shape()[static_cast<size_t>(i)])
      return false;
  return true;
}

het_status_t launch(het_runtime_t &runtime, het_module_t &module, const char *deviceName, size_t kernelIndex,
                    const uint64_t *grid, size_t gridRank, het_tensor_t *const *buffers, size_t bufferCount) {
  const hb::Manifest &manifest = module.file->manifest();
  const hb::Kernel &kernel = manifest.kernels(static_cast<int>(kernelIndex));
  std::string what = "kernel '" + kernel.name() + "'";
  bool hasGrid = kernel.bindings_size() > 0 && kernel.bindings(0).name() == HET_GRID_BINDING_NAME;

  // The index space becomes the grid binding's int64[3].
  std::vector<std::int64_t> extents(3, 1);
  if (hasGrid) {
    if (gridRank < 1 || gridRank > 3 || !grid)
      return makeStatus(HET_STATUS_INVALID_ARGUMENT,
                        what + " runs over an index space: give its grid as 1 to 3 extents (X[,Y[,Z]])");
    for (size_t d = 0; d < gridRank; ++d) {
      if (grid[d] < 1 || grid[d] > static_cast<uint64_t>(INT32_MAX))
        return makeStatus(HET_STATUS_INVALID_ARGUMENT, what + ": grid extent " + std::to_string(grid[d]) +
                                                           " is out of range; extents are 1 to 2147483647");
      extents[d] = static_cast<std::int64_t>(grid[d]);
    }
  } else if (gridRank != 0) {
    return makeStatus(HET_STATUS_INVALID_ARGUMENT,
                      what + " has a fixed launch (no " HET_GRID_BINDING_NAME " binding): give no grid");
  }
  size_t firstArgument = hasGrid ? 1 : 0;
  size_t expected = static_cast<size_t>(kernel.bindings_size()) - firstArgument;
  if (bufferCount != expected || (bufferCount && !buffers))
    return makeStatus(HET_STATUS_INVALID_ARGUMENT,
                      what + " takes " + std::to_string(expected) + " buffer(s), got " + std::to_string(bufferCount));
  std::vector<het::runtime::HostTensor *> hostBuffers(static_cast<size_t>(kernel.bindings_size()), nullptr);
  for (size_t i = 0; i < bufferCount; ++i) {
    const hb::Binding &binding = kernel.bindings(static_cast<int>(firstArgument + i));
    if (!buffers[i])
      return makeStatus(HET_STATUS_INVALID_ARGUMENT, what + ": buffer '" + binding.name() + "' is NULL");
    if (!fits(*buffers[i]->tensor, binding))
      return makeStatus(HET_STATUS_INVALID_ARGUMENT, what + ": buffer '" + binding.name() + "' must be " +
                                                         describeType(binding.type()) + ", got " +
                                                         describeType(buffers[i]->tensor->type()));
    hostBuffers[firstArgument + i] = buffers[i]->tensor.get();
  }

  size_t deviceIndex = 0;
  HET_RETURN_IF_ERROR(het_runtime_find_device(&runtime, deviceName, &deviceIndex));
  het::runtime::Device &device = runtime.pool->device(deviceIndex);
  std::string reason;
  const hb::Variant *variant = device.selectVariant(kernel, reason);
  if (!variant)
    return makeStatus(HET_STATUS_UNSUPPORTED, what + " cannot run on '" + device.info().name + "': " + reason);
  // A GPU launch takes its grid from the variant, which for a run-time index space would have to come from
  // het.grid instead; refusing is better than covering only part of the index space.
  if (hasGrid && (variant->format() == hb::PTX_TEXT || variant->format() == hb::CUBIN))
    return makeStatus(HET_STATUS_UNSUPPORTED, what + " runs over a run-time index space, which launches on '" +
                                                  device.info().name + "' do not support yet; use cpu or fpga-sim");
  std::unique_ptr<het::runtime::LoadedKernel> loaded;
  HET_RETURN_IF_ERROR(device.loadKernel(kernel, *variant, module.file->sectionData(variant->image_section()), loaded));

  // Device buffers: lent host memory where the device shares it, else allocations with explicit copies, as the
  // executor does for a graph's dispatches.
  std::vector<std::unique_ptr<het::runtime::DeviceBuffer>> deviceBuffers(hostBuffers.size());
  for (size_t i = 0; i < hostBuffers.size(); ++i) {
    const hb::Binding &binding = kernel.bindings(static_cast<int>(i));
    void *data = hostBuffers[i] ? hostBuffers[i]->data() : extents.data();
    size_t size = hostBuffers[i] ? hostBuffers[i]->byteSize() : extents.size() * sizeof(std::int64_t);
    if (device.sharesHostMemory()) {
      HET_RETURN_IF_ERROR(device.wrapHostMemory(data, size, deviceBuffers[i]));
      continue;
    }
    HET_RETURN_IF_ERROR(device.allocate(size, deviceBuffers[i]));
    if (binding.access() != hb::WRITE)
      HET_RETURN_IF_ERROR(device.copyToDevice(*deviceBuffers[i], data));
  }
  std::vector<het::runtime::DeviceBuffer *> arguments;
  for (const auto &buffer : deviceBuffers)
    arguments.push_back(buffer.get());
  HET_RETURN_IF_ERROR(device.launch(*loaded, arguments));
  HET_RETURN_IF_ERROR(device.synchronize());
  if (!device.sharesHostMemory())
    for (size_t i = 0; i < hostBuffers.size(); ++i)
      if (kernel.bindings(static_cast<int>(i)).access() != hb::READ)
        HET_RETURN_IF_ERROR(device.copyFromDevice(*deviceBuffers[i], hostBuffers[i]->data()));
  return nullptr;
}

het_status_t checkKernel(const het_module_t *module, size_t kernel) {
  if (!module)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "module must not be NULL");
  size_t count = het_module_kernel_count(module);
  if (kernel >= count)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "kernel index " + std::to_string(kernel) +
                                                       " is out of range: the module has " + std::to_string(count));
  return nullptr;
}

} // namespace

extern "C" {

const char *het_module_kernel_name(const het_module_t *module, size_t kernel) {
  if (!module || kernel >= het_module_kernel_count(module))
    return nullptr;
  return module->file->manifest().kernels(static_cast<int>(kernel)).name().c_str();
}

het_status_t het_module_find_kernel(const het_module_t *module, const char *name, size_t *outKernel) {
  if (!module || !name || !outKernel)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "module, name and out_kernel must not be NULL");
  std::string known;
  const hb::Manifest &manifest = module->file->manifest();
  for (int i = 0; i < manifest.kernels_size(); ++i) {
    if (manifest.kernels(i).name() == name) {
      *outKernel = static_cast<size_t>(i);
      return nullptr;
    }
    known += (known.empty() ? "" : ", ") + manifest.kernels(i).name();
  }
  return makeStatus(HET_STATUS_NOT_FOUND, "the module has no kernel '" + std::string(name) +
                                              "'; its kernels: " + (known.empty() ? "none" : known));
}

size_t het_module_kernel_binding_count(const het_module_t *module, size_t kernel) {
  if (!module || kernel >= het_module_kernel_count(module))
    return 0;
  return static_cast<size_t>(module->file->manifest().kernels(static_cast<int>(kernel)).bindings_size());
}

het_status_t het_module_kernel_binding_info(const het_module_t *module, size_t kernel, size_t binding,
                                            het_binding_info_t *outInfo) {
  HET_RETURN_IF_ERROR(checkKernel(module, kernel));
  if (!outInfo)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "out_info must not be NULL");
  const hb::Kernel &described = module->file->manifest().kernels(static_cast<int>(kernel));
  if (binding >= static_cast<size_t>(described.bindings_size()))
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "binding index " + std::to_string(binding) + " is out of range: '" +
                                                       described.name() + "' has " +
                                                       std::to_string(described.bindings_size()));
  const hb::Binding &source = described.bindings(static_cast<int>(binding));
  if (source.type().shape_size() > HET_MAX_RANK)
    return makeStatus(HET_STATUS_UNSUPPORTED, "binding '" + source.name() + "' has rank " +
                                                  std::to_string(source.type().shape_size()) + ", more than " +
                                                  std::to_string(HET_MAX_RANK));
  std::memset(outInfo, 0, sizeof(*outInfo));
  outInfo->name = source.name().c_str();
  outInfo->access = static_cast<het_access_t>(source.access());
  outInfo->dtype = static_cast<het_dtype_t>(source.type().dtype());
  outInfo->rank = static_cast<size_t>(source.type().shape_size());
  for (int i = 0; i < source.type().shape_size(); ++i)
    outInfo->shape[i] = source.type().shape(i);
  return nullptr;
}

het_status_t het_module_launch_kernel(het_runtime_t *runtime, het_module_t *module, const char *deviceName,
                                      size_t kernel, const uint64_t *grid, size_t gridRank,
                                      het_tensor_t *const *buffers, size_t bufferCount) {
  if (!runtime || !deviceName)
    return makeStatus(HET_STATUS_INVALID_ARGUMENT, "runtime and device_name must not be NULL");
  HET_RETURN_IF_ERROR(checkKernel(module, kernel));
  return launch(*runtime, *module, deviceName, kernel, grid, gridRank, buffers, bufferCount);
}

} // extern "C"
