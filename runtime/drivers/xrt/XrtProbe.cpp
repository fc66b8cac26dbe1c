// Looks for XRT's libraries and counts FPGA cards with xclProbe, through dlopen/dlsym only.
#include "drivers/xrt/XrtProbe.h"

#include <dlfcn.h>

namespace het::runtime {

DeviceInfo probeXrtDevice() {
  DeviceInfo info;
  info.name = "xrt";
  info.kind = HET_DEVICE_KIND_XRT;
  info.description = "Xilinx/AMD FPGA cards through XRT";
  info.variantFormats = {"HLS/XCLBIN"};
  // The versioned name is what the XRT runtime package installs; the bare one comes with the -dev package.
  void *coreutil = ::dlopen("libxrt_coreutil.so.2", RTLD_NOW | RTLD_LOCAL);
  if (!coreutil)
    coreutil = ::dlopen("libxrt_coreutil.so", RTLD_NOW | RTLD_LOCAL);
  if (!coreutil) {
    info.reason = "libxrt_coreutil.so not found: XRT is not installed";
    return info;
  }
  // xclProbe lives in the PCIe shim, libxrt_core; it counts the cards bound to XRT's kernel driver.
  void *core = ::dlopen("libxrt_core.so.2", RTLD_NOW | RTLD_LOCAL);
  auto *xclProbe = core ? reinterpret_cast<unsigned (*)()>(::dlsym(core, "xclProbe")) : nullptr;
  if (!xclProbe) {
    info.reason = "XRT found, but not its PCIe shim libxrt_core.so.2 (xclProbe): cannot look for cards";
    return info;
  }
  unsigned cards = xclProbe();
  if (cards == 0) {
    info.reason = "XRT found, but no FPGA card: xclProbe reports 0 devices";
    return info;
  }
  info.reason = "found " + std::to_string(cards) +
                " FPGA card(s), but this runtime cannot run xclbins yet (the xrt driver is planned)";
  return info;
}

} // namespace het::runtime
