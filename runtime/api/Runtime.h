// het_runtime_t's layout, shared by the C API files that list devices and run modules on them.
#ifndef HET_RUNTIME_API_RUNTIME_H
#define HET_RUNTIME_API_RUNTIME_H

#include "het/het.h"
#include "pool/DevicePool.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

struct het_runtime_s {
  std::atomic<int> referenceCount{1};
  std::unique_ptr<het::runtime::DevicePool> pool;
  /// [device]: DeviceInfo::variantFormats joined, for het_device_capabilities_t.variant_formats.
  std::vector<std::string> variantFormats;
};

#endif // HET_RUNTIME_API_RUNTIME_H
