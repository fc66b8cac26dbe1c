// Tests of the xrt driver's own logic over the fake XRT (fake_xrt/): one xclbin on the card at a time, buffers
// moved to their argument's memory bank, failed runs, and how it reports a missing card. None of this runs a real
// FPGA card.
#include "DriverTesting.h"
#include "StatusTesting.h"

#include "drivers/xrt/XrtDevice.h"

#include <gmock/gmock.h>

namespace het::runtime {
namespace {

using test::take;
using ::testing::HasSubstr;
using ::testing::Not;

/// The xrt device over the fake XRT with `cards` cards.
std::unique_ptr<Device> createFakeCard(unsigned cards = 1) {
  test::FakeXrt::get().configure(cards);
  test::ScopedEnvironment library("HET_XRT_LIBRARY", HET_TEST_FAKE_XRT_LIBRARY);
  return createXrtDevice({});
}

std::string fakeLog() { return test::FakeXrt::get().log(); }

/// A kernel named `name` (x, y -> sum, f32[4x8]) whose only variant is `xclbin`, with `entry` as its kernel.
test::KernelWithImages kernelInXclbin(const std::string &name, const std::string &entry, const std::string &xclbin) {
  test::KernelWithImages kernel;
  kernel.kernel.set_name(name);
  for (const char *binding : {"x", "y", "sum"})
    kernel.kernel.add_bindings()->set_name(binding);
  kernel.addXclbinVariant("xclbin", entry, xclbin);
  return kernel;
}

het_status_t load(Device &card, const test::KernelWithImages &kernel, std::unique_ptr<LoadedKernel> &outKernel) {
  const hetbin::Variant &variant = kernel.kernel.variants(0);
  return card.loadKernel(kernel.kernel, variant, kernel.imageOf(variant), outKernel);
}

TEST(XrtDeviceTest, SelectsOnlyXclbinVariants) {
  std::unique_ptr<Device> card = createFakeCard();
  ASSERT_TRUE(card->info().available) << card->info().reason;
  EXPECT_EQ(card->info().description, "FPGA card 0 through XRT");
  test::KernelWithImages add = test::addKernelForEveryDriver();
  std::string reason;
  EXPECT_EQ(card->selectVariant(add.kernel, reason), nullptr) << "cpu, C-simulation and PTX variants only";
  EXPECT_THAT(reason, HasSubstr("it has no XCLBIN variant"));
  add.addXclbinVariant("xclbin", "het_test_add", test::fakeXclbin("select-000000001", "het_test_add:0,0,0;"));
  const hetbin::Variant *variant = card->selectVariant(add.kernel, reason);
  ASSERT_TRUE(variant) << reason;
  EXPECT_EQ(variant->name(), "xclbin");
}

TEST(XrtDeviceTest, ProgramsTheCardOnceForKernelsOfOneXclbin) {
  std::unique_ptr<Device> card = createFakeCard();
  std::string shared = test::fakeXclbin("shared-000000001", "het_test_add:0,0,0;het_test_other:0,0,0;");
  std::unique_ptr<LoadedKernel> add, other;
  HET_ASSERT_OK(load(*card, kernelInXclbin("add", "het_test_add", shared), add));
  HET_ASSERT_OK(load(*card, kernelInXclbin("other", "het_test_other", shared), other));
  std::string log = fakeLog();
  EXPECT_EQ(log.find("xrtDeviceLoadXclbinHandle"), log.rfind("xrtDeviceLoadXclbinHandle")) << log;
  EXPECT_THAT(log, HasSubstr("xrtPLKernelOpen het_test_add\n"));
  EXPECT_THAT(log, HasSubstr("xrtPLKernelOpen het_test_other\n"));
}

TEST(XrtDeviceTest, RefusesAnotherXclbinWhileKernelsAreInUse) {
  std::unique_ptr<Device> card = createFakeCard();
  test::KernelWithImages first =
      kernelInXclbin("add", "het_test_add", test::fakeXclbin("first-0000000001", "het_test_add:0,0,0;"));
  test::KernelWithImages second =
      kernelInXclbin("add2", "het_test_add", test::fakeXclbin("second-000000001", "het_test_add:0,0,0;"));
  std::unique_ptr<LoadedKernel> kernel, refused;
  HET_ASSERT_OK(load(*card, first, kernel));
  test::StatusResult result = take(load(*card, second, refused));
  EXPECT_EQ(result.code, HET_STATUS_UNSUPPORTED);
  EXPECT_THAT(result.message, HasSubstr("kernel 'add2' (xrt variant 'xclbin'): its xclbin is not the one on the card"));
  EXPECT_THAT(fakeLog(), Not(HasSubstr("xrtDeviceLoadXclbinHandle second")));
  // Once the first kernel is closed, the card may be programmed again.
  kernel.reset();
  HET_ASSERT_OK(load(*card, second, refused));
  EXPECT_THAT(fakeLog(), HasSubstr("xrtDeviceLoadXclbinHandle second-000000001\n"));
}

TEST(XrtDeviceTest, MovesBuffersToTheBankOfTheirArgument) {
  std::unique_ptr<Device> card = createFakeCard();
  // x is connected to bank 0, y and sum to bank 1; the buffers are made before the kernel, in bank 0.
  std::vector<float> x = test::ramp(0), y = test::ramp(10), sum(32);
  std::unique_ptr<DeviceBuffer> buffers[3];
  for (auto &buffer : buffers)
    HET_ASSERT_OK(card->allocate(sizeof(float) * 32, buffer));
  HET_ASSERT_OK(card->copyToDevice(*buffers[0], x.data()));
  HET_ASSERT_OK(card->copyToDevice(*buffers[1], y.data()));
  std::unique_ptr<LoadedKernel> kernel;
  HET_ASSERT_OK(load(*card,
                     kernelInXclbin("add", "het_test_add", test::fakeXclbin("banks-0000000001", "het_test_add:0,1,1;")),
                     kernel));
  DeviceBuffer *arguments[] = {buffers[0].get(), buffers[1].get(), buffers[2].get()};
  HET_ASSERT_OK(card->launch(*kernel, arguments));
  HET_ASSERT_OK(card->copyFromDevice(*buffers[2], sum.data()));
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(sum[i], x[i] + y[i]) << "element " << i;
  std::string log = fakeLog();
  EXPECT_THAT(log, HasSubstr("xrtBOAlloc 128 group=0\nxrtBOAlloc 128 group=0\nxrtBOAlloc 128 group=0\n"));
  EXPECT_THAT(log, HasSubstr("xrtBOWrite 128\nxrtBOSync to-device 128\n"));
  EXPECT_THAT(log, HasSubstr("xrtBOAlloc 128 group=1\nxrtBOCopy 128 group=0 to group=1\n"
                             "xrtBOAlloc 128 group=1\nxrtBOCopy 128 group=0 to group=1\nxrtRunStart het_test_add\n"));
  EXPECT_THAT(log, HasSubstr("xrtBOSync from-device 128\nxrtBORead 128\n"));
  EXPECT_THAT(log, Not(HasSubstr("is not in bank")));
  // Buffers made after the kernel start in the bank of its first argument.
  std::unique_ptr<DeviceBuffer> later;
  HET_ASSERT_OK(card->allocate(64, later));
  EXPECT_THAT(fakeLog(), ::testing::EndsWith("xrtBOAlloc 64 group=0\n"));
}

TEST(XrtDeviceTest, ReportsARunThatDoesNotComplete) {
  std::unique_ptr<Device> card = createFakeCard();
  std::unique_ptr<LoadedKernel> kernel;
  // The xclbin's kernel takes a fourth argument the manifest does not bind: the run is started without it and
  // the fake card, like a real one, ends it in error.
  HET_ASSERT_OK(
      load(*card, kernelInXclbin("add", "het_test_add", test::fakeXclbin("fails-0000000001", "het_test_add:0,0,0,0;")),
           kernel));
  std::unique_ptr<DeviceBuffer> buffers[3];
  for (auto &buffer : buffers)
    HET_ASSERT_OK(card->allocate(128, buffer));
  DeviceBuffer *arguments[] = {buffers[0].get(), buffers[1].get(), buffers[2].get()};
  test::StatusResult result = take(card->launch(*kernel, arguments));
  EXPECT_EQ(result.code, HET_STATUS_UNAVAILABLE);
  EXPECT_THAT(result.message, HasSubstr("xrt: kernel 'add' (xrt variant 'xclbin') ended in command state 5"));
}

TEST(XrtDeviceTest, NamesAKernelTheXclbinLacks) {
  std::unique_ptr<Device> card = createFakeCard();
  std::unique_ptr<LoadedKernel> kernel;
  test::StatusResult result = take(load(
      *card, kernelInXclbin("add", "het_test_missing", test::fakeXclbin("missing-00000001", "het_test_add:0,0,0;")),
      kernel));
  EXPECT_EQ(result.code, HET_STATUS_NOT_FOUND);
  EXPECT_THAT(result.message, HasSubstr("its xclbin has no kernel named 'het_test_missing'"));
}

TEST(XrtDeviceTest, RejectsAnImageThatIsNotAnXclbin) {
  std::unique_ptr<Device> card = createFakeCard();
  std::unique_ptr<LoadedKernel> kernel;
  test::StatusResult result = take(load(*card, kernelInXclbin("add", "het_test_add", "not an xclbin"), kernel));
  EXPECT_EQ(result.code, HET_STATUS_INVALID_FORMAT);
  EXPECT_THAT(result.message, HasSubstr("its image is not an xclbin XRT can read"));
}

TEST(XrtDeviceTest, ReleasesEveryHandle) {
  int before = test::FakeXrt::get().liveHandles();
  {
    std::unique_ptr<Device> card = createFakeCard();
    std::unique_ptr<LoadedKernel> kernel;
    HET_ASSERT_OK(
        load(*card, kernelInXclbin("add", "het_test_add", test::fakeXclbin("release-00000001", "het_test_add:0,0,0;")),
             kernel));
    std::unique_ptr<DeviceBuffer> buffer;
    HET_ASSERT_OK(card->allocate(16, buffer));
    // The card, its xclbin, the kernel and the buffer.
    EXPECT_EQ(test::FakeXrt::get().liveHandles(), before + 4);
  }
  EXPECT_EQ(test::FakeXrt::get().liveHandles(), before);
  EXPECT_THAT(fakeLog(), ::testing::EndsWith("xrtKernelClose het_test_add\nxrtDeviceClose\n"));
}

TEST(XrtDeviceTest, IsUnavailableWithoutACard) {
  std::unique_ptr<Device> card = createFakeCard(0);
  EXPECT_FALSE(card->info().available);
  EXPECT_EQ(card->info().reason, "XRT found, but no FPGA card: xclProbe reports 0 devices");
}

// Where XRT is installed, every entry point of the driver's table resolves in it: the device is available, or
// unavailable for want of a card, never for a missing symbol.
TEST(XrtDeviceTest, FindsEveryEntryPointInTheInstalledXrt) {
  void *installed = ::dlopen("libxrt_coreutil.so.2", RTLD_NOW | RTLD_LOCAL);
  if (!installed)
    GTEST_SKIP() << "XRT is not installed (no libxrt_coreutil.so.2)";
  ::dlclose(installed);
  std::unique_ptr<Device> card = createXrtDevice({});
  EXPECT_THAT(card->info().reason, Not(HasSubstr("lacks XRT C API entry points")));
}

TEST(XrtDeviceTest, IsUnavailableWhenTheLibraryIsMissing) {
  test::ScopedEnvironment library("HET_XRT_LIBRARY", "/nonexistent/libxrt-for-het-tests.so");
  std::unique_ptr<Device> card = createXrtDevice({});
  EXPECT_FALSE(card->info().available);
  EXPECT_THAT(card->info().reason, HasSubstr("cannot open /nonexistent/libxrt-for-het-tests.so (HET_XRT_LIBRARY)"));
}

} // namespace
} // namespace het::runtime
