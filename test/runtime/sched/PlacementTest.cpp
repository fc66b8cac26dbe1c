// Tests of placement and multi-device execution: HEFT over cpu partitions and fpga-sim, pins, kernels without a
// variant for a device, and independent dispatches overlapping in time.
#include "StatusTesting.h"
#include "TestModules.h"

#include "sched/Executor.h"
#include "sched/Placement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>
#include <unistd.h>

namespace het::runtime {
namespace {

using test::take;
using ::testing::HasSubstr;

/// A pool of cpu:0, cpu:1 (one thread each), fpga-sim, cuda and xrt, calibrated once for the whole suite.
class PlacementTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    cacheDirectory_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                                ("het-placement-test-" + std::to_string(getpid())));
    DeviceOptions options;
    options.cpuPartitions = 2;
    options.cpuThreads = 2;
    pool_ = new DevicePool(createDevices(options), cacheDirectory_->string());
  }
  static void TearDownTestSuite() {
    delete pool_;
    std::filesystem::remove_all(*cacheDirectory_);
    delete cacheDirectory_;
  }

  void load(std::vector<std::byte> bytes) {
    bytes_ = std::move(bytes);
    std::string error;
    file_ = format::HetbinFile::parse(bytes_, error);
    ASSERT_TRUE(file_) << error;
  }

  test::StatusResult place(const PlacementRequest &request) {
    return take(placeDispatches(file_->manifest(), *pool_, request, placements_));
  }

  static PlacementRequest automatic(std::map<std::string, std::size_t> pins = {}) {
    PlacementRequest request;
    request.automatic = true;
    request.pins = std::move(pins);
    return request;
  }

  /// Runs the placed module on x = 0..31, y = 100..131 and checks out = 2 (x + y).
  void runAndCheck(RunStatistics &statistics) {
    std::vector<Device *> devices;
    for (std::size_t i = 0; i < pool_->size(); ++i)
      devices.push_back(&pool_->device(i));
    std::unique_ptr<Executor> executor;
    HET_ASSERT_OK(Executor::create(*file_, devices, placements_, executor));
    std::unique_ptr<HostTensor> x, y;
    HET_ASSERT_OK(HostTensor::create(hetbin::FLOAT32, {4, 8}, x));
    HET_ASSERT_OK(HostTensor::create(hetbin::FLOAT32, {4, 8}, y));
    std::iota(static_cast<float *>(x->data()), static_cast<float *>(x->data()) + 32, 0.0f);
    std::iota(static_cast<float *>(y->data()), static_cast<float *>(y->data()) + 32, 100.0f);
    std::vector<std::unique_ptr<HostTensor>> outputs;
    HET_ASSERT_OK(executor->run(std::vector<const HostTensor *>{x.get(), y.get()}, outputs, &statistics));
    const auto *out = static_cast<const float *>(outputs[0]->data());
    for (int i = 0; i < 32; ++i)
      ASSERT_EQ(out[i], 2.0f * (static_cast<float>(i) + 100.0f + static_cast<float>(i))) << i;
  }

  const std::string &deviceName(int dispatch) const {
    return pool_->device(placements_[dispatch].device).info().name;
  }

  static std::filesystem::path *cacheDirectory_;
  static DevicePool *pool_;
  std::vector<std::byte> bytes_;
  std::unique_ptr<format::HetbinFile> file_;
  std::vector<DispatchPlacement> placements_;
};

std::filesystem::path *PlacementTest::cacheDirectory_ = nullptr;
DevicePool *PlacementTest::pool_ = nullptr;

TEST_F(PlacementTest, SpreadsIndependentBranchesOverTwoDevicesThatOverlap) {
  load(test::buildBranchesModule(test::readKernelImages()));
  ASSERT_EQ(place(automatic()).code, HET_STATUS_OK);
  EXPECT_NE(placements_[0].device, placements_[1].device) << "the two slow_add branches go to different devices";
  // Which two devices depends on the calibrated rates (fpga-sim may win one branch); both start at once.
  EXPECT_LT(placements_[1].estimatedStartUs, placements_[0].estimatedFinishUs);
  EXPECT_LT(placements_[0].estimatedStartUs, placements_[1].estimatedFinishUs);
  EXPECT_THAT(deviceName(2), HasSubstr("cpu")) << "add has only a cpu variant";

  RunStatistics statistics;
  runAndCheck(statistics);
  ASSERT_EQ(statistics.dispatches.size(), 3u);
  const DispatchRecord &a = statistics.dispatches[0], &b = statistics.dispatches[1];
  EXPECT_LT(a.startMs, b.startMs + b.durationMs);
  EXPECT_LT(b.startMs, a.startMs + a.durationMs) << "the 20 ms branches ran at the same time";
  EXPECT_GE(statistics.dispatches[2].startMs, std::max(a.startMs + a.durationMs, b.startMs + b.durationMs));
}

