// Tests of what is particular to the cpu and fpga-sim drivers, the registry and kernel image loading; the suite
// every driver passes is DeviceConformanceTest.cpp, the cuda driver's own logic CudaDeviceTest.cpp.
#include "DriverTesting.h"
#include "StatusTesting.h"

#include "drivers/SharedObject.h"
#include "drivers/UnavailableDevice.h"
#include "drivers/cpu/FeatureLevel.h"

#include <gmock/gmock.h>

#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <iterator>

namespace het::runtime {
namespace {

using test::images;
using test::parse;
using test::ParsedModule;
using test::take;
using ::testing::HasSubstr;

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
  // Whether a GPU or card is here depends on the machine; an unavailable device always says why.
  for (int i : {2, 3})
    EXPECT_EQ(devices[i]->info().available, devices[i]->info().reason.empty()) << devices[i]->info().reason;
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
