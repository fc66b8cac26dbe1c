// Tests of the computing-force pool: capability descriptors, calibration, and reuse of the calibration cache.
#include "pool/DevicePool.h"

#include "drivers/DriverTesting.h"
#include "drivers/cuda/CudaDevice.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace het::runtime {
namespace {

using ::testing::HasSubstr;

/// A fresh calibration cache directory per test, removed afterwards.
/// The cuda device over the fake libcuda (one sm_86 GPU), whose calibration kernel runs as fast as a GPU of
/// `calibrationGflops` (0: in no time at all).
std::vector<std::unique_ptr<Device>> fakeGpu(double calibrationGflops) {
  test::FakeCuda::get().configure(8, 6, 1, std::size_t(1) << 30);
  test::FakeCuda::get().setCalibrationSpeed(calibrationGflops);
  test::ScopedEnvironment library("HET_CUDA_LIBRARY", HET_TEST_FAKE_CUDA_LIBRARY);
  std::vector<std::unique_ptr<Device>> gpu;
  gpu.push_back(createCudaDevice({}));
  return gpu;
}

class DevicePoolTest : public ::testing::Test {
protected:
  void SetUp() override {
    directory_ =
        std::filesystem::temp_directory_path() / ("het-pool-test-" + std::to_string(getpid()) + "-" +
                                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  static std::vector<std::unique_ptr<Device>> devices() {
    DeviceOptions options;
    options.cpuPartitions = 2;
    return createDevices(options);
  }

  std::filesystem::path directory_;
};

TEST_F(DevicePoolTest, DescribesEveryDevice) {
  DevicePool pool(devices(), directory_.string());
  ASSERT_EQ(pool.size(), 5u);
  EXPECT_EQ(pool.device(0).info().name, "cpu:0");
  EXPECT_EQ(pool.find("cpu:1"), 1u);
  EXPECT_EQ(pool.find("fpga-sim"), 2u);
  EXPECT_EQ(pool.find("tpu"), pool.size());
  EXPECT_EQ(pool.device(0).info().variantFormats, std::vector<std::string>{"CPU/ELF_SHARED_OBJECT"});
  EXPECT_EQ(pool.device(2).info().variantFormats, std::vector<std::string>{"HLS/HLS_CSIM_SHARED_OBJECT"});
  EXPECT_EQ(pool.device(3).info().variantFormats, (std::vector<std::string>{"PTX/PTX_TEXT", "PTX/CUBIN"}));
  EXPECT_GT(pool.device(0).info().memoryBytes, 0u);
  EXPECT_THAT(pool.device(0).info().architecture, HasSubstr("x86-64"));
}

TEST_F(DevicePoolTest, CalibratesOnFirstUseAndReusesTheCache) {
  std::uint64_t fileCount = 0;
  std::filesystem::file_time_type written;
  {
    DevicePool pool(devices(), directory_.string());
    EXPECT_EQ(pool.measuredCount(), 0u) << "nothing is measured before it is asked for";
    auto started = std::chrono::steady_clock::now();
    const DeviceCapabilities &cpu = pool.capabilities(0);
    const DeviceCapabilities &fpga = pool.capabilities(2);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(cpu.source, CalibrationSource::Measured);
    EXPECT_GT(cpu.rates.gflops, 0);
    EXPECT_GT(cpu.rates.gbPerSecond, 0);
    EXPECT_EQ(fpga.source, CalibrationSource::Measured);
    EXPECT_GT(fpga.rates.gflops, 0);
    EXPECT_LT(seconds, 1.0) << "calibration is short (about 50 ms a device; generous for a loaded machine)";
    EXPECT_EQ(&pool.capabilities(0), &cpu) << "measured once per pool";
    EXPECT_EQ(pool.measuredCount(), 2u);
    for (const auto &entry : std::filesystem::directory_iterator(directory_)) {
      ++fileCount;
      written = std::max(written, entry.last_write_time());
    }
    EXPECT_EQ(fileCount, 2u);
  }
  DevicePool again(devices(), directory_.string());
  EXPECT_EQ(again.capabilities(0).source, CalibrationSource::Cached);
  EXPECT_EQ(again.capabilities(2).source, CalibrationSource::Cached);
  EXPECT_EQ(again.measuredCount(), 0u);
  std::uint64_t filesAfter = 0;
  for (const auto &entry : std::filesystem::directory_iterator(directory_)) {
    ++filesAfter;
    EXPECT_LE(entry.last_write_time(), written) << "a cache hit writes nothing";
  }
  EXPECT_EQ(filesAfter, fileCount);
}

TEST_F(DevicePoolTest, AnotherPartitioningIsAnotherCalibration) {
  DevicePool two(devices(), directory_.string());
  EXPECT_EQ(two.capabilities(0).source, CalibrationSource::Measured);
  DevicePool one(createDevices({}), directory_.string());
  EXPECT_EQ(one.capabilities(0).source, CalibrationSource::Measured) << "cpu is not cpu:0 of two";
}

TEST_F(DevicePoolTest, IgnoresACorruptCacheEntry) {
  {
    DevicePool pool(devices(), directory_.string());
    pool.capabilities(0);
  }
  for (const auto &entry : std::filesystem::directory_iterator(directory_))
    std::filesystem::resize_file(entry.path(), 20);
  DevicePool pool(devices(), directory_.string());
  EXPECT_EQ(pool.capabilities(0).source, CalibrationSource::Measured);
}

TEST_F(DevicePoolTest, DoesNotCalibrateAnUnavailableDevice) {
  DevicePool pool(devices(), directory_.string());
  std::size_t cuda = pool.find("cuda");
  if (pool.device(cuda).info().available)
    GTEST_SKIP() << "this machine has a usable cuda device";
  const DeviceCapabilities &capabilities = pool.capabilities(cuda);
  EXPECT_EQ(capabilities.source, CalibrationSource::None);
  EXPECT_EQ(capabilities.rates.gflops, 0);
  EXPECT_THAT(capabilities.reason, HasSubstr("unavailable"));
  EXPECT_EQ(pool.measuredCount(), 0u);
}

TEST_F(DevicePoolTest, CalibratesAGpuWithItsOwnKernelAndCachesIt) {
  for (CalibrationSource expected : {CalibrationSource::Measured, CalibrationSource::Cached}) {
    std::vector<std::unique_ptr<Device>> gpu = fakeGpu(FAKE_CUDA_CALIBRATION_GFLOPS);
    ASSERT_TRUE(gpu[0]->info().available) << gpu[0]->info().reason;
    DevicePool pool(std::move(gpu), directory_.string());
    const DeviceCapabilities &capabilities = pool.capabilities(0);
    EXPECT_EQ(capabilities.source, expected) << capabilities.reason;
    EXPECT_GT(capabilities.rates.gflops, 0.3 * FAKE_CUDA_CALIBRATION_GFLOPS);
    EXPECT_LT(capabilities.rates.gflops, 1.05 * FAKE_CUDA_CALIBRATION_GFLOPS);
    EXPECT_EQ(pool.measuredCount(), expected == CalibrationSource::Measured ? 1u : 0u);
    EXPECT_EQ(std::string(test::FakeCuda::get().log()).find("het_calibration_fma") != std::string::npos,
              expected == CalibrationSource::Measured)
        << "the cached rates are used without running the kernel again";
  }
}

TEST_F(DevicePoolTest, LeavesAGpuItCannotTimeUncalibrated) {
  std::vector<std::unique_ptr<Device>> gpu = fakeGpu(/*calibrationGflops=*/0);
  ASSERT_TRUE(gpu[0]->info().available) << gpu[0]->info().reason;
  DevicePool pool(std::move(gpu), directory_.string());
  const DeviceCapabilities &capabilities = pool.capabilities(0);
  EXPECT_EQ(capabilities.source, CalibrationSource::None) << "no rates to report, not zero-cost ones";
  EXPECT_EQ(capabilities.rates.gflops, 0);
  EXPECT_EQ(capabilities.rates.gbPerSecond, 0);
  EXPECT_THAT(capabilities.reason, HasSubstr("not calibrated: the calibration ran 2147483648 units of work in under"));
  EXPECT_THAT(capabilities.reason, HasSubstr("too fast to time"));
  EXPECT_EQ(pool.measuredCount(), 0u);
  EXPECT_FALSE(std::filesystem::exists(directory_)) << "nothing is cached for it";
}

TEST_F(DevicePoolTest, WorksWithoutACacheDirectory) {
  DevicePool pool(devices(), "");
  EXPECT_EQ(pool.capabilities(0).source, CalibrationSource::Measured);
}

} // namespace
} // namespace het::runtime