TEST_F(PlacementTest, NeverPlacesAKernelOnADeviceWithoutItsVariant) {
  load(test::buildBranchesModule(test::readKernelImages()));
  // Without the second partition, the other branch's only other home is fpga-sim; add must still stay on cpu:0.
  ASSERT_EQ(place(automatic({{"slow_add", pool_->find("fpga-sim")}})).code, HET_STATUS_OK);
  EXPECT_EQ(deviceName(0), "fpga-sim");
  EXPECT_EQ(deviceName(1), "fpga-sim");
  EXPECT_EQ(deviceName(2), "cpu:0");
  RunStatistics statistics;
  runAndCheck(statistics);
  EXPECT_EQ(statistics.bytesToDevice, 2u * 128u) << "x and y go in once for both launches";
  EXPECT_EQ(statistics.bytesFromDevice, 2u * 128u) << "a and b back to the host for add";
  EXPECT_EQ(statistics.dispatches[2].bytesMoved, 2u * 128u);
}

TEST_F(PlacementTest, PinsOneKernelAndPlacesTheRest) {
  load(test::buildBranchesModule(test::readKernelImages()));
  ASSERT_EQ(place(automatic({{"add", pool_->find("cpu:1")}})).code, HET_STATUS_OK);
  EXPECT_EQ(deviceName(2), "cpu:1");
  RunStatistics statistics;
  runAndCheck(statistics);
}

TEST_F(PlacementTest, PutsEverythingOnOneDevice) {
  load(test::buildBranchesModule(test::readKernelImages()));
  PlacementRequest request;
  request.device = pool_->find("cpu:1");
  ASSERT_EQ(place(request).code, HET_STATUS_OK);
  for (int d = 0; d < 3; ++d)
    EXPECT_EQ(deviceName(d), "cpu:1");
  RunStatistics statistics;
  runAndCheck(statistics);
  const DispatchRecord &a = statistics.dispatches[0], &b = statistics.dispatches[1];
  EXPECT_TRUE(a.startMs >= b.startMs + b.durationMs || b.startMs >= a.startMs + a.durationMs)
      << "one device runs one dispatch at a time";
}

TEST_F(PlacementTest, RefusesAPinToADeviceWithoutAVariant) {
  load(test::buildBranchesModule(test::readKernelImages()));
  test::StatusResult result = place(automatic({{"add", pool_->find("fpga-sim")}}));
  EXPECT_EQ(result.code, HET_STATUS_UNSUPPORTED);
  EXPECT_THAT(result.message, HasSubstr("kernel 'add' has no variant for device 'fpga-sim'"));
}

TEST_F(PlacementTest, RefusesAPinOfAnUnknownKernel) {
  load(test::buildBranchesModule(test::readKernelImages()));
  test::StatusResult result = place(automatic({{"mul", 0}}));
  EXPECT_EQ(result.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(result.message, HasSubstr("pinned kernel 'mul' is not in the module; its kernels: slow_add, add"));
}

TEST(CostModelTest, ChargesTheLaunchFlopsAndBytes) {
  hetbin::Kernel kernel;
  kernel.mutable_cost()->set_flops(2'000'000);
  kernel.mutable_cost()->set_bytes_read(1'000'000);
  kernel.mutable_cost()->set_bytes_written(1'000'000);
  DeviceRates rates{.gflops = 2, .gbPerSecond = 1};
  // 5 us launch + 2e6 / 2e9 s = 1000 us + 2e6 / 1e9 s = 2000 us.
  EXPECT_DOUBLE_EQ(estimateComputeMicroseconds(kernel, rates), 3005);
  EXPECT_DOUBLE_EQ(estimateComputeMicroseconds(kernel, DeviceRates{}), 5) << "an uncalibrated device costs the launch";
}

} // namespace
} // namespace het::runtime
