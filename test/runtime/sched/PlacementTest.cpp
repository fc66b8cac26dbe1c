// Tests of placement and multi-device execution: HEFT over cpu partitions and fpga-sim, pins, kernels without a
// variant for a device, independent dispatches overlapping in time, and re-placement after a device fails.
#include "StatusTesting.h"
#include "TestModules.h"
#include "drivers/DriverTesting.h"

#include "drivers/cuda/CudaDevice.h"
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

  const std::string &deviceName(int dispatch) const { return pool_->device(placements_[dispatch].device).info().name; }

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

/// Runs of the branches module on a pool of its own whose device fails, injected by `faultSpec`.
class FaultTest : public PlacementTest {
protected:
  void SetUp() override {
    DeviceOptions options;
    options.cpuPartitions = 2; // as the suite's pool, so that its cached calibration serves
    options.cpuThreads = 2;
    faultyPool_ = std::make_unique<DevicePool>(createDevices(options), cacheDirectory_->string());
    load(test::buildBranchesModule(test::readKernelImages()));
  }

  std::size_t index(const std::string &name) const { return faultyPool_->find(name); }

  /// Creates the fault-tolerant executor and runs it on x = 0..31, y = 100..131.
  test::StatusResult run(const PlacementRequest &request, RunStatistics &statistics) {
    if (!executor_) {
      test::StatusResult created = take(Executor::create(*file_, *faultyPool_, request, executor_));
      if (created.code != HET_STATUS_OK)
        return created;
    }
    take(HostTensor::create(hetbin::FLOAT32, {4, 8}, x_));
    take(HostTensor::create(hetbin::FLOAT32, {4, 8}, y_));
    std::iota(static_cast<float *>(x_->data()), static_cast<float *>(x_->data()) + 32, 0.0f);
    std::iota(static_cast<float *>(y_->data()), static_cast<float *>(y_->data()) + 32, 100.0f);
    return take(executor_->run(std::vector<const HostTensor *>{x_.get(), y_.get()}, outputs_, &statistics));
  }

  void expectCorrectOutput() {
    ASSERT_EQ(outputs_.size(), 1u);
    const auto *out = static_cast<const float *>(outputs_[0]->data());
    for (int i = 0; i < 32; ++i)
      ASSERT_EQ(out[i], 2.0f * (static_cast<float>(i) + 100.0f + static_cast<float>(i))) << i;
  }

  std::unique_ptr<DevicePool> faultyPool_;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<HostTensor> x_, y_;
  std::vector<std::unique_ptr<HostTensor>> outputs_;
};

TEST_F(FaultTest, ReplacesTheWorkOfACardThatFailsMidRun) {
  HET_ASSERT_OK(faultyPool_->injectFault("fpga-sim:2", "test"));
  PlacementRequest request;
  request.device = index("fpga-sim");
  request.pins = {{"add", index("cpu:0")}};
  RunStatistics statistics;
  ASSERT_EQ(run(request, statistics).code, HET_STATUS_OK);
  expectCorrectOutput();
  ASSERT_EQ(statistics.faults.size(), 1u);
  const FaultEvent &fault = statistics.faults[0];
  EXPECT_EQ(fault.device, index("fpga-sim"));
  EXPECT_THAT(fault.dispatch, ::testing::AnyOf(0, 1)) << "the second launch on fpga-sim is a slow_add";
  EXPECT_THAT(fault.message, HasSubstr("injected fault at launch 2 of 'fpga-sim' (test=fpga-sim:2)"));
  // The other slow_add ran on fpga-sim, but its result was in the failed card's memory: it runs again.
  EXPECT_EQ(fault.replaced, (std::vector<int>{0, 1, 2}));
  for (int d : {0, 1}) {
    EXPECT_THAT(faultyPool_->device(statistics.dispatches[d].device).info().name, HasSubstr("cpu")) << d;
    EXPECT_EQ(statistics.dispatches[d].replacedFrom, index("fpga-sim")) << d;
  }
  EXPECT_EQ(statistics.dispatches[2].device, index("cpu:0")) << "the pin to a healthy device holds";
  EXPECT_EQ(statistics.dispatches[2].replacedFrom, kNoDevice);
  EXPECT_TRUE(faultyPool_->failed(index("fpga-sim")));

  // The next run starts from the new placement: nothing fails, nothing moves.
  RunStatistics next;
  ASSERT_EQ(run(request, next).code, HET_STATUS_OK);
  expectCorrectOutput();
  EXPECT_TRUE(next.faults.empty());
  for (const DispatchPlacement &placement : executor_->placements())
    EXPECT_NE(placement.device, index("fpga-sim"));
}

