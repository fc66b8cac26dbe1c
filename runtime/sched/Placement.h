// Where each dispatch of a host graph runs: one device for all, per-kernel pins, or HEFT over the pool.
#ifndef HET_RUNTIME_SCHED_PLACEMENT_H
#define HET_RUNTIME_SCHED_PLACEMENT_H

#include "pool/DevicePool.h"

#include <map>
#include <string>
#include <vector>

namespace het::runtime {

struct PlacementRequest {
  /// True: the cost model picks among every available device (HEFT); false: every dispatch runs on `device`.
  bool automatic = false;
  std::size_t device = 0; ///< pool index, when not automatic
  /// Kernel name -> pool index: these kernels run there whatever the policy.
  std::map<std::string, std::size_t> pins;
};

/// One dispatch's device and the variant it runs there, with the cost model's estimate (zero when not
/// automatic).
struct DispatchPlacement {
  std::size_t device = 0;
  const hetbin::Variant *variant = nullptr;
  double estimatedStartUs = 0;
  double estimatedFinishUs = 0;
};

/// The variant of `kernel` that `device` runs; UNAVAILABLE for an unavailable device, UNSUPPORTED naming the
/// kernel, why the device cannot run it and the variants the kernel has.
het_status_t selectVariantOn(Device &device, const hetbin::Kernel &kernel, const hetbin::Variant *&outVariant);

/// The cost model's estimate of one launch of `kernel` on a device with `rates`, in microseconds: a fixed
/// launch overhead, plus flops at the device's compute rate, plus the bytes it reads and writes at its bandwidth.
double estimateComputeMicroseconds(const hetbin::Kernel &kernel, const DeviceRates &rates);

/// Places every dispatch of `manifest`'s graph. A dispatch never goes to a device without a variant for its
/// kernel, nor to one the pool marked failed: UNSUPPORTED names the kernel, the devices and why each one cannot
/// take it; UNAVAILABLE names a failed device that `request` pins or names. Pins must name kernels of
/// the module (INVALID_ARGUMENT otherwise). Automatic placement calibrates the pool's available devices, and
/// places on a device that could not be calibrated (unknown speed) only kernels no calibrated device can run.
het_status_t placeDispatches(const hetbin::Manifest &manifest, DevicePool &pool, const PlacementRequest &request,
                             std::vector<DispatchPlacement> &outPlacements);

} // namespace het::runtime

#endif // HET_RUNTIME_SCHED_PLACEMENT_H
