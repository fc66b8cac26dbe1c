// The xrt driver: runs XCLBIN variants (docs/kernel-abi.md) on a Xilinx/AMD FPGA card through XRT's C API.
//
// A card holds one xclbin at a time. Loading a kernel programs the card with its xclbin unless that xclbin (by
// UUID) is already there; a kernel of another xclbin while kernels of the current one are open is refused, since
// reprogramming would pull the card from under them. Buffers are XRT buffer objects; their memory bank follows
// the kernel argument they are bound to, moved there at launch if they were allocated elsewhere. Launches wait
// for the run to complete, so synchronize() has nothing to wait for.
#include "drivers/xrt/XrtDevice.h"

#include "api/Status.h"
#include "drivers/UnavailableDevice.h"
#include "drivers/xrt/XrtApi.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace het::runtime {
namespace {

using namespace xrt;

/// The API and the open card, shared by the device and its buffers and kernels.
struct XrtCard {
  XrtApi api;
  xrtDeviceHandle device = nullptr;
  xrtXclbinHandle loadedXclbin = nullptr;
  unsigned char loadedUuid[16] = {};
  int openKernels = 0;

  ~XrtCard() {
    if (loadedXclbin)
      api.xrtXclbinFreeHandle(loadedXclbin);
    if (device)
      api.xrtDeviceClose(device);
  }
};

class XrtBuffer final : public DeviceBuffer {
public:
  XrtBuffer(Device &owner, std::size_t size, std::shared_ptr<XrtCard> card, xrtBufferHandle buffer, int group)
      : DeviceBuffer(owner, size), card_(std::move(card)), buffer_(buffer), group_(group) {}
  ~XrtBuffer() override { card_->api.xrtBOFree(buffer_); }

  xrtBufferHandle handle() const { return buffer_; }
  int group() const { return group_; }
  void moveTo(xrtBufferHandle buffer, int group) {
    card_->api.xrtBOFree(buffer_);
    buffer_ = buffer;
    group_ = group;
  }

private:
  std::shared_ptr<XrtCard> card_;
  xrtBufferHandle buffer_;
  int group_;
};

class XrtKernel final : public LoadedKernel {
public:
  XrtKernel(std::string displayName, std::shared_ptr<XrtCard> card, xrtKernelHandle kernel, int bindingCount)
      : LoadedKernel(std::move(displayName)), card_(std::move(card)), kernel_(kernel), bindingCount_(bindingCount) {
    ++card_->openKernels;
  }
  ~XrtKernel() override {
    card_->api.xrtKernelClose(kernel_);
    --card_->openKernels;
  }
  xrtKernelHandle handle() const { return kernel_; }
  int bindingCount() const { return bindingCount_; }

private:
  std::shared_ptr<XrtCard> card_;
  xrtKernelHandle kernel_;
  int bindingCount_;
};

class XrtDevice final : public Device {
public:
  XrtDevice(DeviceInfo info, std::shared_ptr<XrtCard> card) : info_(std::move(info)), card_(std::move(card)) {}

  const DeviceInfo &info() const override { return info_; }
  bool sharesHostMemory() const override { return false; }

  const hetbin::Variant *selectVariant(const hetbin::Kernel &kernel, std::string &reason) const override {
    for (const hetbin::Variant &variant : kernel.variants())
      if (variant.target().kind() == hetbin::HLS && variant.format() == hetbin::XCLBIN)
        return &variant;
    reason = "it has no XCLBIN variant (hetcc builds one only where Vitis v++ is installed)";
    return nullptr;
  }

  het_status_t allocate(std::size_t size, std::unique_ptr<DeviceBuffer> &outBuffer) override {
    // XRT refuses empty buffer objects; an empty binding still needs a handle to pass.
    xrtBufferHandle buffer = api().xrtBOAlloc(card_->device, std::max<std::size_t>(size, 1), 0, defaultGroup_);
    if (!buffer)
      return makeStatus(HET_STATUS_OUT_OF_MEMORY, "xrt: cannot allocate " + std::to_string(size) +
                                                      " bytes in memory bank " + std::to_string(defaultGroup_));
    outBuffer = std::make_unique<XrtBuffer>(*this, size, card_, buffer, static_cast<int>(defaultGroup_));
    return nullptr;
  }