TEST_F(FaultTest, KeepsWhatAHostMemoryDeviceComputedBeforeItFailed) {
  HET_ASSERT_OK(faultyPool_->injectFault("cpu:0:2", "test"));
  PlacementRequest request;
  request.device = index("cpu:0");
  RunStatistics statistics;
  ASSERT_EQ(run(request, statistics).code, HET_STATUS_OK);
  expectCorrectOutput();
  ASSERT_EQ(statistics.faults.size(), 1u);
  // The slow_add that ran first keeps its result, which is in host memory; the other and add are placed again.
  const FaultEvent &fault = statistics.faults[0];
  int first = 1 - fault.dispatch;
  EXPECT_EQ(fault.replaced, (std::vector<int>{fault.dispatch, 2}));
  EXPECT_EQ(statistics.dispatches[first].device, index("cpu:0"));
  EXPECT_NE(statistics.dispatches[fault.dispatch].device, index("cpu:0"));
  EXPECT_EQ(statistics.dispatches[2].device, index("cpu:1")) << "add has only cpu variants: the other partition";
  EXPECT_EQ(statistics.launches, 4u) << "three dispatches and the launch that failed";
}

TEST_F(FaultTest, FailsTheRunWhenNoDeviceCanTakeTheWork) {
  // add runs only on cpu partitions: with both failed there is nowhere to go.
  HET_ASSERT_OK(faultyPool_->injectFault("cpu:0:1", "test"));
  faultyPool_->markFailed(index("cpu:1"), "broken for the test");
  PlacementRequest request;
  request.automatic = true;
  request.pins = {{"add", index("cpu:0")}, {"slow_add", index("cpu:0")}};
  RunStatistics statistics;
  test::StatusResult result = run(request, statistics);
  EXPECT_EQ(result.code, HET_STATUS_UNAVAILABLE);
  EXPECT_THAT(result.message, HasSubstr("device 'cpu:0' failed (injected fault at launch 1 of 'cpu:0'"));
  EXPECT_THAT(result.message, HasSubstr("cannot be placed on another device: kernel 'add' has no variant for any "
                                        "available, healthy device"));
  EXPECT_TRUE(outputs_.empty());
}

TEST_F(FaultTest, MovesWorkOffADeviceThatFailedInAnotherExecutorsRun) {
  PlacementRequest request;
  request.device = index("fpga-sim");
  request.pins = {{"add", index("cpu:0")}};
  std::unique_ptr<Executor> other;
  HET_ASSERT_OK(Executor::create(*file_, *faultyPool_, request, other));
  HET_ASSERT_OK(faultyPool_->injectFault("fpga-sim:1", "test"));
  RunStatistics statistics;
  ASSERT_EQ(run(request, statistics).code, HET_STATUS_OK);
  ASSERT_EQ(statistics.faults.size(), 1u);

  // The other executor was placed on fpga-sim before it failed: its run moves that work before it starts.
  std::vector<std::unique_ptr<HostTensor>> outputs;
  RunStatistics otherStatistics;
  HET_ASSERT_OK(other->run(std::vector<const HostTensor *>{x_.get(), y_.get()}, outputs, &otherStatistics));
  ASSERT_EQ(otherStatistics.faults.size(), 1u);
  EXPECT_EQ(otherStatistics.faults[0].dispatch, -1);
  EXPECT_EQ(otherStatistics.faults[0].replaced, (std::vector<int>{0, 1}));
  EXPECT_THAT(otherStatistics.faults[0].message, HasSubstr("injected fault at launch 1 of 'fpga-sim'"));
  EXPECT_EQ(otherStatistics.launches, 3u) << "no launch tried on the failed device";
  outputs_ = std::move(outputs);
  expectCorrectOutput();
}

