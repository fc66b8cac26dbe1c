// Tests of the executor: host graphs run on the cpu and fpga-sim devices, signature checks and device errors.
#include "StatusTesting.h"
#include "TestModules.h"

#include "sched/Executor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <set>

namespace het::runtime {
namespace {

using test::take;
using ::testing::HasSubstr;

class ExecutorTest : public ::testing::Test {
protected:
  /// Parses `bytes` and prepares it for the device called `deviceName`.
  test::StatusResult prepare(std::vector<std::byte> bytes, const std::string &deviceName) {
    bytes_ = std::move(bytes);
    std::string error;
    file_ = format::HetbinFile::parse(bytes_, error);
    EXPECT_TRUE(file_) << error;
    for (auto &device : devices_)
      if (device->info().name == deviceName)
        return take(Executor::create(*file_, *device, executor_));
    ADD_FAILURE() << "no device " << deviceName;
    return {HET_STATUS_NOT_FOUND, ""};
  }

  static std::unique_ptr<HostTensor> tensor(hetbin::DType dtype, std::vector<std::int64_t> shape, float first = 0) {
    std::unique_ptr<HostTensor> tensor;
    EXPECT_EQ(take(HostTensor::create(dtype, std::move(shape), tensor)).code, HET_STATUS_OK);
    if (dtype == hetbin::FLOAT32) {
      auto *values = static_cast<float *>(tensor->data());
      std::iota(values, values + tensor->byteSize() / sizeof(float), first);
    }
    return tensor;
  }

  test::StatusResult run(std::vector<const HostTensor *> inputs, RunStatistics *statistics = nullptr) {
    return take(executor_->run(inputs, outputs_, statistics));
  }

  static const test::KernelImages &images() {
    static const test::KernelImages images = test::readKernelImages();
    return images;
  }

