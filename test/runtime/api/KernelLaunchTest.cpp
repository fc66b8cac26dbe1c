// Tests of het_module_launch_kernel and the kernel queries: one kernel of a module launched by itself on the cpu and
// fpga-sim devices, and a status naming what is wrong for every bad request.
#include "StatusTesting.h"

#include "het/het.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <numeric>

namespace {

using het::test::take;
using ::testing::HasSubstr;

std::string modulePath(const char *name) { return std::string(HET_TEST_MODULE_DIR) + "/" + name; }

het::Tensor iota(std::vector<int64_t> shape, float first) {
  std::vector<float> values(32);
  std::iota(values.begin(), values.end(), first);
  return het::Tensor::create(HET_DTYPE_FLOAT32, shape, values.data());
}

class KernelLaunchTest : public ::testing::TestWithParam<const char *> {
protected:
  het::Runtime runtime = het::Runtime::create();
  het::Module module = het::Module::loadFile(modulePath("add-scale.hetbin"));
};

TEST_P(KernelLaunchTest, WritesTheResultsIntoTheWrittenBuffers) {
  size_t add = module.findKernel("add");
  het::Tensor x = iota({4, 8}, 0), y = iota({4, 8}, 100), sum = het::Tensor::create(HET_DTYPE_FLOAT32, {4, 8});
  runtime.launchKernel(module, GetParam(), add, {}, {x, y, sum});
  const float *result = static_cast<const float *>(sum.data());
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(result[i], static_cast<float>(100 + 2 * i)) << "element " << i;
  // Read buffers are left as they were.
  EXPECT_EQ(static_cast<const float *>(x.data())[5], 5.0f);
}

INSTANTIATE_TEST_SUITE_P(Devices, KernelLaunchTest, ::testing::Values("cpu", "fpga-sim"));

TEST(KernelQueryTest, DescribesKernelsAndBindings) {
  het::Module module = het::Module::loadFile(modulePath("add-scale.hetbin"));
  ASSERT_EQ(het_module_kernel_count(module.get()), 2u);
  EXPECT_STREQ(het_module_kernel_name(module.get(), 1), "scale_rows");
  EXPECT_EQ(het_module_kernel_name(module.get(), 2), nullptr);
  std::vector<het_binding_info_t> bindings = module.kernelBindings(module.findKernel("scale_rows"));
  ASSERT_EQ(bindings.size(), 3u);
  EXPECT_STREQ(bindings[1].name, "scale");
  EXPECT_EQ(bindings[1].access, HET_ACCESS_READ);
  EXPECT_EQ(bindings[1].dtype, HET_DTYPE_FLOAT32);
  ASSERT_EQ(bindings[1].rank, 1u);
  EXPECT_EQ(bindings[1].shape[0], 8);
  EXPECT_EQ(bindings[2].access, HET_ACCESS_WRITE);

  size_t index = 0;
  auto unknown = take(het_module_find_kernel(module.get(), "mul", &index));
  EXPECT_EQ(unknown.code, HET_STATUS_NOT_FOUND);
  EXPECT_THAT(unknown.message, HasSubstr("its kernels: add, scale_rows"));
  het_binding_info_t info;
  EXPECT_EQ(take(het_module_kernel_binding_info(module.get(), 0, 3, &info)).code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(take(het_module_kernel_binding_info(module.get(), 7, 0, &info)).code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(het_module_kernel_binding_count(module.get(), 7), 0u);
}

TEST(KernelLaunchErrorsTest, RefusesBadRequestsWithAStatus) {
  het::Runtime runtime = het::Runtime::create();
  het::Module module = het::Module::loadFile(modulePath("add-scale.hetbin"));
  het::Tensor x = iota({4, 8}, 0), y = iota({4, 8}, 1), sum = het::Tensor::create(HET_DTYPE_FLOAT32, {4, 8});
  het_tensor_t *buffers[] = {x.get(), y.get(), sum.get()};
  auto launch = [&](const char *device, size_t kernel, const uint64_t *grid, size_t gridRank, size_t count) {
    return take(het_module_launch_kernel(runtime.get(), module.get(), device, kernel, grid, gridRank, buffers, count));
  };

  auto fewer = launch("cpu", 0, nullptr, 0, 2);
  EXPECT_EQ(fewer.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(fewer.message, HasSubstr("kernel 'add' takes 3 buffer(s), got 2"));

  uint64_t grid[] = {4};
  auto gridded = launch("cpu", 0, grid, 1, 3);
  EXPECT_EQ(gridded.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(gridded.message, HasSubstr("fixed launch"));

  het::Tensor wrong = het::Tensor::create(HET_DTYPE_FLOAT32, {8, 4});
  buffers[1] = wrong.get();
  auto shape = launch("cpu", 0, nullptr, 0, 3);
  EXPECT_EQ(shape.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(shape.message, HasSubstr("buffer 'y' must be float32[4x8], got float32[8x4]"));
  buffers[1] = y.get();

  EXPECT_EQ(launch("cpu", 5, nullptr, 0, 3).code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(launch("gpu", 0, nullptr, 0, 3).code, HET_STATUS_NOT_FOUND);
  EXPECT_EQ(take(het_module_launch_kernel(nullptr, module.get(), "cpu", 0, nullptr, 0, buffers, 3)).code,
            HET_STATUS_INVALID_ARGUMENT);
  // Nothing was written by the refused launches.
  EXPECT_EQ(static_cast<const float *>(sum.data())[3], 0.0f);
}

TEST(KernelLaunchErrorsTest, NamesWhyADeviceCannotRunTheKernel) {
  het::Runtime runtime = het::Runtime::create();
  het::Module module = het::Module::loadFile(modulePath("cpu-only.hetbin"));
  het::Tensor x = iota({4, 8}, 0), y = iota({4, 8}, 1), sum = het::Tensor::create(HET_DTYPE_FLOAT32, {4, 8});
  het_tensor_t *buffers[] = {x.get(), y.get(), sum.get()};
  auto status = take(het_module_launch_kernel(runtime.get(), module.get(), "fpga-sim", 0, nullptr, 0, buffers, 3));
  EXPECT_EQ(status.code, HET_STATUS_UNSUPPORTED);
  EXPECT_THAT(status.message, HasSubstr("kernel 'add' cannot run on 'fpga-sim'"));
}

} // namespace
