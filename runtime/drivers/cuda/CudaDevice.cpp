// The cuda driver: loads PTX_TEXT and CUBIN variants (docs/kernel-abi.md) into CUDA modules and launches them on
// one stream of the GPU's primary context, with device memory, asynchronous copies and CUDA events.
//
// Every call makes the primary context current on the calling thread for its duration (push/pop), because the
// executor calls a device from whichever oneTBB thread runs the dispatch. Launches and copies to the device are
// asynchronous on the stream; copies from the device and synchronize() wait for it.
#include "drivers/cuda/CudaDevice.h"

#include "api/Status.h"
#include "drivers/UnavailableDevice.h"
#include "drivers/cuda/CalibrationKernel.h"
#include "drivers/cuda/CudaDriverApi.h"

#include <array>
#include <climits>
#include <optional>

namespace het::runtime {
namespace {

using namespace cuda;

/// The driver library's entry points and the context everything of one device lives in, shared by the device
/// and its buffers, kernels and events, which release their handles through it (before the device goes).
struct CudaContext {
  CudaDriverApi api;
  CUdevice device = 0;
  CUcontext context = nullptr;

  /// Runs `body` with the context current on this thread.
  template <typename Body> CUresult inContext(Body body) const {
    if (CUresult error = api.cuCtxPushCurrent(context))
      return error;
    CUresult result = body();
    CUcontext popped = nullptr;
    api.cuCtxPopCurrent(&popped);
    return result;
  }
};

class CudaBuffer final : public DeviceBuffer {
public:
  CudaBuffer(Device &owner, std::size_t size, std::shared_ptr<const CudaContext> context, CUdeviceptr pointer)
      : DeviceBuffer(owner, size), context_(std::move(context)), pointer_(pointer) {}
  ~CudaBuffer() override {
    if (pointer_)
      context_->inContext([&] { return context_->api.cuMemFree(pointer_); });
  }
  CUdeviceptr pointer() const { return pointer_; }

private:
  std::shared_ptr<const CudaContext> context_;
  CUdeviceptr pointer_; ///< 0 for an empty buffer, which has no allocation
};

class CudaKernel final : public LoadedKernel {
public:
  CudaKernel(std::string displayName, std::shared_ptr<const CudaContext> context, CUmodule module, CUfunction function)
      : LoadedKernel(std::move(displayName)), context_(std::move(context)), module_(module), function_(function) {}
  ~CudaKernel() override {
    context_->inContext([&] { return context_->api.cuModuleUnload(module_); });
  }

  CUfunction function() const { return function_; }
  std::array<unsigned, 3> grid = {1, 1, 1}, block = {1, 1, 1};
  unsigned sharedMemoryBytes = 0;
  int bindingCount = 0;

private:
  std::shared_ptr<const CudaContext> context_;
  CUmodule module_;
  CUfunction function_;
};

class CudaEvent final : public DeviceEvent {
public:
  CudaEvent(std::shared_ptr<const CudaContext> context, CUevent event) : context_(std::move(context)), event_(event) {}
  ~CudaEvent() override {
    context_->inContext([&] { return context_->api.cuEventDestroy(event_); });
  }
  CUevent event() const { return event_; }

private:
  std::shared_ptr<const CudaContext> context_;
  CUevent event_;
};

/// An architecture name "sm_XY" (or "sm_XYa", "sm_XYf": code for exactly that GPU) as its number XY.
struct CudaArch {
  int number = 0;
  bool exactOnly = false;
};

std::optional<CudaArch> parseArch(const std::string &name) {
  if (!name.starts_with("sm_") || name.size() < 5)
    return std::nullopt;
  CudaArch arch;
  std::size_t at = 3;
  for (; at < name.size() && name[at] >= '0' && name[at] <= '9'; ++at)
    arch.number = arch.number * 10 + (name[at] - '0');
  if (at == 3 || arch.number > 10000)
    return std::nullopt;
  std::string suffix = name.substr(at);
  if (!suffix.empty() && suffix != "a" && suffix != "f")
    return std::nullopt;
  arch.exactOnly = !suffix.empty();
  return arch;
}

/// 1 to 3 launch sizes, each at least 1 (the reader checks that), as the three unsigned sizes of cuLaunchKernel.
bool launchSizes(const google::protobuf::RepeatedField<std::uint64_t> &sizes, std::array<unsigned, 3> &out) {
  out = {1, 1, 1};
  if (sizes.size() > 3)
    return false;
  for (int i = 0; i < sizes.size(); ++i) {
    if (sizes[i] > UINT_MAX)
      return false;
    out[i] = static_cast<unsigned>(sizes[i]);
  }
  return true;
}

class CudaDevice final : public Device {
public:
  CudaDevice(DeviceInfo info, std::shared_ptr<CudaContext> context, CUstream stream, int archNumber)
      : info_(std::move(info)), context_(std::move(context)), stream_(stream), archNumber_(archNumber) {}
  ~CudaDevice() override {
    // The calibration's module and memory live in the context, which the device releases below.
    calibrationSink_.reset();
    calibrationKernel_.reset();
    context_->inContext([&] { return context_->api.cuStreamDestroy(stream_); });
    context_->api.cuDevicePrimaryCtxRelease(context_->device);
  }

