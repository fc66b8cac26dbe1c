// Tests of the drivers: one conformance suite run on every available device, then what is particular to each.
#include "StatusTesting.h"
#include "TestModules.h"

#include "drivers/Device.h"
#include "drivers/SharedObject.h"
#include "drivers/UnavailableDevice.h"
#include "drivers/cpu/FeatureLevel.h"
#include "het/format/HetbinReader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <iterator>
#include <numeric>

namespace het::runtime {
namespace {

using test::take;
using ::testing::HasSubstr;

/// A parsed module and the bytes it points into.
struct ParsedModule {
  std::vector<std::byte> bytes;
  std::unique_ptr<format::HetbinFile> file;
};

ParsedModule parse(std::vector<std::byte> bytes) {
  ParsedModule module{std::move(bytes), nullptr};
  std::string error;
  module.file = format::HetbinFile::parse(module.bytes, error);
  EXPECT_TRUE(module.file) << error;
  return module;
}

const test::KernelImages &images() {
  static const test::KernelImages images = test::readKernelImages();
  return images;
}

Device &deviceNamed(std::vector<std::unique_ptr<Device>> &devices, const std::string &name) {
  for (auto &device : devices)
    if (device->info().name == name)
      return *device;
  throw std::runtime_error("no device " + name);
}

std::vector<float> ramp(float first) {
  std::vector<float> values(32);
  std::iota(values.begin(), values.end(), first);
  return values;
}

class DeviceConformanceTest : public ::testing::TestWithParam<const char *> {
protected:
  std::vector<std::unique_ptr<Device>> devices = createDevices({});
  Device &device = deviceNamed(devices, GetParam());
};

TEST_P(DeviceConformanceTest, IsListedAsAvailable) {
  EXPECT_TRUE(device.info().available) << device.info().reason;
  EXPECT_TRUE(device.info().reason.empty());
  EXPECT_FALSE(device.info().description.empty());
}

TEST_P(DeviceConformanceTest, CopiesRoundTrip) {
  std::vector<std::uint8_t> source(1000);
  std::iota(source.begin(), source.end(), 0);
  std::unique_ptr<DeviceBuffer> buffer;
  HET_ASSERT_OK(device.allocate(source.size(), buffer));
  EXPECT_EQ(buffer->size(), source.size());
  EXPECT_EQ(&buffer->owner(), &device);
  HET_ASSERT_OK(device.copyToDevice(*buffer, source.data()));
  std::vector<std::uint8_t> back(source.size());
  HET_ASSERT_OK(device.copyFromDevice(*buffer, back.data()));
  EXPECT_EQ(back, source);
}

TEST_P(DeviceConformanceTest, AllocatesEmptyBuffers) {
  std::unique_ptr<DeviceBuffer> buffer;
  HET_ASSERT_OK(device.allocate(0, buffer));
  EXPECT_EQ(buffer->size(), 0u);
  HET_EXPECT_OK(device.copyToDevice(*buffer, nullptr));
}

TEST_P(DeviceConformanceTest, LoadsAndLaunchesAKernel) {
  ParsedModule module = parse(test::buildAddScaleModule(images()));
  const hetbin::Kernel &add = module.file->manifest().kernels(0);
  std::string reason;
  const hetbin::Variant *variant = device.selectVariant(add, reason);
  ASSERT_TRUE(variant) << reason;
  std::unique_ptr<LoadedKernel> kernel;
  HET_ASSERT_OK(device.loadKernel(add, *variant, module.file->sectionData(variant->image_section()), kernel));
  EXPECT_THAT(kernel->displayName(), HasSubstr("kernel 'add'"));

  std::vector<float> x = ramp(0), y = ramp(100), sum(32);
  std::unique_ptr<DeviceBuffer> buffers[3];
  for (auto &buffer : buffers)
    HET_ASSERT_OK(device.allocate(32 * sizeof(float), buffer));
  HET_ASSERT_OK(device.copyToDevice(*buffers[0], x.data()));
  HET_ASSERT_OK(device.copyToDevice(*buffers[1], y.data()));
  DeviceBuffer *arguments[] = {buffers[0].get(), buffers[1].get(), buffers[2].get()};
  HET_ASSERT_OK(device.launch(*kernel, arguments));
  HET_ASSERT_OK(device.synchronize());
  HET_ASSERT_OK(device.copyFromDevice(*buffers[2], sum.data()));
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(sum[i], x[i] + y[i]) << "element " << i;
}

TEST_P(DeviceConformanceTest, RejectsAKernelWithoutItsVariant) {
  hetbin::Kernel kernel;
  kernel.set_name("ptx_only");
  hetbin::Variant *variant = kernel.add_variants();
  variant->mutable_target()->set_kind(hetbin::PTX);
  variant->set_format(hetbin::PTX_TEXT);
  std::string reason;
  EXPECT_EQ(device.selectVariant(kernel, reason), nullptr);
  EXPECT_FALSE(reason.empty());
}

INSTANTIATE_TEST_SUITE_P(Drivers, DeviceConformanceTest, ::testing::Values("cpu", "fpga-sim"),
                         [](const auto &info) { return std::string(info.param) == "cpu" ? "cpu" : "fpga_sim"; });

// The loader finds loaded objects by path, and a memory file's path is a reused descriptor number: a second
// image must never come back as the first.
TEST(SharedObjectTest, KeepsDifferentImagesApart) {
  void *address = nullptr;
  std::unique_ptr<SharedObject> cpu, csim;
  HET_ASSERT_OK(SharedObject::loadEntryPoint(images().cpu, "cpu image", "het_test_add", cpu, address));
  HET_ASSERT_OK(SharedObject::loadEntryPoint(images().csim, "csim image", "het_test_add_csim", csim, address));
  EXPECT_EQ(take(cpu->lookup("het_test_add_csim", address)).code, HET_STATUS_NOT_FOUND);
  cpu.reset();
  csim.reset();
  HET_ASSERT_OK(SharedObject::loadEntryPoint(images().cpu, "cpu image", "het_test_add", cpu, address));
  cpu.reset();
  HET_ASSERT_OK(SharedObject::loadEntryPoint(images().csim, "csim image", "het_test_add_csim", csim, address));
}

TEST(SharedObjectTest, LoadsAfterAnImageThatCannotBeUnloaded) {
  std::ifstream file(HET_TEST_NODELETE_KERNEL, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto *begin = reinterpret_cast<const std::byte *>(bytes.data());
  std::vector<std::byte> nodelete(begin, begin + bytes.size());
  void *address = nullptr;
  for (int i = 0; i < 3; ++i) {
    std::unique_ptr<SharedObject> object;
    HET_ASSERT_OK(SharedObject::loadEntryPoint(nodelete, "nodelete image", "het_test_nodelete", object, address));
    object.reset();
    HET_ASSERT_OK(SharedObject::loadEntryPoint(images().cpu, "cpu image", "het_test_add", object, address));
  }
}

TEST(DeviceRegistryTest, ListsEveryDriverInOrder) {
  std::vector<std::unique_ptr<Device>> devices = createDevices({});
  std::vector<std::string> names;
  for (auto &device : devices)
    names.push_back(device->info().name);
  EXPECT_EQ(names, (std::vector<std::string>{"cpu", "fpga-sim", "cuda", "xrt"}));
  EXPECT_EQ(devices[2]->info().kind, HET_DEVICE_KIND_CUDA);
  EXPECT_EQ(devices[3]->info().kind, HET_DEVICE_KIND_XRT);
  // Launching on CUDA and XRT is not implemented yet, so they are unavailable whatever the machine has.
  for (int i : {2, 3}) {
    EXPECT_FALSE(devices[i]->info().available);
    EXPECT_FALSE(devices[i]->info().reason.empty());
  }
}

TEST(DeviceRegistryTest, SplitsTheCpuIntoPartitions) {
  DeviceOptions options;
  options.cpuPartitions = 3;
  options.cpuThreads = 4;
  std::vector<std::unique_ptr<Device>> devices = createDevices(options);
  ASSERT_EQ(devices.size(), 6u);
  std::vector<std::string> descriptions;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(devices[i]->info().name, "cpu:" + std::to_string(i));
    EXPECT_TRUE(devices[i]->sharesHostMemory());
    descriptions.push_back(devices[i]->info().description);
  }
  EXPECT_THAT(descriptions[0], ::testing::StartsWith("partition 0 of 3, "));
  EXPECT_THAT(descriptions[0], ::testing::EndsWith("using 2 threads")) << "4 threads: 2, 1, 1";
  EXPECT_THAT(descriptions[2], ::testing::EndsWith("using 1 thread"));
  EXPECT_EQ(devices[3]->info().name, "fpga-sim");

  options.cpuThreads = 1;
  for (auto &device : createDevices(options))
    if (device->info().kind == HET_DEVICE_KIND_CPU)
      EXPECT_THAT(device->info().description, ::testing::EndsWith("using 1 thread")) << "never fewer than one";
}

TEST(DeviceRegistryTest, RunsHostWorkOnTheDevicesThreads) {
  DeviceOptions options;
  options.cpuThreads = 1;
  std::vector<std::unique_ptr<Device>> devices = createDevices(options);
  for (int i : {0, 1}) {
    std::vector<int> seen(100, 0);
    HET_EXPECT_OK(devices[i]->runHostWork(100, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t j = begin; j < end; ++j)
        ++seen[j];
    }));
    EXPECT_EQ(seen, std::vector<int>(100, 1)) << devices[i]->info().name;
  }
  EXPECT_EQ(take(devices[2]->runHostWork(1, [](std::int64_t, std::int64_t) {})).code, HET_STATUS_UNSUPPORTED);
}

