// The one place that lists the drivers: every device the runtime knows, in the order users see them.
#include "drivers/Device.h"

#include "drivers/UnavailableDevice.h"
#include "drivers/cpu/CpuDevice.h"
#include "drivers/cuda/CudaProbe.h"
#include "drivers/fpga_sim/FpgaSimDevice.h"
#include "drivers/xrt/XrtProbe.h"

namespace het::runtime {

std::vector<std::unique_ptr<Device>> createDevices(const DeviceOptions &options) {
  std::vector<std::unique_ptr<Device>> devices;
  for (std::unique_ptr<Device> &cpu : createCpuDevices(options))
    devices.push_back(std::move(cpu));
  devices.push_back(createFpgaSimDevice(options));
  devices.push_back(createUnavailableDevice(probeCudaDevice()));
  devices.push_back(createUnavailableDevice(probeXrtDevice()));
  return devices;
}

} // namespace het::runtime
