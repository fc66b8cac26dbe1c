// Resolves XRT's C API from its libraries with dlopen/dlsym, and counts the FPGA cards XRT sees.
#include "drivers/xrt/XrtApi.h"

#include <cstdlib>
#include <dlfcn.h>

namespace het::runtime::xrt {

bool loadXrtApi(XrtApi &api, unsigned &outCards, std::string &reason) {
  const char *explicitLibrary = std::getenv("HET_XRT_LIBRARY");
  bool isExplicit = explicitLibrary && *explicitLibrary;
  // The versioned name is what the XRT runtime package installs; the bare one comes with the -dev package.
  void *coreutil = ::dlopen(isExplicit ? explicitLibrary : "libxrt_coreutil.so.2", RTLD_NOW | RTLD_LOCAL);
  if (!coreutil && !isExplicit)
    coreutil = ::dlopen("libxrt_coreutil.so", RTLD_NOW | RTLD_LOCAL);
  if (!coreutil) {
    reason = isExplicit ? "cannot open " + std::string(explicitLibrary) + " (HET_XRT_LIBRARY): " + ::dlerror()
                        : "libxrt_coreutil.so not found: XRT is not installed";
    return false;
  }
  std::string missing;
#define HET_XRT_RESOLVE(member, symbol, result, parameters)                                                            \
  api.member = reinterpret_cast<result(*) parameters>(::dlsym(coreutil, symbol));                                      \
  if (!api.member)                                                                                                     \
    missing += (missing.empty() ? "" : ", ") + std::string(symbol);
  HET_XRT_SYMBOLS(HET_XRT_RESOLVE)
#undef HET_XRT_RESOLVE
  if (!missing.empty()) {
    reason = "libxrt_coreutil lacks XRT C API entry points (" + missing + "): XRT is older than 2020.2";
    return false;
  }
  // xclProbe lives in the PCIe shim, libxrt_core; it counts the cards bound to XRT's kernel driver. A library
  // named by HET_XRT_LIBRARY provides both.
  void *core = isExplicit ? coreutil : ::dlopen("libxrt_core.so.2", RTLD_NOW | RTLD_LOCAL);
  auto *xclProbe = core ? reinterpret_cast<unsigned (*)()>(::dlsym(core, "xclProbe")) : nullptr;
  if (!xclProbe) {
    reason = "XRT found, but not its PCIe shim libxrt_core.so.2 (xclProbe): cannot look for cards";
    return false;
  }
  outCards = xclProbe();
  if (outCards == 0) {
    reason = "XRT found, but no FPGA card: xclProbe reports 0 devices";
    return false;
  }
  return true;
}

} // namespace het::runtime::xrt