TEST_F(FaultTest, RejectsAMalformedFaultInjection) {
  test::StatusResult noLaunch = take(faultyPool_->injectFault("fpga-sim", "HET_FAULT_INJECT"));
  EXPECT_EQ(noLaunch.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(noLaunch.message, HasSubstr("HET_FAULT_INJECT 'fpga-sim': expected DEVICE:N"));
  EXPECT_EQ(take(faultyPool_->injectFault("fpga-sim:0", "test")).code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(take(faultyPool_->injectFault("fpga-sim:3x", "test")).code, HET_STATUS_INVALID_ARGUMENT);
  test::StatusResult unknown = take(faultyPool_->injectFault("tpu:1", "test"));
  EXPECT_THAT(unknown.message, HasSubstr("unknown device 'tpu'; devices: cpu:0, cpu:1, fpga-sim"));
}

/// A pool of the cpu and a GPU over the fake libcuda whose calibration kernel takes no time, which cannot be timed,
/// so the GPU has no calibrated rates, and a
/// graph sum = add(x, y) (cpu, fpga-sim and PTX variants; 100 MFLOP), out = gpu_add(sum, y) (PTX only).
class UncalibratedDeviceTest : public ::testing::Test {
protected:
  void SetUp() override {
    test::FakeCuda::get().configure(8, 6, 1, std::size_t(1) << 30);
    test::FakeCuda::get().setCalibrationSpeed(0);
    std::vector<std::unique_ptr<Device>> devices = createDevices({});
    devices.resize(1);
    {
      test::ScopedEnvironment library("HET_CUDA_LIBRARY", HET_TEST_FAKE_CUDA_LIBRARY);
      devices.push_back(createCudaDevice({}));
    }
    ASSERT_EQ(devices[0]->info().name, "cpu");
    ASSERT_TRUE(devices[1]->info().available) << devices[1]->info().reason;
    pool_ = std::make_unique<DevicePool>(std::move(devices), "");

    test::KernelWithImages add = test::addKernelForEveryDriver();
    add.kernel.mutable_cost()->set_flops(100'000'000);
    test::KernelWithImages gpuAdd = add;
    gpuAdd.kernel.set_name("gpu_add");
    gpuAdd.kernel.clear_variants();
    gpuAdd.addPtxVariant("ptx-sm_75", "sm_75", hetbin::PTX_TEXT, test::kAddPtx);
    *manifest_.add_kernels() = add.kernel;
    *manifest_.add_kernels() = gpuAdd.kernel;
    for (const char *name : {"x", "y"}) {
      hetbin::Input &input = *manifest_.add_inputs();
      input.set_name(name);
      *input.mutable_type() = add.kernel.bindings(0).type();
    }
    for (std::uint32_t kernel : {0u, 1u}) {
      hetbin::Dispatch &dispatch = *manifest_.mutable_graph()->add_dispatches();
      dispatch.set_kernel(kernel);
      if (kernel == 0)
        dispatch.add_operands()->set_input(0);
      else
        dispatch.add_operands()->mutable_dispatch_result()->set_dispatch(0);
      dispatch.add_operands()->set_input(1);
      *dispatch.add_results() = add.kernel.bindings(2).type();
    }
  }

  std::unique_ptr<DevicePool> pool_;
  hetbin::Manifest manifest_;
  std::vector<DispatchPlacement> placements_;
};

TEST_F(UncalibratedDeviceTest, PlacesOnAGpuOfUnknownSpeedOnlyWhatNothingElseRuns) {
  PlacementRequest request;
  request.automatic = true;
  HET_ASSERT_OK(placeDispatches(manifest_, *pool_, request, placements_));
  EXPECT_EQ(pool_->capabilities(1).source, CalibrationSource::None);
  EXPECT_EQ(placements_[0].device, 0u) << "add stays on the calibrated cpu, not on a GPU the model cannot time";
  EXPECT_EQ(placements_[0].variant->format(), hetbin::ELF_SHARED_OBJECT);
  EXPECT_EQ(placements_[1].device, 1u) << "gpu_add runs nowhere else";
  EXPECT_EQ(placements_[1].variant->name(), "ptx-sm_75");
  EXPECT_GE(placements_[1].estimatedStartUs, placements_[0].estimatedFinishUs);
}

TEST_F(UncalibratedDeviceTest, StillTakesWhatIsPinnedThere) {
  HET_ASSERT_OK(
      placeDispatches(manifest_, *pool_, PlacementRequest{.automatic = true, .pins = {{"add", 1}}}, placements_));
  EXPECT_EQ(placements_[0].device, 1u);
  EXPECT_EQ(placements_[0].variant->name(), "ptx-sm_75");
  PlacementRequest gpuOnly;
  gpuOnly.device = 1;
  HET_ASSERT_OK(placeDispatches(manifest_, *pool_, gpuOnly, placements_));
  EXPECT_EQ(placements_[0].device, 1u);
  EXPECT_EQ(placements_[1].device, 1u);
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
