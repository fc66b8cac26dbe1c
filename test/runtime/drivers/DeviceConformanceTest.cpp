// The driver conformance suite: the device interface's contract, run on every driver, skipped with the reason
// where this machine lacks the device. "cuda_on_fake_libcuda" and "xrt_on_fake_xrt" run the cuda and xrt
// drivers over fake vendor libraries (fake_cuda/, fake_xrt/), so their logic is checked on machines without a GPU
// or card; they say nothing about real hardware.
#include "DriverTesting.h"
#include "StatusTesting.h"

#include <gmock/gmock.h>

namespace het::runtime {
namespace {

using test::take;
using ::testing::HasSubstr;

/// The fake vendor library a case runs its driver over, if any.
enum class Fake { None, Cuda, Xrt };

struct DriverCase {
  const char *testName;
  const char *deviceName;
  het_device_kind_t kind;
  Fake fake;
};

class DeviceConformanceTest : public ::testing::TestWithParam<DriverCase> {
protected:
  void SetUp() override {
    if (GetParam().fake == Fake::Cuda) {
      test::FakeCuda::get().configure(8, 0, 1, std::size_t(1) << 30);
      test::ScopedEnvironment library("HET_CUDA_LIBRARY", HET_TEST_FAKE_CUDA_LIBRARY);
      devices = createDevices({});
    } else if (GetParam().fake == Fake::Xrt) {
      test::FakeXrt::get().configure(1);
      test::ScopedEnvironment library("HET_XRT_LIBRARY", HET_TEST_FAKE_XRT_LIBRARY);
      devices = createDevices({});
      add.addXclbinVariant("xclbin", "het_test_add", test::fakeXclbin("conformance-0001", "het_test_add:0,0,0;"));
    } else {
      devices = createDevices({});
    }
    device = &test::deviceNamed(devices, GetParam().deviceName);
    if (!device->info().available)
      GTEST_SKIP() << "device '" << GetParam().deviceName << "' is unavailable here: " << device->info().reason;
    if (GetParam().kind == HET_DEVICE_KIND_XRT && GetParam().fake == Fake::None)
      noTestKernel = "there is no xclbin of the test kernel for a real card (building one needs Vitis v++)";
  }

  /// Loads the variant of the add kernel this device selects.
  void loadAdd(std::unique_ptr<LoadedKernel> &outKernel) {
    std::string reason;
    const hetbin::Variant *variant = device->selectVariant(add.kernel, reason);
    ASSERT_TRUE(variant) << reason;
    HET_ASSERT_OK(device->loadKernel(add.kernel, *variant, add.imageOf(*variant), outKernel));
  }

  /// Allocates x, y and sum, copies x and y in, and launches `kernel` on them.
  void launchAdd(LoadedKernel &kernel, std::unique_ptr<DeviceBuffer> (&buffers)[3]) {
    for (auto &buffer : buffers)
      HET_ASSERT_OK(device->allocate(32 * sizeof(float), buffer));
    HET_ASSERT_OK(device->copyToDevice(*buffers[0], x.data()));
    HET_ASSERT_OK(device->copyToDevice(*buffers[1], y.data()));
    DeviceBuffer *arguments[] = {buffers[0].get(), buffers[1].get(), buffers[2].get()};
    HET_ASSERT_OK(device->launch(kernel, arguments));
  }

  void expectSum(const DeviceBuffer &sumBuffer) {
    std::vector<float> sum(32);
    HET_ASSERT_OK(device->copyFromDevice(sumBuffer, sum.data()));
    for (int i = 0; i < 32; ++i)
      EXPECT_EQ(sum[i], x[i] + y[i]) << "element " << i;
  }