TEST(DeviceRegistryTest, SaysWhyCudaIsMissing) {
  void *libcuda = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (libcuda)
    GTEST_SKIP() << "this machine has libcuda.so.1";
  EXPECT_EQ(createDevices({})[2]->info().reason, "libcuda.so.1 not found: no NVIDIA driver");
}

TEST(UnavailableDeviceTest, RefusesEveryOperationWithTheReason) {
  DeviceInfo info;
  info.name = "cuda";
  info.kind = HET_DEVICE_KIND_CUDA;
  info.reason = "no driver here";
  std::unique_ptr<Device> device = createUnavailableDevice(info);
  std::unique_ptr<DeviceBuffer> buffer;
  test::StatusResult result = take(device->allocate(16, buffer));
  EXPECT_EQ(result.code, HET_STATUS_UNAVAILABLE);
  EXPECT_EQ(result.message, "device 'cuda' is unavailable: no driver here");
  EXPECT_EQ(take(device->synchronize()).code, HET_STATUS_UNAVAILABLE);
  std::string reason;
  EXPECT_EQ(device->selectVariant(hetbin::Kernel(), reason), nullptr);
  EXPECT_THAT(reason, HasSubstr("no driver here"));
}

TEST(CpuFeatureLevelTest, NamesAndParsesLevels) {
  EXPECT_EQ(cpu::parseFeatureLevel("x86-64"), 1);
  EXPECT_EQ(cpu::parseFeatureLevel("x86-64-v4"), 4);
  EXPECT_EQ(cpu::parseFeatureLevel("x86-64-v5"), std::nullopt);
  EXPECT_EQ(cpu::parseFeatureLevel(""), std::nullopt);
  for (int level = 1; level <= 4; ++level)
    EXPECT_EQ(cpu::parseFeatureLevel(cpu::featureLevelName(level)), level);
}