  std::vector<std::unique_ptr<Device>> devices_ = createDevices({});
  std::vector<std::byte> bytes_;
  std::unique_ptr<format::HetbinFile> file_;
  std::unique_ptr<Executor> executor_;
  std::vector<std::unique_ptr<HostTensor>> outputs_;
};

class TwoDispatchTest : public ExecutorTest, public ::testing::WithParamInterface<const char *> {};

TEST_P(TwoDispatchTest, RunsTheGraphAndReturnsEveryOutput) {
  test::StatusResult prepared = prepare(test::buildAddScaleModule(images()), GetParam());
  ASSERT_EQ(prepared.code, HET_STATUS_OK) << prepared.message;
  auto x = tensor(hetbin::FLOAT32, {4, 8}, 0), y = tensor(hetbin::FLOAT32, {4, 8}, 100);
  RunStatistics statistics;
  test::StatusResult result = run({x.get(), y.get()}, &statistics);
  ASSERT_EQ(result.code, HET_STATUS_OK) << result.message;
  ASSERT_EQ(outputs_.size(), 4u);

  const auto *xs = static_cast<const float *>(x->data()), *ys = static_cast<const float *>(y->data());
  const auto *out = static_cast<const float *>(outputs_[0]->data());
  const auto *sum = static_cast<const float *>(outputs_[1]->data());
  for (int i = 0; i < 32; ++i) {
    EXPECT_EQ(sum[i], xs[i] + ys[i]) << i;
    EXPECT_EQ(out[i], (xs[i] + ys[i]) * static_cast<float>(i % 8 + 1)) << i;
  }
  EXPECT_EQ(std::memcmp(outputs_[2]->data(), x->data(), x->byteSize()), 0);
  EXPECT_NE(outputs_[2]->data(), x->data()) << "an output that is an input is a copy";
  EXPECT_EQ(outputs_[3]->shape(), std::vector<std::int64_t>{8});
  EXPECT_EQ(static_cast<const float *>(outputs_[3]->data())[7], 8.0f);
  EXPECT_EQ(statistics.launches, 2u);

  if (std::string(GetParam()) == "cpu") {
    EXPECT_EQ(statistics.bytesToDevice, 0u) << "the cpu uses inputs and constants in place";
  } else {
    // A card's transfers: x, y and the constant in; the two dispatch results that are outputs back.
    EXPECT_EQ(statistics.bytesToDevice, 128u + 128u + 32u);
    EXPECT_EQ(statistics.bytesFromDevice, 128u + 128u);
  }

  // A prepared executor runs again with new inputs.
  auto z = tensor(hetbin::FLOAT32, {4, 8}, 7);
  ASSERT_EQ(run({z.get(), y.get()}).code, HET_STATUS_OK);
  EXPECT_EQ(static_cast<const float *>(outputs_[1]->data())[0], 107.0f);
}

TEST_P(TwoDispatchTest, FreesResultsAfterTheirLastReaderInHostMemory) {
  test::StatusResult prepared = prepare(test::buildChainModule(images()), GetParam());
  ASSERT_EQ(prepared.code, HET_STATUS_OK) << prepared.message;
  auto x = tensor(hetbin::FLOAT32, {4, 8}, 1);
  RunStatistics statistics;
  test::StatusResult result = run({x.get()}, &statistics);
  ASSERT_EQ(result.code, HET_STATUS_OK) << result.message;
  ASSERT_EQ(outputs_.size(), 1u);
  const auto *xs = static_cast<const float *>(x->data());
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(static_cast<const float *>(outputs_[0]->data())[i], 16 * xs[i]) << i;
  // Four results of 128 bytes: on the cpu at most a link's operand and result are held at once; a card keeps
  // what it computed until the run ends (a fault there reruns the work that lost its memory).
  EXPECT_EQ(statistics.peakResultBytes, std::string(GetParam()) == "cpu" ? 256u : 512u);
}

INSTANTIATE_TEST_SUITE_P(Devices, TwoDispatchTest, ::testing::Values("cpu", "fpga-sim"),
                         [](const auto &info) { return std::string(info.param) == "cpu" ? "cpu" : "fpga_sim"; });

TEST_F(ExecutorTest, RejectsTheWrongNumberOfInputs) {
  ASSERT_EQ(prepare(test::buildAddScaleModule(images()), "cpu").code, HET_STATUS_OK);
  auto x = tensor(hetbin::FLOAT32, {4, 8});
  test::StatusResult result = run({x.get()});
  EXPECT_EQ(result.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(result.message, HasSubstr("expected 2 input(s) (x: "));
  EXPECT_THAT(result.message, HasSubstr("got 1"));
  EXPECT_TRUE(outputs_.empty());
}

TEST_F(ExecutorTest, NamesTheExpectedShape) {
  ASSERT_EQ(prepare(test::buildAddScaleModule(images()), "cpu").code, HET_STATUS_OK);
  auto x = tensor(hetbin::FLOAT32, {4, 8}), y = tensor(hetbin::FLOAT32, {2, 8});
  test::StatusResult result = run({x.get(), y.get()});
  EXPECT_EQ(result.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(result.message, HasSubstr("input 'y': expected "));
  EXPECT_THAT(result.message, HasSubstr("[4x8], got "));
  EXPECT_THAT(result.message, HasSubstr("[2x8]"));
}

TEST_F(ExecutorTest, NamesTheExpectedDtype) {
  ASSERT_EQ(prepare(test::buildAddScaleModule(images()), "fpga-sim").code, HET_STATUS_OK);
  auto x = tensor(hetbin::INT32, {4, 8}), y = tensor(hetbin::FLOAT32, {4, 8});
  test::StatusResult result = run({x.get(), y.get()});
  EXPECT_EQ(result.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(result.message, HasSubstr("input 'x': expected " + format::describeTensorType(y->type()) + ", got " +
                                        format::describeTensorType(x->type())));
}

TEST_F(ExecutorTest, RefusesADeviceWithoutAVariant) {
  test::StatusResult result = prepare(test::buildCpuOnlyModule(images()), "fpga-sim");
  EXPECT_EQ(result.code, HET_STATUS_UNSUPPORTED);
  EXPECT_THAT(result.message, HasSubstr("kernel 'add' has no variant for device 'fpga-sim'"));
  EXPECT_THAT(result.message, HasSubstr("its variants: cpu-x86-64 ELF_SHARED_OBJECT"));
}

TEST_F(ExecutorTest, RefusesAnUnavailableDevice) {
  test::StatusResult result = prepare(test::buildCpuOnlyModule(images()), "cuda");
  EXPECT_EQ(result.code, HET_STATUS_UNAVAILABLE);
  EXPECT_THAT(result.message, HasSubstr("device 'cuda' is unavailable: "));
}

TEST_F(ExecutorTest, RunsTheWidestVariantTheCpuSupports) {
  ASSERT_EQ(prepare(test::buildFeatureLevelModule(images()), "cpu").code, HET_STATUS_OK);
  auto x = tensor(hetbin::FLOAT32, {4, 8}, 0), y = tensor(hetbin::FLOAT32, {4, 8}, 0);
  ASSERT_EQ(run({x.get(), y.get()}).code, HET_STATUS_OK);
  // Only the x86-64-v2 variant adds 1000.
  const auto *sum = static_cast<const float *>(outputs_[0]->data());
  EXPECT_EQ(sum[0], 1000.0f);
  EXPECT_EQ(sum[8 + 3], 1000.0f + 22.0f);
}

TEST_F(ExecutorTest, CopiesOutputsThatAreInputs) {
  ASSERT_EQ(prepare(test::buildIdentityModule(), "fpga-sim").code, HET_STATUS_OK);
  auto a = tensor(hetbin::INT64, {2, 3}), flags = tensor(hetbin::BOOL, {4});
  static_cast<std::int64_t *>(a->data())[5] = -42;
  static_cast<std::uint8_t *>(flags->data())[2] = 1;
  RunStatistics statistics;
  ASSERT_EQ(run({a.get(), flags.get()}, &statistics).code, HET_STATUS_OK);
  EXPECT_EQ(static_cast<const std::int64_t *>(outputs_[0]->data())[5], -42);
  EXPECT_EQ(static_cast<const std::uint8_t *>(outputs_[1]->data())[2], 1);
  EXPECT_EQ(statistics.launches, 0u);
  EXPECT_EQ(statistics.bytesToDevice, 0u) << "no dispatch reads them, so nothing goes to the device";
}

TEST(ExecutorThreadsTest, HonoursTheCpuThreadLimit) {
  DeviceOptions options;
  options.cpuThreads = 1;
  std::vector<std::unique_ptr<Device>> devices = createDevices(options);
  std::vector<std::byte> bytes = test::buildThreadIdsModule(test::readKernelImages());
  std::string error;
  auto file = format::HetbinFile::parse(bytes, error);
  ASSERT_TRUE(file) << error;
  std::unique_ptr<Executor> executor;
  ASSERT_EQ(take(Executor::create(*file, *devices[0], executor)).code, HET_STATUS_OK);
  std::vector<std::unique_ptr<HostTensor>> outputs;
  ASSERT_EQ(take(executor->run({}, outputs)).code, HET_STATUS_OK);
  const auto *ids = static_cast<const std::int64_t *>(outputs[0]->data());
  std::set<std::int64_t> threads(ids, ids + 64);
  EXPECT_EQ(threads.size(), 1u);
  EXPECT_EQ(threads.count(0), 0u) << "every tile ran";
  EXPECT_THAT(devices[0]->info().description, HasSubstr("1 thread"));
}

} // namespace
} // namespace het::runtime