  het_status_t copyToDevice(DeviceBuffer &buffer, const void *source) override {
    if (!buffer.size())
      return nullptr;
    xrtBufferHandle handle = static_cast<XrtBuffer &>(buffer).handle();
    if (api().xrtBOWrite(handle, source, buffer.size(), 0) != 0 ||
        api().xrtBOSync(handle, XCL_BO_SYNC_BO_TO_DEVICE, buffer.size(), 0) != 0)
      return makeStatus(HET_STATUS_UNAVAILABLE, "xrt: copying " + std::to_string(buffer.size()) +
                                                    " bytes to the card failed: " + std::strerror(errno));
    return nullptr;
  }

  het_status_t copyFromDevice(const DeviceBuffer &buffer, void *destination) override {
    if (!buffer.size())
      return nullptr;
    xrtBufferHandle handle = static_cast<const XrtBuffer &>(buffer).handle();
    if (api().xrtBOSync(handle, XCL_BO_SYNC_BO_FROM_DEVICE, buffer.size(), 0) != 0 ||
        api().xrtBORead(handle, destination, buffer.size(), 0) != 0)
      return makeStatus(HET_STATUS_UNAVAILABLE, "xrt: copying " + std::to_string(buffer.size()) +
                                                    " bytes from the card failed: " + std::strerror(errno));
    return nullptr;
  }

  het_status_t loadKernel(const hetbin::Kernel &kernel, const hetbin::Variant &variant,
                          std::span<const std::byte> image, std::unique_ptr<LoadedKernel> &outKernel) override {
    std::string what = "kernel '" + kernel.name() + "' (xrt variant '" + variant.name() + "')";
    if (image.size() > static_cast<std::size_t>(INT_MAX))
      return makeStatus(HET_STATUS_INVALID_FORMAT, what + ": its xclbin is larger than XRT's 2 GiB limit");
    xrtXclbinHandle xclbin =
        api().xrtXclbinAllocRawData(reinterpret_cast<const char *>(image.data()), static_cast<int>(image.size()));
    unsigned char uuid[16] = {};
    if (!xclbin || api().xrtXclbinGetUUID(xclbin, uuid) != 0) {
      if (xclbin)
        api().xrtXclbinFreeHandle(xclbin);
      return makeStatus(HET_STATUS_INVALID_FORMAT, what + ": its image is not an xclbin XRT can read");
    }
    if (card_->loadedXclbin && std::memcmp(uuid, card_->loadedUuid, sizeof uuid) == 0) {
      api().xrtXclbinFreeHandle(xclbin);
    } else {
      if (card_->openKernels > 0) {
        api().xrtXclbinFreeHandle(xclbin);
        return makeStatus(HET_STATUS_UNSUPPORTED,
                          what + ": its xclbin is not the one on the card, whose kernels are in use; a card holds "
                                 "one xclbin at a time, so the kernels placed on xrt must share one xclbin");
      }
      if (api().xrtDeviceLoadXclbinHandle(card_->device, xclbin) != 0) {
        int error = errno;
        api().xrtXclbinFreeHandle(xclbin);
        return makeStatus(HET_STATUS_INVALID_FORMAT, what + ": the card refused its xclbin (" + std::strerror(error) +
                                                         "): is it built for this card's platform?");
      }
      if (card_->loadedXclbin)
        api().xrtXclbinFreeHandle(card_->loadedXclbin);
      card_->loadedXclbin = xclbin;
      std::memcpy(card_->loadedUuid, uuid, sizeof uuid);
    }
    xrtKernelHandle handle = api().xrtPLKernelOpen(card_->device, card_->loadedUuid, variant.entry_point().c_str());
    if (!handle)
      return makeStatus(HET_STATUS_NOT_FOUND,
                        what + ": its xclbin has no kernel named '" + variant.entry_point() + "'");
    auto loaded = std::make_unique<XrtKernel>(what, card_, handle, kernel.bindings_size());
    // Later buffers start in the bank of this kernel's first argument, which saves most moves at launch.
    if (int group = api().xrtKernelArgGroupId(handle, 0); group >= 0)
      defaultGroup_ = static_cast<xrtMemoryGroup>(group);
    outKernel = std::move(loaded);
    return nullptr;
  }