  std::vector<std::unique_ptr<Device>> devices;
  Device *device = nullptr;
  test::KernelWithImages add = test::addKernelForEveryDriver();
  std::vector<float> x = test::ramp(0), y = test::ramp(100);
  std::string noTestKernel; ///< why the kernel tests cannot run on this device; empty when they can
};

TEST_P(DeviceConformanceTest, IsEnumeratedWithItsKind) {
  EXPECT_EQ(device->info().kind, GetParam().kind);
  EXPECT_EQ(device->info().name, GetParam().deviceName);
}

TEST_P(DeviceConformanceTest, DescribesItsCapabilities) {
  const DeviceInfo &info = device->info();
  EXPECT_TRUE(info.reason.empty()) << info.reason;
  EXPECT_FALSE(info.description.empty());
  EXPECT_FALSE(info.variantFormats.empty());
}

TEST_P(DeviceConformanceTest, CopiesRoundTrip) {
  std::vector<std::uint8_t> source(1000);
  std::iota(source.begin(), source.end(), 0);
  std::unique_ptr<DeviceBuffer> buffer;
  HET_ASSERT_OK(device->allocate(source.size(), buffer));
  EXPECT_EQ(buffer->size(), source.size());
  EXPECT_EQ(&buffer->owner(), device);
  HET_ASSERT_OK(device->copyToDevice(*buffer, source.data()));
  std::vector<std::uint8_t> back(source.size());
  HET_ASSERT_OK(device->copyFromDevice(*buffer, back.data()));
  EXPECT_EQ(back, source);
}

TEST_P(DeviceConformanceTest, AllocatesEmptyBuffers) {
  std::unique_ptr<DeviceBuffer> buffer;
  HET_ASSERT_OK(device->allocate(0, buffer));
  EXPECT_EQ(buffer->size(), 0u);
  HET_EXPECT_OK(device->copyToDevice(*buffer, nullptr));
  HET_EXPECT_OK(device->copyFromDevice(*buffer, nullptr));
}

TEST_P(DeviceConformanceTest, LoadsAndLaunchesAKernel) {
  if (!noTestKernel.empty())
    GTEST_SKIP() << noTestKernel;
  std::unique_ptr<LoadedKernel> kernel;
  ASSERT_NO_FATAL_FAILURE(loadAdd(kernel));
  EXPECT_THAT(kernel->displayName(), HasSubstr("kernel 'add'"));
  std::unique_ptr<DeviceBuffer> buffers[3];
  ASSERT_NO_FATAL_FAILURE(launchAdd(*kernel, buffers));
  HET_ASSERT_OK(device->synchronize());
  expectSum(*buffers[2]);
}

TEST_P(DeviceConformanceTest, LaunchesAgainOnNewBuffers) {
  if (!noTestKernel.empty())
    GTEST_SKIP() << noTestKernel;
  std::unique_ptr<LoadedKernel> kernel;
  ASSERT_NO_FATAL_FAILURE(loadAdd(kernel));
  for (int round = 0; round < 2; ++round) {
    x = test::ramp(static_cast<float>(round * 1000));
    std::unique_ptr<DeviceBuffer> buffers[3];
    ASSERT_NO_FATAL_FAILURE(launchAdd(*kernel, buffers));
    HET_ASSERT_OK(device->synchronize());
    expectSum(*buffers[2]);
  }
}

TEST_P(DeviceConformanceTest, TimesALaunchWithEvents) {
  if (!noTestKernel.empty())
    GTEST_SKIP() << noTestKernel;
  std::unique_ptr<LoadedKernel> kernel;
  ASSERT_NO_FATAL_FAILURE(loadAdd(kernel));
  std::unique_ptr<DeviceEvent> start, end;
  HET_ASSERT_OK(device->recordEvent(start));
  std::unique_ptr<DeviceBuffer> buffers[3];
  ASSERT_NO_FATAL_FAILURE(launchAdd(*kernel, buffers));
  HET_ASSERT_OK(device->recordEvent(end));
  HET_ASSERT_OK(device->waitForEvent(*end));
  double milliseconds = -1;
  HET_ASSERT_OK(device->elapsedMilliseconds(*start, *end, milliseconds));
  EXPECT_GE(milliseconds, 0.0);
  EXPECT_LT(milliseconds, 60'000.0);
  expectSum(*buffers[2]);
}

TEST_P(DeviceConformanceTest, RejectsAKernelWithoutItsVariant) {
  hetbin::Kernel kernel;
  kernel.set_name("future_cpu_only");
  hetbin::Variant *variant = kernel.add_variants();
  variant->mutable_target()->set_kind(hetbin::CPU);
  variant->mutable_target()->set_cpu_feature_level("x86-64-v99");
  variant->set_format(hetbin::ELF_SHARED_OBJECT);
  std::string reason;
  EXPECT_EQ(device->selectVariant(kernel, reason), nullptr);
  EXPECT_FALSE(reason.empty());
}

INSTANTIATE_TEST_SUITE_P(Drivers, DeviceConformanceTest,
                         ::testing::Values(DriverCase{"cpu", "cpu", HET_DEVICE_KIND_CPU, Fake::None},
                                           DriverCase{"fpga_sim", "fpga-sim", HET_DEVICE_KIND_FPGA_SIM, Fake::None},
                                           DriverCase{"cuda", "cuda", HET_DEVICE_KIND_CUDA, Fake::None},
                                           DriverCase{"xrt", "xrt", HET_DEVICE_KIND_XRT, Fake::None},
                                           DriverCase{"cuda_on_fake_libcuda", "cuda", HET_DEVICE_KIND_CUDA, Fake::Cuda},
                                           DriverCase{"xrt_on_fake_xrt", "xrt", HET_DEVICE_KIND_XRT, Fake::Xrt}),
                         [](const auto &info) { return std::string(info.param.testName); });

} // namespace
} // namespace het::runtime
