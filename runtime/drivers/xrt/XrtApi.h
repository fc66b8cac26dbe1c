// The XRT C API entry points the xrt driver uses, resolved by name from libxrt_coreutil at run time.
//
// The handle types and constants are declared here (values as in XRT's xrt.h and ert.h) so that the runtime
// builds without XRT's headers. Each entry point is one line of HET_XRT_SYMBOLS: the member name, the exported
// symbol and its C signature.
#ifndef HET_RUNTIME_DRIVERS_XRT_XRTAPI_H
#define HET_RUNTIME_DRIVERS_XRT_XRTAPI_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace het::runtime::xrt {

using xrtDeviceHandle = void *;
using xrtXclbinHandle = void *;
using xrtKernelHandle = void *;
using xrtRunHandle = void *;
using xrtBufferHandle = void *;
using xrtBufferFlags = std::uint64_t;
using xrtMemoryGroup = std::uint32_t;
using xuid_t = unsigned char[16];
/// enum xclBOSyncDirection
enum SyncDirection : int { XCL_BO_SYNC_BO_TO_DEVICE = 0, XCL_BO_SYNC_BO_FROM_DEVICE = 1 };
/// enum ert_cmd_state: what xrtRunWait returns
enum CommandState : int { ERT_CMD_STATE_COMPLETED = 4 };

// X(member, exported symbol, return type, parameters)
#define HET_XRT_SYMBOLS(X)                                                                                             \
  X(xrtDeviceOpen, "xrtDeviceOpen", xrtDeviceHandle, (unsigned index))                                                 \
  X(xrtDeviceClose, "xrtDeviceClose", int, (xrtDeviceHandle device))                                                   \
  X(xrtXclbinAllocRawData, "xrtXclbinAllocRawData", xrtXclbinHandle, (const char *data, int size))                     \
  X(xrtXclbinFreeHandle, "xrtXclbinFreeHandle", int, (xrtXclbinHandle xclbin))                                         \
  X(xrtXclbinGetUUID, "xrtXclbinGetUUID", int, (xrtXclbinHandle xclbin, xuid_t uuid))                                  \
  X(xrtDeviceLoadXclbinHandle, "xrtDeviceLoadXclbinHandle", int, (xrtDeviceHandle device, xrtXclbinHandle xclbin))     \
  X(xrtPLKernelOpen, "xrtPLKernelOpen", xrtKernelHandle,                                                               \
    (xrtDeviceHandle device, const xuid_t xclbinId, const char *name))                                                 \
  X(xrtKernelClose, "xrtKernelClose", int, (xrtKernelHandle kernel))                                                   \
  X(xrtKernelArgGroupId, "xrtKernelArgGroupId", int, (xrtKernelHandle kernel, int argument))                           \
  X(xrtBOAlloc, "xrtBOAlloc", xrtBufferHandle,                                                                         \
    (xrtDeviceHandle device, std::size_t size, xrtBufferFlags flags, xrtMemoryGroup group))                            \
  X(xrtBOFree, "xrtBOFree", int, (xrtBufferHandle buffer))                                                             \
  X(xrtBOWrite, "xrtBOWrite", int, (xrtBufferHandle buffer, const void *source, std::size_t size, std::size_t seek))   \
  X(xrtBORead, "xrtBORead", int, (xrtBufferHandle buffer, void *destination, std::size_t size, std::size_t skip))      \
  X(xrtBOSync, "xrtBOSync", int,                                                                                       \
    (xrtBufferHandle buffer, SyncDirection direction, std::size_t size, std::size_t offset))                           \
  X(xrtBOCopy, "xrtBOCopy", int,                                                                                       \
    (xrtBufferHandle destination, xrtBufferHandle source, std::size_t size, std::size_t destinationOffset,             \
     std::size_t sourceOffset))                                                                                        \
  X(xrtRunOpen, "xrtRunOpen", xrtRunHandle, (xrtKernelHandle kernel))                                                  \
  X(xrtRunSetArg, "xrtRunSetArg", int, (xrtRunHandle run, int index, ...))                                             \
  X(xrtRunStart, "xrtRunStart", int, (xrtRunHandle run))                                                               \
  X(xrtRunWait, "xrtRunWait", CommandState, (xrtRunHandle run))                                                        \
  X(xrtRunClose, "xrtRunClose", int, (xrtRunHandle run))

/// Every entry point of HET_XRT_SYMBOLS, all non-null once loaded.
struct XrtApi {
#define HET_XRT_MEMBER(member, symbol, result, parameters) result(*member) parameters = nullptr;
  HET_XRT_SYMBOLS(HET_XRT_MEMBER)
#undef HET_XRT_MEMBER
};

/// Opens libxrt_coreutil.so.2 (what the XRT runtime package installs), else libxrt_coreutil.so, and resolves
/// every entry point; counts the cards with xclProbe from XRT's PCIe shim libxrt_core.so.2. $HET_XRT_LIBRARY,
/// when set and not empty, names one library that provides all of them instead (a test and diagnostic hook, e.g.
/// a fake XRT). On failure returns false with `reason` saying what is missing. The libraries stay loaded for the
/// life of the process.
bool loadXrtApi(XrtApi &api, unsigned &outCards, std::string &reason);

} // namespace het::runtime::xrt

#endif // HET_RUNTIME_DRIVERS_XRT_XRTAPI_H