  het_status_t launch(LoadedKernel &loaded, std::span<DeviceBuffer *const> buffers) override {
    auto &kernel = static_cast<XrtKernel &>(loaded);
    if (buffers.size() != static_cast<std::size_t>(kernel.bindingCount()))
      return makeStatus(HET_STATUS_INVALID_ARGUMENT, kernel.displayName() + " takes " +
                                                         std::to_string(kernel.bindingCount()) + " buffers, not " +
                                                         std::to_string(buffers.size()));
    for (std::size_t i = 0; i < buffers.size(); ++i)
      HET_RETURN_IF_ERROR(moveToArgumentBank(kernel, static_cast<int>(i), static_cast<XrtBuffer &>(*buffers[i])));
    xrtRunHandle run = api().xrtRunOpen(kernel.handle());
    if (!run)
      return makeStatus(HET_STATUS_UNAVAILABLE, "xrt: cannot start " + kernel.displayName());
    bool started = true;
    for (std::size_t i = 0; i < buffers.size() && started; ++i)
      started = api().xrtRunSetArg(run, static_cast<int>(i), static_cast<XrtBuffer &>(*buffers[i]).handle()) == 0;
    started = started && api().xrtRunStart(run) == 0;
    CommandState state = started ? api().xrtRunWait(run) : CommandState{};
    api().xrtRunClose(run);
    if (!started)
      return makeStatus(HET_STATUS_UNAVAILABLE, "xrt: cannot start " + kernel.displayName());
    if (state != ERT_CMD_STATE_COMPLETED)
      return makeStatus(HET_STATUS_UNAVAILABLE, "xrt: " + kernel.displayName() + " ended in command state " +
                                                    std::to_string(static_cast<int>(state)) + ", not completed");
    return nullptr;
  }

  het_status_t synchronize() override { return nullptr; }

private:
  const XrtApi &api() const { return card_->api; }

  /// A buffer must sit in the memory bank its kernel argument is connected to.
  het_status_t moveToArgumentBank(XrtKernel &kernel, int argument, XrtBuffer &buffer) {
    int group = api().xrtKernelArgGroupId(kernel.handle(), argument);
    if (group < 0 || group == buffer.group())
      return nullptr;
    std::size_t bytes = std::max<std::size_t>(buffer.size(), 1);
    xrtBufferHandle moved = api().xrtBOAlloc(card_->device, bytes, 0, static_cast<xrtMemoryGroup>(group));
    if (!moved)
      return makeStatus(HET_STATUS_OUT_OF_MEMORY, "xrt: cannot allocate " + std::to_string(bytes) +
                                                      " bytes in memory bank " + std::to_string(group) + " for " +
                                                      kernel.displayName());
    if (api().xrtBOCopy(moved, buffer.handle(), bytes, 0, 0) != 0) {
      api().xrtBOFree(moved);
      return makeStatus(HET_STATUS_UNAVAILABLE, "xrt: cannot move a buffer to memory bank " + std::to_string(group) +
                                                    " for " + kernel.displayName());
    }
    buffer.moveTo(moved, group);
    return nullptr;
  }

  DeviceInfo info_;
  std::shared_ptr<XrtCard> card_;
  xrtMemoryGroup defaultGroup_ = 0;
};

} // namespace

std::unique_ptr<Device> createXrtDevice(const DeviceOptions &) {
  DeviceInfo info;
  info.name = "xrt";
  info.kind = HET_DEVICE_KIND_XRT;
  info.description = "Xilinx/AMD FPGA cards through XRT";
  info.variantFormats = {"HLS/XCLBIN"};
  auto card = std::make_shared<XrtCard>();
  unsigned cards = 0;
  if (!loadXrtApi(card->api, cards, info.reason))
    return createUnavailableDevice(std::move(info));
  card->device = card->api.xrtDeviceOpen(0);
  if (!card->device) {
    info.reason = "XRT sees " + std::to_string(cards) + " card(s), but cannot open card 0: " + std::strerror(errno);
    return createUnavailableDevice(std::move(info));
  }
  info.available = true;
  info.description = "FPGA card 0" + (cards > 1 ? " of " + std::to_string(cards) : std::string()) + " through XRT";
  return std::make_unique<XrtDevice>(std::move(info), std::move(card));
}

} // namespace het::runtime
