// A listed but unusable device, so that users see why a cuda or xrt device is missing instead of nothing.
#include "drivers/UnavailableDevice.h"

#include "api/Status.h"

#include <cassert>

namespace het::runtime {
namespace {

class UnavailableDevice final : public Device {
public:
  explicit UnavailableDevice(DeviceInfo info) : info_(std::move(info)) {
    assert(!info_.available && !info_.reason.empty() && "an unavailable device says why");
  }

  const DeviceInfo &info() const override { return info_; }
  bool sharesHostMemory() const override { return false; }
  const hetbin::Variant *selectVariant(const hetbin::Kernel &, std::string &reason) const override {
    reason = "device '" + info_.name + "' is unavailable: " + info_.reason;
    return nullptr;
  }
  het_status_t allocate(std::size_t, std::unique_ptr<DeviceBuffer> &) override { return unavailable(); }
  het_status_t copyToDevice(DeviceBuffer &, const void *) override { return unavailable(); }
  het_status_t copyFromDevice(const DeviceBuffer &, void *) override { return unavailable(); }
  het_status_t loadKernel(const hetbin::Kernel &, const hetbin::Variant &, std::span<const std::byte>,
                          std::unique_ptr<LoadedKernel> &) override {
    return unavailable();
  }
  het_status_t launch(LoadedKernel &, std::span<DeviceBuffer *const>) override { return unavailable(); }
  het_status_t synchronize() override { return unavailable(); }

private:
  het_status_t unavailable() const {
    return makeStatus(HET_STATUS_UNAVAILABLE, "device '" + info_.name + "' is unavailable: " + info_.reason);
  }

  DeviceInfo info_;
};

} // namespace

std::unique_ptr<Device> createUnavailableDevice(DeviceInfo info) {
  return std::make_unique<UnavailableDevice>(std::move(info));
}

} // namespace het::runtime
