// Tests of the cuda driver's own logic over the fake libcuda (fake_cuda/): which image it loads for which GPU,
// the grid and stream it launches with, its copies, events and cleanup, and how it reports a missing driver.
// None of this runs a real GPU.
#include "DriverTesting.h"
#include "StatusTesting.h"

#include "drivers/CalibrationWork.h"
#include "drivers/cuda/CalibrationKernel.h"
#include "drivers/cuda/CudaDevice.h"
#include "pool/Calibration.h"

#include <gmock/gmock.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace het::runtime {
namespace {

using test::take;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

/// The cuda device over the fake libcuda, configured as one GPU of compute capability major.minor.
std::unique_ptr<Device> createFakeGpu(int major, int minor, int deviceCount = 1,
                                      std::size_t memoryBytes = std::size_t(1) << 30) {
  test::FakeCuda::get().configure(major, minor, deviceCount, memoryBytes);
  test::ScopedEnvironment library("HET_CUDA_LIBRARY", HET_TEST_FAKE_CUDA_LIBRARY);
  return createCudaDevice({});
}

std::string fakeLog() { return test::FakeCuda::get().log(); }

/// The add kernel with PTX and fake cubins for sm_80 and sm_90 (a fake cubin names its entry after "\177ELF").
test::KernelWithImages addKernelForTwoArchitectures() {
  test::KernelWithImages add;
  add.kernel.set_name("add");
  for (const char *name : {"x", "y", "sum"}) {
    hetbin::Binding *binding = add.kernel.add_bindings();
    binding->set_name(name);
    binding->set_access(std::string(name) == "sum" ? hetbin::WRITE : hetbin::READ);
  }
  std::string ptx = test::kAddPtx;
  std::string cubin = "\177ELF fake cubin: .entry het_test_add";
  cubin.push_back('\0');
  add.addPtxVariant("ptx-sm_80", "sm_80", hetbin::PTX_TEXT, ptx);
  add.addPtxVariant("ptx-sm_90", "sm_90", hetbin::PTX_TEXT, ptx.replace(ptx.find("sm_75"), 5, "sm_90"));
  add.addPtxVariant("cubin-sm_80", "sm_80", hetbin::CUBIN, cubin);
  add.addPtxVariant("cubin-sm_90", "sm_90", hetbin::CUBIN, cubin);
  return add;
}

TEST(CudaDeviceTest, DescribesTheFakeGpu) {
  std::unique_ptr<Device> gpu = createFakeGpu(8, 6, 2, std::size_t(3) << 30);
  ASSERT_TRUE(gpu->info().available) << gpu->info().reason;
  EXPECT_EQ(gpu->info().architecture, "sm_86");
  EXPECT_EQ(gpu->info().memoryBytes, std::size_t(3) << 30);
  EXPECT_EQ(gpu->info().description, "Fake GPU, sm_86, 4 multiprocessors, GPU 0 of 2");
  EXPECT_FALSE(gpu->sharesHostMemory());
  EXPECT_THAT(fakeLog(), AllOf(HasSubstr("cuInit 0\n"), HasSubstr("cuDevicePrimaryCtxRetain 0\n"),
                               HasSubstr("cuStreamCreate 1 flags=1\n")));
}

TEST(CudaDeviceTest, LoadsTheCubinOfTheGpusArchitecture) {
  std::unique_ptr<Device> gpu = createFakeGpu(9, 0);
  test::KernelWithImages add = addKernelForTwoArchitectures();
  std::string reason;
  const hetbin::Variant *variant = gpu->selectVariant(add.kernel, reason);
  ASSERT_TRUE(variant) << reason;
  EXPECT_EQ(variant->name(), "cubin-sm_90");
  std::unique_ptr<LoadedKernel> kernel;
  HET_ASSERT_OK(gpu->loadKernel(add.kernel, *variant, add.imageOf(*variant), kernel));
  EXPECT_THAT(fakeLog(), HasSubstr("cuModuleLoadDataEx cubin options=2\ncuModuleGetFunction het_test_add\n"));
}

TEST(CudaDeviceTest, JitsTheNewestPtxItCanWithoutAMatchingCubin) {
  std::unique_ptr<Device> gpu = createFakeGpu(8, 6);
  test::KernelWithImages add = addKernelForTwoArchitectures();
  std::string reason;
  const hetbin::Variant *variant = gpu->selectVariant(add.kernel, reason);
  ASSERT_TRUE(variant) << reason;
  EXPECT_EQ(variant->name(), "ptx-sm_80") << "no sm_86 cubin; sm_90 PTX is too new for sm_86";
  std::unique_ptr<LoadedKernel> kernel;
  HET_ASSERT_OK(gpu->loadKernel(add.kernel, *variant, add.imageOf(*variant), kernel));
  EXPECT_THAT(fakeLog(), HasSubstr("cuModuleLoadDataEx ptx options=2\n"));
  EXPECT_THAT(fakeLog(), Not(HasSubstr("cubin")));
}

TEST(CudaDeviceTest, ExplainsWhenNoVariantRunsOnTheGpu) {
  std::unique_ptr<Device> gpu = createFakeGpu(7, 5);
  test::KernelWithImages add = addKernelForTwoArchitectures();
  std::string reason;
  EXPECT_EQ(gpu->selectVariant(add.kernel, reason), nullptr);
  EXPECT_THAT(reason, HasSubstr("none of its variants (PTX sm_80, PTX sm_90, cubin sm_80, cubin sm_90) runs on sm_75"));
}

TEST(CudaDeviceTest, RunsArchitectureSpecificCodeOnlyOnThatArchitecture) {
  test::KernelWithImages add;
  add.kernel.set_name("add");
  add.addPtxVariant("ptx-sm_90a", "sm_90a", hetbin::PTX_TEXT, test::kAddPtx);
  std::string reason;
  EXPECT_EQ(createFakeGpu(10, 0)->selectVariant(add.kernel, reason), nullptr) << "sm_90a PTX does not JIT for sm_100";
  const hetbin::Variant *variant = createFakeGpu(9, 0)->selectVariant(add.kernel, reason);
  ASSERT_TRUE(variant) << reason;
  EXPECT_EQ(variant->name(), "ptx-sm_90a");
  add.addPtxVariant("cubin-sm_90a", "sm_90a", hetbin::CUBIN, "\177ELF .entry het_test_add");
  variant = createFakeGpu(9, 0)->selectVariant(add.kernel, reason);
  ASSERT_TRUE(variant) << reason;
  EXPECT_EQ(variant->name(), "cubin-sm_90a") << "an sm_90a cubin runs on every sm_90 GPU";
}

TEST(CudaDeviceTest, PutsTheJitLogInTheError) {
  std::unique_ptr<Device> gpu = createFakeGpu(8, 0);
  test::KernelWithImages add = addKernelForTwoArchitectures();
  // Loading the sm_90 PTX on an sm_80 GPU directly: the fake's JIT fails and writes its error log.
  const hetbin::Variant &tooNew = add.kernel.variants(1);
  std::unique_ptr<LoadedKernel> kernel;
  test::StatusResult result = take(gpu->loadKernel(add.kernel, tooNew, add.imageOf(tooNew), kernel));
  EXPECT_EQ(result.code, HET_STATUS_INVALID_FORMAT);
  EXPECT_THAT(result.message, HasSubstr("kernel 'add' (cuda variant 'ptx-sm_90'): the CUDA driver cannot load its "
                                        "PTX on sm_80: CUDA_ERROR_INVALID_PTX"));
  EXPECT_THAT(result.message, HasSubstr("\nfake ptxas: error: PTX .target sm_90 is newer than this sm_80 GPU"));
}

TEST(CudaDeviceTest, NamesAnEntryPointTheImageLacks) {
  std::unique_ptr<Device> gpu = createFakeGpu(8, 0);
  test::KernelWithImages add = addKernelForTwoArchitectures();
  hetbin::Variant &variant = *add.kernel.mutable_variants(0);
  variant.set_entry_point("het_test_missing");
  std::unique_ptr<LoadedKernel> kernel;
  test::StatusResult result = take(gpu->loadKernel(add.kernel, variant, add.imageOf(variant), kernel));
  EXPECT_EQ(result.code, HET_STATUS_NOT_FOUND);
  EXPECT_THAT(result.message, HasSubstr("entry point 'het_test_missing' is not in its image"));
  EXPECT_THAT(fakeLog(), HasSubstr("cuModuleUnload\n")) << "the module of a failed load is released";
}

TEST(CudaDeviceTest, LaunchesWithTheVariantsGridOnItsStream) {
  std::unique_ptr<Device> gpu = createFakeGpu(8, 0);
  test::KernelWithImages add = addKernelForTwoArchitectures();
  // 1 x 2 x 2 blocks of 4 x 2 threads: the fake computes one element per thread, 32 in all.
  hetbin::Variant &variant = *add.kernel.mutable_variants(0);
  variant.mutable_launch()->clear_grid();
  variant.mutable_launch()->clear_block();
  for (std::uint64_t size : {1, 2, 2})
    variant.mutable_launch()->add_grid(size);
  for (std::uint64_t size : {4, 2, 1})
    variant.mutable_launch()->add_block(size);
  variant.mutable_launch()->set_shared_memory_bytes(256);
  std::unique_ptr<LoadedKernel> kernel;
  HET_ASSERT_OK(gpu->loadKernel(add.kernel, variant, add.imageOf(variant), kernel));

  std::vector<float> x = test::ramp(0), y = test::ramp(50), sum(32);
  std::unique_ptr<DeviceBuffer> buffers[3];
  for (auto &buffer : buffers)
    HET_ASSERT_OK(gpu->allocate(sizeof(float) * 32, buffer));
  HET_ASSERT_OK(gpu->copyToDevice(*buffers[0], x.data()));
  HET_ASSERT_OK(gpu->copyToDevice(*buffers[1], y.data()));
  DeviceBuffer *arguments[] = {buffers[0].get(), buffers[1].get(), buffers[2].get()};
  HET_ASSERT_OK(gpu->launch(*kernel, arguments));
  HET_ASSERT_OK(gpu->synchronize());
  HET_ASSERT_OK(gpu->copyFromDevice(*buffers[2], sum.data()));
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(sum[i], x[i] + y[i]) << "element " << i;

  EXPECT_THAT(fakeLog(), HasSubstr("cuMemAlloc 128\ncuMemAlloc 128\ncuMemAlloc 128\n"
                                   "cuMemcpyHtoDAsync 128 stream=1\ncuMemcpyHtoDAsync 128 stream=1\n"
                                   "cuLaunchKernel het_test_add grid=1,2,2 block=4,2,1 shared=256 stream=1\n"
                                   "cuStreamSynchronize 1\n"
                                   "cuMemcpyDtoHAsync 128 stream=1\ncuStreamSynchronize 1\n"));
  EXPECT_EQ(test::FakeCuda::get().contextDepth(), 0) << "every call pops the context it pushed";
}

TEST(CudaDeviceTest, RefusesALaunchWithTheWrongNumberOfBuffers) {
  std::unique_ptr<Device> gpu = createFakeGpu(8, 0);
  test::KernelWithImages add = addKernelForTwoArchitectures();
  std::unique_ptr<LoadedKernel> kernel;
  HET_ASSERT_OK(gpu->loadKernel(add.kernel, add.kernel.variants(0), add.imageOf(add.kernel.variants(0)), kernel));
  std::unique_ptr<DeviceBuffer> buffer;
  HET_ASSERT_OK(gpu->allocate(128, buffer));
  DeviceBuffer *arguments[] = {buffer.get()};
  test::StatusResult result = take(gpu->launch(*kernel, arguments));
  EXPECT_EQ(result.code, HET_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(result.message, HasSubstr("takes 3 buffers, not 1"));
  EXPECT_THAT(fakeLog(), Not(HasSubstr("cuLaunchKernel")));
}

TEST(CudaDeviceTest, RecordsEventsOnItsStream) {
  std::unique_ptr<Device> gpu = createFakeGpu(8, 0);
  std::unique_ptr<DeviceEvent> start, end;
  HET_ASSERT_OK(gpu->recordEvent(start));
  HET_ASSERT_OK(gpu->recordEvent(end));
  double milliseconds = -1;
  HET_ASSERT_OK(gpu->elapsedMilliseconds(*start, *end, milliseconds));
  EXPECT_GE(milliseconds, 0.0);
  EXPECT_THAT(fakeLog(), HasSubstr("cuEventCreate flags=0\ncuEventRecord stream=1\ncuEventCreate flags=0\n"
                                   "cuEventRecord stream=1\ncuEventSynchronize\ncuEventElapsedTime\n"));
}

TEST(CudaDeviceTest, ReportsOutOfMemory) {
  std::unique_ptr<Device> gpu = createFakeGpu(8, 0, 1, 1000);
  std::unique_ptr<DeviceBuffer> buffer;
  test::StatusResult result = take(gpu->allocate(4096, buffer));
  EXPECT_EQ(result.code, HET_STATUS_OUT_OF_MEMORY);
  EXPECT_THAT(result.message, HasSubstr("cuda: cannot allocate 4096 bytes: CUDA_ERROR_OUT_OF_MEMORY"));
}

TEST(CudaDeviceTest, ReleasesEveryHandle) {
  int before = test::FakeCuda::get().liveHandles();
  {
    std::unique_ptr<Device> gpu = createFakeGpu(8, 0);
    test::KernelWithImages add = addKernelForTwoArchitectures();
    std::unique_ptr<LoadedKernel> kernel;
    HET_ASSERT_OK(gpu->loadKernel(add.kernel, add.kernel.variants(0), add.imageOf(add.kernel.variants(0)), kernel));
    std::unique_ptr<DeviceBuffer> buffer, empty;
    HET_ASSERT_OK(gpu->allocate(64, buffer));
    HET_ASSERT_OK(gpu->allocate(0, empty));
    std::unique_ptr<DeviceEvent> event;
    HET_ASSERT_OK(gpu->recordEvent(event));
    // The primary context, the stream, the module, one allocation (an empty buffer has none) and the event.
    EXPECT_EQ(test::FakeCuda::get().liveHandles(), before + 5);
  }
  EXPECT_EQ(test::FakeCuda::get().liveHandles(), before);
  EXPECT_THAT(fakeLog(), ::testing::EndsWith("cuStreamDestroy 1\ncuDevicePrimaryCtxRelease 0\n"));
}

TEST(CudaDeviceTest, IsUnavailableWhenTheLibraryIsMissing) {
  test::ScopedEnvironment library("HET_CUDA_LIBRARY", "/nonexistent/libcuda-for-het-tests.so");
  std::unique_ptr<Device> gpu = createCudaDevice({});
  EXPECT_FALSE(gpu->info().available);
  EXPECT_THAT(gpu->info().reason, HasSubstr("cannot open /nonexistent/libcuda-for-het-tests.so (HET_CUDA_LIBRARY)"));
  std::unique_ptr<DeviceBuffer> buffer;
  EXPECT_EQ(take(gpu->allocate(16, buffer)).code, HET_STATUS_UNAVAILABLE);
}

static_assert(FAKE_CUDA_CALIBRATION_FLOPS_PER_CHUNK == kCalibrationFlopsPerChunk,
              "the fake GPU's calibration timing assumes the runtime's chunk");

// The calibration runs its PTX kernel on the GPU, one thread per chunk, and times it: the fake GPU sleeps as long
// as 1000 GFLOP/s would take, so the rate measured must come out near that (a sleep only ever runs long).
TEST(CudaDeviceTest, CalibratesWithThePtxKernel) {
  int before = test::FakeCuda::get().liveHandles();
  {
    std::unique_ptr<Device> gpu = createFakeGpu(8, 0);
    DeviceRates rates;
    HET_ASSERT_OK(measureDeviceRates(*gpu, rates));
    EXPECT_GT(rates.gflops, 0.3 * FAKE_CUDA_CALIBRATION_GFLOPS);
    EXPECT_LT(rates.gflops, 1.05 * FAKE_CUDA_CALIBRATION_GFLOPS);
    EXPECT_GT(rates.gbPerSecond, 0);
    EXPECT_THAT(fakeLog(),
                AllOf(HasSubstr("cuModuleLoadDataEx ptx options=2\ncuModuleGetFunction het_calibration_fma\n"),
                      HasSubstr("cuLaunchKernel het_calibration_fma grid=1,1,1 block=256,1,1 shared=0 stream=1\n"),
                      HasSubstr("cuMemcpyHtoDAsync")));
  }
  EXPECT_EQ(test::FakeCuda::get().liveHandles(), before) << "the calibration's module and buffer outlive the device";
}

TEST(CudaDeviceTest, PtxasAcceptsTheCalibrationKernel) {
  std::string ptxas = "/usr/local/cuda/bin/ptxas";
  if (::access(ptxas.c_str(), X_OK) != 0)
    GTEST_SKIP() << "no CUDA toolkit at /usr/local/cuda: the calibration PTX is not assembled";
  std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("het-calibration-" + std::to_string(getpid()));
  std::filesystem::create_directories(directory);
  std::ofstream(directory / "calibration.ptx") << cuda::kCalibrationPtx;
  std::string command = ptxas + " -arch=sm_80 " + (directory / "calibration.ptx").string() + " -o " +
                        (directory / "calibration.cubin").string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::filesystem::remove_all(directory);
}

TEST(CudaDeviceTest, IsUnavailableWithoutAGpu) {
  std::unique_ptr<Device> gpu = createFakeGpu(8, 0, /*deviceCount=*/0);
  EXPECT_FALSE(gpu->info().available);
  EXPECT_THAT(gpu->info().reason, HasSubstr("found, but it reports no CUDA device"));
}

// The CUDA toolkit's stub libcuda exports the real driver's symbols but fails cuInit: every versioned name of
// the driver's table must resolve in it.
TEST(CudaDeviceTest, FindsEveryEntryPointInTheToolkitsStubLibcuda) {
  const char *stub = "/usr/local/cuda/lib64/stubs/libcuda.so";
  if (::access(stub, R_OK) != 0)
    GTEST_SKIP() << "no CUDA toolkit stub library at " << stub;
  test::ScopedEnvironment library("HET_CUDA_LIBRARY", stub);
  std::unique_ptr<Device> gpu = createCudaDevice({});
  EXPECT_FALSE(gpu->info().available);
  EXPECT_THAT(gpu->info().reason, HasSubstr("cuInit failed"));
}

TEST(CudaDeviceTest, IsUnavailableWhenTheLibraryLacksTheDriverApi) {
  // The cpu test kernels are a shared object, but not a CUDA driver.
  test::ScopedEnvironment library("HET_CUDA_LIBRARY", HET_TEST_CPU_KERNELS_LIBRARY);
  std::unique_ptr<Device> gpu = createCudaDevice({});
  EXPECT_FALSE(gpu->info().available);
  EXPECT_THAT(gpu->info().reason, HasSubstr("lacks CUDA driver API entry points (cuInit, cuGetErrorName"));
}

} // namespace
} // namespace het::runtime
