// The one place that lists the drivers: every device the runtime knows, in the order users see them.
#include "drivers/Device.h"

#include "drivers/cpu/CpuDevice.h"
#include "drivers/cuda/CudaDevice.h"
#include "drivers/fpga_sim/FpgaSimDevice.h"
#include "drivers/xrt/XrtDevice.h"

namespace het::runtime {

std::vector<std::unique_ptr<Device>> createDevices(const DeviceOptions &options) {
  std::vector<std::unique_ptr<Device>> devices;
  for (std::unique_ptr<Device> &cpu : createCpuDevices(options))
    devices.push_back(std::move(cpu));
  devices.push_back(createFpgaSimDevice(options));
  devices.push_back(createCudaDevice(options));
  devices.push_back(createXrtDevice(options));
  return devices;
}

} // namespace het::runtime
