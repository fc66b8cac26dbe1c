// The fpga-sim driver: runs HLS_CSIM_SHARED_OBJECT variants (docs/kernel-abi.md) as a card would run them.
//
// It behaves like a card with its own memory: buffers are separate host allocations standing in for the card's
// DDR, host data is never used in place (sharesHostMemory() is false), and every byte a kernel reads or writes
// crosses an explicit copy. So a module that runs here makes the same transfers it will make on a real card.
#include "drivers/fpga_sim/FpgaSimDevice.h"

#include "api/Status.h"
#include "drivers/HostMemoryDevice.h"
#include "drivers/SharedObject.h"

#include <vector>

namespace het::runtime {
namespace {

using CsimEntryPoint = void (*)(void **buffers);

class FpgaSimKernel final : public LoadedKernel {
public:
  FpgaSimKernel(std::string displayName, std::unique_ptr<SharedObject> object, CsimEntryPoint entry)
      : LoadedKernel(std::move(displayName)), object_(std::move(object)), entry_(entry) {}
  CsimEntryPoint entry() const { return entry_; }

private:
  std::unique_ptr<SharedObject> object_;
  CsimEntryPoint entry_;
};

class FpgaSimDevice final : public HostMemoryDevice {
public:
  FpgaSimDevice() {
    info_.name = "fpga-sim";
    info_.kind = HET_DEVICE_KIND_FPGA_SIM;
    info_.available = true;
    info_.description = "HLS C-simulation on the host, with explicit host-device copies";
    info_.architecture = "hls-csim";
    info_.memoryBytes = hostMemoryBytes();
    info_.variantFormats = {"HLS/HLS_CSIM_SHARED_OBJECT"};
  }

  const DeviceInfo &info() const override { return info_; }
  bool sharesHostMemory() const override { return false; }

  const hetbin::Variant *selectVariant(const hetbin::Kernel &kernel, std::string &reason) const override {
    // C-simulation objects are built for the host, whatever FPGA part their HLS source targets.
    for (const hetbin::Variant &variant : kernel.variants())
      if (variant.target().kind() == hetbin::HLS && variant.format() == hetbin::HLS_CSIM_SHARED_OBJECT)
        return &variant;
    reason = "it has no HLS_CSIM_SHARED_OBJECT variant";
    return nullptr;
  }

  het_status_t loadKernel(const hetbin::Kernel &kernel, const hetbin::Variant &variant,
                          std::span<const std::byte> image, std::unique_ptr<LoadedKernel> &outKernel) override {
    std::string what = "kernel '" + kernel.name() + "' (fpga-sim variant '" + variant.name() + "')";
    std::unique_ptr<SharedObject> object;
    void *address = nullptr;
    HET_RETURN_IF_ERROR(SharedObject::loadEntryPoint(image, what, variant.entry_point(), object, address));
    outKernel = std::make_unique<FpgaSimKernel>(what, std::move(object), reinterpret_cast<CsimEntryPoint>(address));
    return nullptr;
  }

  het_status_t launch(LoadedKernel &loaded, std::span<DeviceBuffer *const> buffers) override {
    std::vector<void *> pointers = kernelArguments(buffers);
    static_cast<FpgaSimKernel &>(loaded).entry()(pointers.data());
    return nullptr;
  }

  het_status_t synchronize() override { return nullptr; }

  /// A C-simulation is one plain host thread, whatever the card would do in parallel.
  het_status_t runHostWork(std::int64_t count,
                           const std::function<void(std::int64_t, std::int64_t)> &body) override {
    body(0, count);
    return nullptr;
  }

private:
  DeviceInfo info_;
};

} // namespace

std::unique_ptr<Device> createFpgaSimDevice(const DeviceOptions &) { return std::make_unique<FpgaSimDevice>(); }

} // namespace het::runtime
