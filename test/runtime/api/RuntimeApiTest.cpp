// Tests of the runtime's C API (and its C++ wrapper) as users see it: devices, tensors, running modules, and a
// status, never a crash, for every bad argument.
#include "StatusTesting.h"

#include "het/het.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <dlfcn.h>
#include <numeric>
#include <set>
#include <thread>
#include <unistd.h>

namespace {

using het::test::take;
using ::testing::HasSubstr;

std::string modulePath(const char *name) { return std::string(HET_TEST_MODULE_DIR) + "/" + name; }

class RuntimeApiTest : public ::testing::Test {
protected:
  void SetUp() override { HET_ASSERT_OK(het_runtime_create(&runtime)); }
  void TearDown() override {
    for (het_tensor_t *tensor : tensors)
      het_tensor_release(tensor);
    het_module_release(module);
    het_runtime_release(runtime);
  }

  void load(const char *name) { HET_ASSERT_OK(het_module_load_file(modulePath(name).c_str(), &module)); }

  het_tensor_t *floatTensor(std::vector<int64_t> shape, float first) {
    std::vector<float> values(32);
    std::iota(values.begin(), values.end(), first);
    het_tensor_t *tensor = nullptr;
    EXPECT_EQ(take(het_tensor_create(HET_DTYPE_FLOAT32, shape.size(), shape.data(), values.data(), &tensor)).code,
              HET_STATUS_OK);
    tensors.push_back(tensor);
    return tensor;
  }

  /// Runs the loaded module on `device`; the outputs land in `outputs`.
  het::test::StatusResult invoke(const char *device, std::vector<het_tensor_t *> inputs) {
    outputs.assign(het_module_output_count(module), nullptr);
    het::test::StatusResult result =
        take(het_module_invoke(runtime, module, device, inputs.data(), inputs.size(), outputs.data(), outputs.size()));
    for (het_tensor_t *output : outputs)
      tensors.push_back(output);
    return result;
  }