  const DeviceInfo &info() const override { return info_; }
  bool sharesHostMemory() const override { return false; }

  // A cubin runs only on the architecture it was assembled for; PTX is compiled by the driver for this GPU from
  // any older architecture's PTX (architecture-specific "sm_XYa" PTX only for sm_XY), so the newest such PTX
  // keeps the most of what the compiler knew.
  const hetbin::Variant *selectVariant(const hetbin::Kernel &kernel, std::string &reason) const override {
    const hetbin::Variant *bestPtx = nullptr;
    int bestPtxNumber = -1;
    std::string seen;
    for (const hetbin::Variant &variant : kernel.variants()) {
      if (variant.target().kind() != hetbin::PTX)
        continue;
      bool isCubin = variant.format() == hetbin::CUBIN;
      if (!isCubin && variant.format() != hetbin::PTX_TEXT)
        continue;
      seen += (seen.empty() ? "" : ", ") + std::string(isCubin ? "cubin " : "PTX ") + variant.target().cuda_arch();
      std::optional<CudaArch> arch = parseArch(variant.target().cuda_arch());
      if (!arch)
        continue;
      if (isCubin) {
        if (arch->number == archNumber_)
          return &variant;
        continue;
      }
      bool runs = arch->exactOnly ? arch->number == archNumber_ : arch->number <= archNumber_;
      if (runs && arch->number > bestPtxNumber) {
        bestPtx = &variant;
        bestPtxNumber = arch->number;
      }
    }
    if (!bestPtx)
      reason = seen.empty() ? "it has no PTX_TEXT or CUBIN variant"
                            : "none of its variants (" + seen + ") runs on " + info_.architecture +
                                  ": it needs a cubin for " + info_.architecture + " or PTX for it or an older one";
    return bestPtx;
  }

  het_status_t allocate(std::size_t size, std::unique_ptr<DeviceBuffer> &outBuffer) override {
    CUdeviceptr pointer = 0;
    // cuMemAlloc refuses 0 bytes; an empty buffer needs no memory, and kernels never touch its bytes.
    if (size)
      if (CUresult error = call([&] { return api().cuMemAlloc(&pointer, size); }))
        return makeStatus(error == CUDA_ERROR_OUT_OF_MEMORY ? HET_STATUS_OUT_OF_MEMORY : HET_STATUS_UNAVAILABLE,
                          "cuda: cannot allocate " + std::to_string(size) + " bytes: " + api().describe(error));
    outBuffer = std::make_unique<CudaBuffer>(*this, size, context_, pointer);
    return nullptr;
  }