TEST(CpuFeatureLevelTest, SeesTheHostLevel) {
#if defined(__x86_64__)
  int level = cpu::hostFeatureLevel();
  // Every x86-64 CPU this project builds on has SSE4.2 and POPCNT.
  EXPECT_GE(level, 2);
  EXPECT_LE(level, 4);
  EXPECT_EQ(level >= 3, __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"));
  EXPECT_EQ(level == 4, static_cast<bool>(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                                          __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                                          __builtin_cpu_supports("avx512cd")));
#else
  EXPECT_EQ(cpu::hostFeatureLevel(), 0);
#endif
}

TEST(CpuDeviceTest, PicksTheHighestLevelTheCpuRuns) {
  std::vector<std::unique_ptr<Device>> devices = createDevices({});
  ParsedModule module = parse(test::buildFeatureLevelModule(images()));
  std::string reason;
  const hetbin::Variant *variant = devices[0]->selectVariant(module.file->manifest().kernels(0), reason);
  ASSERT_TRUE(variant) << reason;
  EXPECT_EQ(variant->target().cpu_feature_level(), "x86-64-v2");
}

TEST(CpuDeviceTest, ExplainsWhenEveryVariantNeedsANewerCpu) {
  std::vector<std::unique_ptr<Device>> devices = createDevices({});
  hetbin::Kernel kernel;
  kernel.set_name("future");
  hetbin::Variant *variant = kernel.add_variants();
  variant->mutable_target()->set_kind(hetbin::CPU);
  variant->mutable_target()->set_cpu_feature_level("x86-64-v9");
  variant->set_format(hetbin::ELF_SHARED_OBJECT);
  std::string reason;
  EXPECT_EQ(devices[0]->selectVariant(kernel, reason), nullptr);
  EXPECT_THAT(reason, HasSubstr("x86-64-v9"));
}

TEST(CpuDeviceTest, UsesHostMemoryInPlace) {
  std::vector<std::unique_ptr<Device>> devices = createDevices({});
  Device &cpu = *devices[0];
  EXPECT_TRUE(cpu.sharesHostMemory());
  float data[4] = {1, 2, 3, 4};
  std::unique_ptr<DeviceBuffer> buffer;
  HET_ASSERT_OK(cpu.wrapHostMemory(data, sizeof data, buffer));
  float back[4] = {};
  HET_ASSERT_OK(cpu.copyFromDevice(*buffer, back));
  EXPECT_EQ(std::memcmp(back, data, sizeof data), 0);
}

TEST(CpuDeviceTest, NamesTheKernelWhenItsImageDoesNotLoad) {
  std::vector<std::unique_ptr<Device>> devices = createDevices({});
  ParsedModule module = parse(test::buildBrokenImageModule());
  const hetbin::Kernel &kernel = module.file->manifest().kernels(0);
  std::unique_ptr<LoadedKernel> loaded;
  test::StatusResult result = take(devices[0]->loadKernel(
      kernel, kernel.variants(0), module.file->sectionData(kernel.variants(0).image_section()), loaded));
  EXPECT_EQ(result.code, HET_STATUS_INVALID_FORMAT);
  EXPECT_THAT(result.message, HasSubstr("kernel 'add' (cpu variant 'cpu-x86-64'): cannot load its image"));
}

TEST(CpuDeviceTest, NamesAMissingEntryPoint) {
  std::vector<std::unique_ptr<Device>> devices = createDevices({});
  ParsedModule module = parse(test::buildMissingEntryModule(images()));
  const hetbin::Kernel &kernel = module.file->manifest().kernels(0);
  std::unique_ptr<LoadedKernel> loaded;
  test::StatusResult result = take(devices[0]->loadKernel(
      kernel, kernel.variants(0), module.file->sectionData(kernel.variants(0).image_section()), loaded));
  EXPECT_EQ(result.code, HET_STATUS_NOT_FOUND);
  EXPECT_THAT(result.message, HasSubstr("kernel 'add'"));
  EXPECT_THAT(result.message, HasSubstr("entry point 'het_test_missing' is not exported"));
}

TEST(FpgaSimDeviceTest, KeepsItsOwnMemory) {
  std::vector<std::unique_ptr<Device>> devices = createDevices({});
  Device &fpga = *devices[1];
  EXPECT_FALSE(fpga.sharesHostMemory());
  float data[4] = {};
  std::unique_ptr<DeviceBuffer> buffer;
  EXPECT_EQ(take(fpga.wrapHostMemory(data, sizeof data, buffer)).code, HET_STATUS_UNSUPPORTED);
}

TEST(FpgaSimDeviceTest, IgnoresNonSimulationHlsVariants) {
  std::vector<std::unique_ptr<Device>> devices = createDevices({});
  hetbin::Kernel kernel;
  kernel.set_name("hls_source_only");
  hetbin::Variant *variant = kernel.add_variants();
  variant->mutable_target()->set_kind(hetbin::HLS);
  variant->set_format(hetbin::HLS_CPP);
  std::string reason;
  EXPECT_EQ(devices[1]->selectVariant(kernel, reason), nullptr);
  EXPECT_THAT(reason, HasSubstr("HLS_CSIM_SHARED_OBJECT"));
}

} // namespace
} // namespace het::runtime