  het_runtime_t *runtime = nullptr;
  het_module_t *module = nullptr;
  std::vector<het_tensor_t *> tensors;
  std::vector<het_tensor_t *> outputs;
};

TEST_F(RuntimeApiTest, ListsTheDevices) {
  ASSERT_EQ(het_runtime_device_count(runtime), 4u);
  std::vector<std::string> names;
  for (size_t i = 0; i < 4; ++i) {
    het_device_info_t info;
    HET_ASSERT_OK(het_runtime_device_info(runtime, i, &info));
    names.push_back(info.name);
    EXPECT_EQ(info.available != 0, std::strlen(info.reason) == 0) << info.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"cpu", "fpga-sim", "cuda", "xrt"}));
  het_device_info_t info;
  EXPECT_EQ(take(het_runtime_device_info(runtime, 4, &info)).code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(take(het_runtime_device_info(nullptr, 0, &info)).code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(het_runtime_device_count(nullptr), 0u);
}

TEST_F(RuntimeApiTest, FindsDevicesByName) {
  size_t index = 99;
  HET_ASSERT_OK(het_runtime_find_device(runtime, "auto", &index));
  EXPECT_EQ(index, 0u);
  HET_ASSERT_OK(het_runtime_find_device(runtime, "fpga-sim", &index));
  EXPECT_EQ(index, 1u);
  het::test::StatusResult unknown = take(het_runtime_find_device(runtime, "gpu", &index));
  EXPECT_EQ(unknown.code, HET_STATUS_NOT_FOUND);
  EXPECT_EQ(unknown.message, "unknown device 'gpu'; known devices: auto, cpu, fpga-sim, cuda, xrt");
  het::test::StatusResult cuda = take(het_runtime_find_device(runtime, "cuda", &index));
  EXPECT_EQ(cuda.code, HET_STATUS_UNAVAILABLE);
  EXPECT_THAT(cuda.message, HasSubstr("device 'cuda' is unavailable: "));
  EXPECT_EQ(take(het_runtime_find_device(runtime, nullptr, &index)).code, HET_STATUS_INVALID_ARGUMENT);
}

TEST_F(RuntimeApiTest, CreatesTensors) {
  int64_t shape[] = {2, 3};
  int32_t values[] = {1, 2, 3, 4, 5, 6};
  het_tensor_t *tensor = nullptr;
  HET_ASSERT_OK(het_tensor_create(HET_DTYPE_INT32, 2, shape, values, &tensor));
  tensors.push_back(tensor);
  EXPECT_EQ(het_tensor_byte_size(tensor), sizeof values);
  EXPECT_EQ(std::memcmp(het_tensor_data(tensor), values, sizeof values), 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(het_tensor_data(tensor)) % 64, 0u);
  het_tensor_info_t info;
  HET_ASSERT_OK(het_tensor_info(tensor, &info));
  EXPECT_STREQ(info.name, "");
  EXPECT_EQ(info.dtype, HET_DTYPE_INT32);
  EXPECT_EQ(info.rank, 2u);
  EXPECT_EQ(info.shape[1], 3);

  het_tensor_t *zeros = nullptr;
  HET_ASSERT_OK(het_tensor_create(HET_DTYPE_BOOL, 0, nullptr, nullptr, &zeros));
  tensors.push_back(zeros);
  EXPECT_EQ(het_tensor_byte_size(zeros), 1u) << "a scalar";
  EXPECT_EQ(*static_cast<uint8_t *>(het_tensor_data(zeros)), 0);

  het_tensor_retain(tensor);
  het_tensor_release(tensor);
  EXPECT_EQ(het_dtype_size(HET_DTYPE_FLOAT16), 2u);
  EXPECT_EQ(het_dtype_size(HET_DTYPE_UNKNOWN), 0u);
}

TEST_F(RuntimeApiTest, RejectsBadTensors) {
  het_tensor_t *tensor = nullptr;
  int64_t negative[] = {2, -1};
  EXPECT_EQ(take(het_tensor_create(HET_DTYPE_FLOAT32, 2, negative, nullptr, &tensor)).code,
            HET_STATUS_INVALID_ARGUMENT);
  int64_t deep[HET_MAX_RANK + 1] = {};
  EXPECT_EQ(take(het_tensor_create(HET_DTYPE_FLOAT32, HET_MAX_RANK + 1, deep, nullptr, &tensor)).code,
            HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(take(het_tensor_create(HET_DTYPE_UNKNOWN, 0, nullptr, nullptr, &tensor)).code, HET_STATUS_INVALID_ARGUMENT);
  int64_t huge[] = {INT64_MAX, INT64_MAX};
  EXPECT_EQ(take(het_tensor_create(HET_DTYPE_FLOAT32, 2, huge, nullptr, &tensor)).code, HET_STATUS_OUT_OF_MEMORY);
  EXPECT_EQ(take(het_tensor_create(HET_DTYPE_FLOAT32, 2, nullptr, nullptr, &tensor)).code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(tensor, nullptr);
  EXPECT_EQ(het_tensor_data(nullptr), nullptr);
  het_tensor_info_t info;
  EXPECT_EQ(take(het_tensor_info(nullptr, &info)).code, HET_STATUS_INVALID_ARGUMENT);
}

class InvokeTest : public RuntimeApiTest, public ::testing::WithParamInterface<const char *> {};

TEST_P(InvokeTest, RunsATwoDispatchModule) {
  load("add-scale.hetbin");
  het::test::StatusResult result = invoke(GetParam(), {floatTensor({4, 8}, 0), floatTensor({4, 8}, 100)});
  ASSERT_EQ(result.code, HET_STATUS_OK) << result.message;
  ASSERT_EQ(outputs.size(), 4u);
  const char *names[] = {"out", "sum/raw", "x:echo", "scale"};
  for (size_t i = 0; i < 4; ++i) {
    het_tensor_info_t info;
    HET_ASSERT_OK(het_tensor_info(outputs[i], &info));
    EXPECT_STREQ(info.name, names[i]);
  }
  const auto *out = static_cast<const float *>(het_tensor_data(outputs[0]));
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(out[i], (2.0f * i + 100.0f) * static_cast<float>(i % 8 + 1)) << i;
}

INSTANTIATE_TEST_SUITE_P(Devices, InvokeTest, ::testing::Values("auto", "cpu", "fpga-sim"), [](const auto &info) {
  return std::string(info.param) == "fpga-sim" ? "fpga_sim" : info.param;
});

TEST_F(RuntimeApiTest, RejectsTheWrongInputs) {
  load("add-scale.hetbin");
  het::test::StatusResult count = invoke("cpu", {floatTensor({4, 8}, 0)});
  EXPECT_EQ(count.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(count.message, HasSubstr("expected 2 input(s)"));
  for (het_tensor_t *output : outputs)
    EXPECT_EQ(output, nullptr);

  het::test::StatusResult shape = invoke("cpu", {floatTensor({4, 8}, 0), floatTensor({8, 4}, 0)});
  EXPECT_EQ(shape.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(shape.message, HasSubstr("input 'y': expected "));

  int64_t dims[] = {4, 8};
  het_tensor_t *integers = nullptr;
  HET_ASSERT_OK(het_tensor_create(HET_DTYPE_INT32, 2, dims, nullptr, &integers));
  tensors.push_back(integers);
  het::test::StatusResult dtype = invoke("fpga-sim", {integers, floatTensor({4, 8}, 0)});
  EXPECT_EQ(dtype.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(dtype.message, HasSubstr("input 'x': expected "));

  het::test::StatusResult null = invoke("cpu", {floatTensor({4, 8}, 0), nullptr});
  EXPECT_EQ(null.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(null.message, HasSubstr("input 'y' is NULL"));
}

TEST_F(RuntimeApiTest, RejectsBadInvokeArguments) {
  load("identity.hetbin");
  het_tensor_t *outputs[2] = {};
  EXPECT_EQ(take(het_module_invoke(runtime, module, "cpu", nullptr, 2, outputs, 2)).code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(take(het_module_invoke(nullptr, module, "cpu", nullptr, 0, outputs, 2)).code, HET_STATUS_INVALID_ARGUMENT);
  het::test::StatusResult count = take(het_module_invoke(runtime, module, "cpu", nullptr, 0, outputs, 1));
  EXPECT_EQ(count.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(count.message, "output_count is 1, but the module has 2 output(s)");
}

TEST_F(RuntimeApiTest, ReportsDeviceErrors) {
  load("cpu-only.hetbin");
  std::vector<het_tensor_t *> inputs = {floatTensor({4, 8}, 0), floatTensor({4, 8}, 0)};
  het::test::StatusResult unknown = invoke("tpu", inputs);
  EXPECT_EQ(unknown.code, HET_STATUS_NOT_FOUND);
  het::test::StatusResult noVariant = invoke("fpga-sim", inputs);
  EXPECT_EQ(noVariant.code, HET_STATUS_UNSUPPORTED);
  EXPECT_THAT(noVariant.message, HasSubstr("kernel 'add' has no variant for device 'fpga-sim'"));
  het::test::StatusResult unavailable = invoke("xrt", inputs);
  EXPECT_EQ(unavailable.code, HET_STATUS_UNAVAILABLE);
}

TEST_F(RuntimeApiTest, ReportsKernelsThatDoNotLoad) {
  load("broken-image.hetbin");
  het::test::StatusResult broken = invoke("cpu", {floatTensor({4, 8}, 0), floatTensor({4, 8}, 0)});
  EXPECT_EQ(broken.code, HET_STATUS_INVALID_FORMAT);
  EXPECT_THAT(broken.message, HasSubstr("kernel 'add'"));
  het_module_release(module);
  module = nullptr;
  load("missing-entry.hetbin");
  het::test::StatusResult missing = invoke("cpu", {floatTensor({4, 8}, 0), floatTensor({4, 8}, 0)});
  EXPECT_EQ(missing.code, HET_STATUS_NOT_FOUND);
  EXPECT_THAT(missing.message, HasSubstr("entry point 'het_test_missing'"));
}

TEST(RuntimeOptionsTest, LimitsTheCpuThreads) {
  het_runtime_options_t options{};
  options.cpu_threads = 1;
  het::Runtime runtime = het::Runtime::create(&options);
  EXPECT_THAT(runtime.findDevice("cpu").description, HasSubstr("using 1 thread"));
  het::Module module = het::Module::loadFile(modulePath("thread-ids.hetbin"));
  std::vector<het::Tensor> outputs = runtime.invoke(module, "cpu", {});
  ASSERT_EQ(outputs.size(), 1u);
  const auto *ids = static_cast<const int64_t *>(outputs[0].data());
  EXPECT_EQ(std::set<int64_t>(ids, ids + 64).size(), 1u);
}

TEST(ConcurrencyTest, RunsFromSeveralThreadsOnOneRuntime) {
  het::Runtime runtime = het::Runtime::create();
  het::Module module = het::Module::loadFile(modulePath("add-scale.hetbin"));
  std::vector<float> ones(32, 1.0f);
  het::Tensor x = het::Tensor::create(HET_DTYPE_FLOAT32, {4, 8}, ones.data());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int iteration = 0; iteration < 20; ++iteration) {
        std::vector<het::Tensor> outputs = runtime.invoke(module, t % 2 ? "fpga-sim" : "cpu", {x, x});
        const auto *out = static_cast<const float *>(outputs[0].data());
        for (int i = 0; i < 32; ++i)
          mismatches[t] += out[i] != 2.0f * static_cast<float>(i % 8 + 1);
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(CppWrapperTest, RunsAndThrowsStatuses) {
  het::Runtime runtime = het::Runtime::create();
  het::Module module = het::Module::loadFile(modulePath("identity.hetbin"));
  int64_t values[] = {1, 2, 3, 4, 5, 6};
  het::Tensor a = het::Tensor::create(HET_DTYPE_INT64, {2, 3}, values);
  het::Tensor flags = het::Tensor::create(HET_DTYPE_BOOL, {4});
  std::vector<het::Tensor> outputs = runtime.invoke(module, "auto", {a, flags});
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(std::memcmp(outputs[0].data(), values, sizeof values), 0);
  EXPECT_STREQ(outputs[1].info().name, "flags");
  EXPECT_EQ(runtime.devices().size(), 4u);
  try {
    runtime.invoke(module, "auto", {a});
    FAIL() << "a missing input must throw";
  } catch (const het::Error &error) {
    EXPECT_EQ(error.code(), HET_STATUS_INVALID_ARGUMENT);
    EXPECT_THAT(error.what(), HasSubstr("expected 2 input(s) (a: "));
  }
}

/// A runtime with two cpu partitions whose calibrations go to a temporary cache directory.
class SessionTest : public ::testing::Test {
protected:
  void SetUp() override {
    cacheDirectory_ = ::testing::TempDir() + "het-session-test-" + std::to_string(getpid());
    setenv("HET_CACHE_DIR", cacheDirectory_.c_str(), 1);
    het_runtime_options_t options{};
    options.cpu_partitions = 2;
    runtime_ = het::Runtime::create(&options);
    unsetenv("HET_CACHE_DIR");
  }
  void TearDown() override { std::system(("rm -rf '" + cacheDirectory_ + "'").c_str()); }

  static std::vector<het::Tensor> branchInputs() {
    std::vector<float> x(32), y(32, 0.5f);
    std::iota(x.begin(), x.end(), 0.0f);
    return {het::Tensor::create(HET_DTYPE_FLOAT32, {4, 8}, x.data()),
            het::Tensor::create(HET_DTYPE_FLOAT32, {4, 8}, y.data())};
  }

  std::string cacheDirectory_;
  het::Runtime runtime_ = het::Runtime::create();
};

TEST_F(SessionTest, DescribesTheCapabilitiesOfThePool) {
  std::vector<het_device_capabilities_t> devices = runtime_.capabilities();
  ASSERT_EQ(devices.size(), 5u);
  EXPECT_STREQ(devices[0].name, "cpu:0");
  EXPECT_STREQ(devices[1].name, "cpu:1");
  EXPECT_STREQ(devices[0].variant_formats, "CPU/ELF_SHARED_OBJECT");
  EXPECT_STREQ(devices[0].calibration, "measured");
  EXPECT_GT(devices[0].peak_gflops, 0);
  EXPECT_GT(devices[0].bandwidth_gbps, 0);
  EXPECT_GT(devices[0].memory_bytes, 0u);
  EXPECT_STREQ(devices[3].calibration, "none");
  EXPECT_STREQ(devices[3].variant_formats, "PTX/PTX_TEXT,PTX/CUBIN");
  het_device_capabilities_t capabilities;
  EXPECT_EQ(take(het_runtime_device_capabilities(runtime_.get(), 9, &capabilities)).code,
            HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(take(het_runtime_device_capabilities(nullptr, 0, &capabilities)).code, HET_STATUS_INVALID_ARGUMENT);
}

TEST_F(SessionTest, PlacesBranchesOnTwoPartitionsAndReportsTheRun) {
  het::Module module = het::Module::loadFile(modulePath("branches.hetbin"));
  het_session_options_t options{};
  options.placement = HET_PLACEMENT_AUTO;
  het::Session session = het::Session::create(runtime_, module, &options);
  std::vector<het_dispatch_placement_t> placements = session.placements();
  ASSERT_EQ(placements.size(), 3u);
  EXPECT_STREQ(placements[0].kernel, "slow_add");
  EXPECT_STRNE(placements[0].device, placements[1].device);
  EXPECT_GT(placements[2].estimated_start_ms, 0);

  het::RunReport report;
  std::vector<het::Tensor> outputs = session.invoke(branchInputs(), &report);
  const auto *out = static_cast<const float *>(outputs[0].data());
  EXPECT_EQ(out[5], 2 * (5.0f + 0.5f));
  std::vector<het_dispatch_record_t> records = report.dispatches();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_STREQ(records[0].device, placements[0].device);
  EXPECT_LT(records[0].start_ms, records[1].start_ms + records[1].duration_ms);
  EXPECT_LT(records[1].start_ms, records[0].start_ms + records[0].duration_ms) << "the branches overlap";
  EXPECT_GT(report.totalMs(), 0);

  // A session runs again without reloading, from several threads at once.
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&] { EXPECT_EQ(static_cast<const float *>(session.invoke(branchInputs())[0].data())[5], 11.0f); });
  for (std::thread &thread : threads)
    thread.join();
}

TEST_F(SessionTest, PinsKernelsAndRejectsBadPins) {
  het::Module module = het::Module::loadFile(modulePath("branches.hetbin"));
  het_kernel_pin_t pins[] = {{"slow_add", "fpga-sim"}};
  het_session_options_t options{};
  options.device = "cpu:1";
  options.pins = pins;
  options.pin_count = 1;
  het::Session session = het::Session::create(runtime_, module, &options);
  std::vector<het_dispatch_placement_t> placements = session.placements();
  EXPECT_STREQ(placements[0].device, "fpga-sim");
  EXPECT_STREQ(placements[2].device, "cpu:1");
  EXPECT_EQ(static_cast<const float *>(session.invoke(branchInputs())[0].data())[5], 11.0f);

  het_session_t *raw = nullptr;
  pins[0] = {"add", "fpga-sim"};
  het::test::StatusResult result = take(het_session_create(runtime_.get(), module.get(), &options, &raw));
  EXPECT_EQ(result.code, HET_STATUS_UNSUPPORTED);
  EXPECT_THAT(result.message, HasSubstr("kernel 'add' has no variant for device 'fpga-sim'"));
  EXPECT_EQ(raw, nullptr);
  pins[0] = {"add", "tpu"};
  EXPECT_EQ(take(het_session_create(runtime_.get(), module.get(), &options, &raw)).code, HET_STATUS_NOT_FOUND);
  options.pins = nullptr;
  EXPECT_EQ(take(het_session_create(runtime_.get(), module.get(), &options, &raw)).code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(take(het_session_create(nullptr, module.get(), nullptr, &raw)).code, HET_STATUS_INVALID_ARGUMENT);
}

TEST_F(SessionTest, ReplacesTheWorkOfAFailedDeviceAndReportsIt) {
  het::Module module = het::Module::loadFile(modulePath("add-scale.hetbin"));
  het_session_options_t options{};
  options.device = "fpga-sim";
  std::vector<het::Tensor> clean = het::Session::create(runtime_, module, &options).invoke(branchInputs());

  het_runtime_options_t faulty{};
  faulty.cpu_partitions = 2;
  faulty.fault_inject = "fpga-sim:2";
  het::Runtime runtime = het::Runtime::create(&faulty);
  het::Session session = het::Session::create(runtime, module, &options);
  het::RunReport report;
  std::vector<het::Tensor> outputs = session.invoke(branchInputs(), &report);
  ASSERT_EQ(outputs.size(), clean.size());
  for (size_t i = 0; i < outputs.size(); ++i) {
    ASSERT_EQ(outputs[i].byteSize(), clean[i].byteSize());
    EXPECT_EQ(std::memcmp(outputs[i].data(), clean[i].data(), clean[i].byteSize()), 0) << "output " << i;
  }
  std::vector<het_fault_record_t> faults = report.faults();
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_STREQ(faults[0].device, "fpga-sim");
  EXPECT_STREQ(faults[0].kernel, "scale_rows");
  EXPECT_EQ(faults[0].dispatch, 1);
  EXPECT_THAT(faults[0].message, HasSubstr("injected fault at launch 2 of 'fpga-sim' (fault_inject=fpga-sim:2)"));
  EXPECT_EQ(faults[0].replaced_count, 2u);
  for (const het_dispatch_record_t &record : report.dispatches()) {
    EXPECT_STREQ(record.replaced_from, "fpga-sim");
    EXPECT_THAT(record.device, HasSubstr("cpu:"));
  }
  het_fault_record_t fault;
  EXPECT_EQ(take(het_run_report_fault(nullptr, 0, &fault)).code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_STRNE(session.placements()[0].device, "fpga-sim") << "later runs start from the new placement";
  EXPECT_TRUE(session.invoke(branchInputs(), &report).size() == clean.size() && report.faults().empty());

  // A session created after the failure never places work on the failed device.
  het_session_t *raw = nullptr;
  het::test::StatusResult refused = take(het_session_create(runtime.get(), module.get(), &options, &raw));
  EXPECT_EQ(refused.code, HET_STATUS_UNAVAILABLE);
  EXPECT_THAT(refused.message, HasSubstr("device 'fpga-sim' has failed: injected fault"));
}

TEST_F(SessionTest, TakesTheFaultToInjectFromOptionsOrTheEnvironment) {
  het_runtime_options_t options{};
  options.fault_inject = "fpga-sim:x";
  het_runtime_t *raw = nullptr;
  het::test::StatusResult bad = take(het_runtime_create_with_options(&options, &raw));
  EXPECT_EQ(bad.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(bad.message, HasSubstr("fault_inject 'fpga-sim:x': expected DEVICE:N"));
  EXPECT_EQ(raw, nullptr);
  setenv("HET_FAULT_INJECT", "gpu:1", 1);
  het::test::StatusResult fromEnvironment = take(het_runtime_create(&raw));
  options.fault_inject = ""; // an empty option injects nothing, whatever the environment says
  het::test::StatusResult disabled = take(het_runtime_create_with_options(&options, &raw));
  unsetenv("HET_FAULT_INJECT");
  EXPECT_THAT(fromEnvironment.message, HasSubstr("HET_FAULT_INJECT 'gpu:1': unknown device 'gpu'"));
  EXPECT_EQ(disabled.code, HET_STATUS_OK);
  het_runtime_release(raw);
}

TEST_F(SessionTest, DefaultsToTheFirstCpuPartitionAndChecksInvokeArguments) {
  het::Module module = het::Module::loadFile(modulePath("add-scale.hetbin"));
  het_session_t *session = nullptr;
  HET_ASSERT_OK(het_session_create(runtime_.get(), module.get(), nullptr, &session));
  het_dispatch_placement_t placement;
  HET_EXPECT_OK(het_session_dispatch_placement(session, 1, &placement));
  EXPECT_STREQ(placement.device, "cpu:0");
  EXPECT_EQ(take(het_session_dispatch_placement(session, 2, &placement)).code, HET_STATUS_INVALID_ARGUMENT);
  het_tensor_t *outputs[1] = {};
  het_run_report_t *report = reinterpret_cast<het_run_report_t *>(&placement);
  EXPECT_EQ(take(het_session_invoke(session, nullptr, 0, outputs, 1, &report)).code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(report, nullptr) << "no report from a failed run";
  het_session_release(session);
  EXPECT_EQ(het_run_report_dispatch_count(nullptr), 0u);
}

} // namespace