  // The source is pageable host memory: the driver has staged it by the time the call returns, so the caller may
  // reuse it while the copy itself is still queued on the stream.
  het_status_t copyToDevice(DeviceBuffer &buffer, const void *source) override {
    if (!buffer.size())
      return nullptr;
    return check("copying to the device",
                 [&] { return api().cuMemcpyHtoDAsync(asCuda(buffer).pointer(), source, buffer.size(), stream_); });
  }

  het_status_t copyFromDevice(const DeviceBuffer &buffer, void *destination) override {
    if (!buffer.size())
      return nullptr;
    return check("copying from the device", [&] {
      if (CUresult error = api().cuMemcpyDtoHAsync(destination, asCuda(buffer).pointer(), buffer.size(), stream_))
        return error;
      return api().cuStreamSynchronize(stream_);
    });
  }

  het_status_t loadKernel(const hetbin::Kernel &kernel, const hetbin::Variant &variant,
                          std::span<const std::byte> image, std::unique_ptr<LoadedKernel> &outKernel) override {
    std::string what = "kernel '" + kernel.name() + "' (cuda variant '" + variant.name() + "')";
    std::array<unsigned, 3> grid, block;
    if (!launchSizes(variant.launch().grid(), grid) || !launchSizes(variant.launch().block(), block) ||
        variant.launch().shared_memory_bytes() > UINT_MAX)
      return makeStatus(HET_STATUS_INVALID_FORMAT,
                        what + ": its launch sizes do not fit cuLaunchKernel (at most 3 dimensions of 32 bits)");
    bool isPtx = variant.format() == hetbin::PTX_TEXT;
    // PTX goes to the driver as a NUL-terminated string; a section holds just the text.
    std::string ptx = isPtx ? std::string(reinterpret_cast<const char *>(image.data()), image.size()) : "";
    const void *data = isPtx ? static_cast<const void *>(ptx.c_str()) : image.data();

    std::unique_ptr<CudaKernel> loaded;
    HET_RETURN_IF_ERROR(loadModule(what, data, isPtx, variant.entry_point(), loaded));
    loaded->grid = grid;
    loaded->block = block;
    loaded->sharedMemoryBytes = static_cast<unsigned>(variant.launch().shared_memory_bytes());
    loaded->bindingCount = kernel.bindings_size();
    outKernel = std::move(loaded);
    return nullptr;
  }

  het_status_t launch(LoadedKernel &loaded, std::span<DeviceBuffer *const> buffers) override {
    auto &kernel = static_cast<CudaKernel &>(loaded);
    if (buffers.size() != static_cast<std::size_t>(kernel.bindingCount))
      return makeStatus(HET_STATUS_INVALID_ARGUMENT, kernel.displayName() + " takes " +
                                                         std::to_string(kernel.bindingCount) + " buffers, not " +
                                                         std::to_string(buffers.size()));
    // The ABI: one .u64 global pointer parameter per binding; cuLaunchKernel takes the address of each value.
    std::vector<CUdeviceptr> pointers;
    pointers.reserve(buffers.size());
    for (DeviceBuffer *buffer : buffers)
      pointers.push_back(asCuda(*buffer).pointer());
    std::vector<void *> parameters;
    for (CUdeviceptr &pointer : pointers)
      parameters.push_back(&pointer);
    return check("launching " + kernel.displayName(), [&] {
      return api().cuLaunchKernel(kernel.function(), kernel.grid[0], kernel.grid[1], kernel.grid[2], kernel.block[0],
                                  kernel.block[1], kernel.block[2], kernel.sharedMemoryBytes, stream_,
                                  parameters.data(), nullptr);
    });
  }

  het_status_t synchronize() override {
    return check("waiting for the stream", [&] { return api().cuStreamSynchronize(stream_); });
  }

  het_status_t recordEvent(std::unique_ptr<DeviceEvent> &outEvent) override {
    CUevent event = nullptr;
    HET_RETURN_IF_ERROR(check("creating an event", [&] { return api().cuEventCreate(&event, CU_EVENT_DEFAULT); }));
    auto recorded = std::make_unique<CudaEvent>(context_, event);
    HET_RETURN_IF_ERROR(check("recording an event", [&] { return api().cuEventRecord(event, stream_); }));
    outEvent = std::move(recorded);
    return nullptr;
  }

  het_status_t waitForEvent(DeviceEvent &event) override {
    return check("waiting for an event",
                 [&] { return api().cuEventSynchronize(static_cast<CudaEvent &>(event).event()); });
  }

  het_status_t elapsedMilliseconds(DeviceEvent &start, DeviceEvent &end, double &outMilliseconds) override {
    HET_RETURN_IF_ERROR(waitForEvent(end));
    float milliseconds = 0;
    HET_RETURN_IF_ERROR(check("timing events", [&] {
      return api().cuEventElapsedTime(&milliseconds, static_cast<CudaEvent &>(start).event(),
                                      static_cast<CudaEvent &>(end).event());
    }));
    outMilliseconds = milliseconds;
    return nullptr;
  }

  // One thread per chunk, in blocks of kCalibrationBlock, on the device's stream; the module is loaded once.
  het_status_t runCalibrationChunks(std::int64_t chunks) override {
    if (chunks <= 0 || chunks > UINT_MAX)
      return makeStatus(HET_STATUS_INVALID_ARGUMENT, "cuda: a calibration launch runs 1 to " +
                                                         std::to_string(UINT_MAX) + " chunks, not " +
                                                         std::to_string(chunks));
    if (!calibrationKernel_) {
      HET_RETURN_IF_ERROR(
          loadModule("the calibration kernel", kCalibrationPtx, /*isPtx=*/true, kCalibrationEntry, calibrationKernel_));
      HET_RETURN_IF_ERROR(allocate(sizeof(float), calibrationSink_));
    }
    CUdeviceptr sink = asCuda(*calibrationSink_).pointer();
    unsigned count = static_cast<unsigned>(chunks);
    void *parameters[] = {&sink, &count};
    unsigned blocks = static_cast<unsigned>((chunks + kCalibrationBlock - 1) / kCalibrationBlock);
    HET_RETURN_IF_ERROR(check("launching the calibration kernel", [&] {
      return api().cuLaunchKernel(calibrationKernel_->function(), blocks, 1, 1, kCalibrationBlock, 1, 1, 0, stream_,
                                  parameters, nullptr);
    }));
    return synchronize();
  }

private:
  static constexpr std::size_t kJitLogBytes = 16 << 10;

  /// Loads a PTX (NUL-terminated) or cubin image as a module and finds `entry` in it.
  het_status_t loadModule(const std::string &what, const void *data, bool isPtx, const std::string &entry,
                          std::unique_ptr<CudaKernel> &outKernel) {
    std::string errorLog(kJitLogBytes, '\0');
    CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *values[] = {errorLog.data(), reinterpret_cast<void *>(static_cast<std::uintptr_t>(errorLog.size()))};
    CUmodule module = nullptr;
    if (CUresult error = call([&] { return api().cuModuleLoadDataEx(&module, data, 2, options, values); })) {
      std::string log = errorLog.c_str();
      return makeStatus(HET_STATUS_INVALID_FORMAT, what + ": the CUDA driver cannot load its " +
                                                       (isPtx ? "PTX" : "cubin") + " on " + info_.architecture + ": " +
                                                       api().describe(error) + (log.empty() ? "" : "\n" + log));
    }
    CUfunction function = nullptr;
    if (CUresult error = call([&] { return api().cuModuleGetFunction(&function, module, entry.c_str()); })) {
      call([&] { return api().cuModuleUnload(module); });
      return makeStatus(HET_STATUS_NOT_FOUND,
                        what + ": entry point '" + entry + "' is not in its image: " + api().describe(error));
    }
    outKernel = std::make_unique<CudaKernel>(what, context_, module, function);
    return nullptr;
  }

  const CudaDriverApi &api() const { return context_->api; }
  template <typename Body> CUresult call(Body body) const { return context_->inContext(body); }
  /// `body` in the context, its failure as a status saying what the device was doing.
  template <typename Body> het_status_t check(const std::string &doing, Body body) const {
    if (CUresult error = call(body))
      return makeStatus(HET_STATUS_UNAVAILABLE, "cuda: " + doing + " failed: " + api().describe(error));
    return nullptr;
  }
  CudaBuffer &asCuda(const DeviceBuffer &buffer) const {
    return static_cast<CudaBuffer &>(const_cast<DeviceBuffer &>(buffer));
  }

  DeviceInfo info_;
  std::shared_ptr<CudaContext> context_;
  CUstream stream_;
  int archNumber_;
  std::unique_ptr<CudaKernel> calibrationKernel_;
  std::unique_ptr<DeviceBuffer> calibrationSink_;
};

/// The first GPU's properties into `info`; false with info.reason set when the library cannot give them.
bool describeFirstGpu(const CudaDriverApi &api, const std::string &library, DeviceInfo &info, CUdevice &device,
                      int &archNumber) {
  if (CUresult error = api.cuInit(0)) {
    info.reason = "cuInit failed with " + api.describe(error) + ": no usable NVIDIA GPU";
    return false;
  }
  int count = 0;
  if (CUresult error = api.cuDeviceGetCount(&count)) {
    info.reason = "cuDeviceGetCount failed with " + api.describe(error);
    return false;
  }
  if (count == 0) {
    info.reason = library + " found, but it reports no CUDA device";
    return false;
  }
  int major = 0, minor = 0, multiprocessors = 0;
  std::size_t memory = 0;
  char name[256] = {};
  if (CUresult error = api.cuDeviceGet(&device, 0);
      error || (error = api.cuDeviceGetName(name, sizeof name - 1, device)) ||
      (error = api.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device)) ||
      (error = api.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device)) ||
      (error = api.cuDeviceGetAttribute(&multiprocessors, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device)) ||
      (error = api.cuDeviceTotalMem(&memory, device))) {
    info.reason = "cannot query CUDA device 0: " + api.describe(error);
    return false;
  }
  archNumber = major * 10 + minor;
  info.architecture = "sm_" + std::to_string(archNumber);
  info.memoryBytes = memory;
  info.description = std::string(name) + ", " + info.architecture + ", " + std::to_string(multiprocessors) +
                     " multiprocessors" + (count > 1 ? ", GPU 0 of " + std::to_string(count) : "");
  return true;
}

} // namespace

std::unique_ptr<Device> createCudaDevice(const DeviceOptions &) {
  DeviceInfo info;
  info.name = "cuda";
  info.kind = HET_DEVICE_KIND_CUDA;
  info.description = "NVIDIA GPUs through the CUDA driver API";
  info.variantFormats = {"PTX/PTX_TEXT", "PTX/CUBIN"};
  auto context = std::make_shared<CudaContext>();
  std::string library = cudaLibraryName();
  int archNumber = 0;
  if (!loadCudaDriverApi(library, context->api, info.reason) ||
      !describeFirstGpu(context->api, library, info, context->device, archNumber))
    return createUnavailableDevice(std::move(info));
  const CudaDriverApi &api = context->api;
  if (CUresult error = api.cuDevicePrimaryCtxRetain(&context->context, context->device)) {
    info.reason = "cannot create a context on " + info.architecture + " GPU 0: " + api.describe(error);
    return createUnavailableDevice(std::move(info));
  }
  CUstream stream = nullptr;
  if (CUresult error = context->inContext([&] { return api.cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING); })) {
    api.cuDevicePrimaryCtxRelease(context->device);
    info.reason = "cannot create a stream on GPU 0: " + api.describe(error);
    return createUnavailableDevice(std::move(info));
  }
  info.available = true;
  return std::make_unique<CudaDevice>(std::move(info), std::move(context), stream, archNumber);
}

} // namespace het::runtime
