// What the driver tests share: parsed test modules, the add kernel in every driver's form, and the fake vendor
// libraries (libcuda, XRT).
#ifndef HET_TEST_RUNTIME_DRIVERS_DRIVERTESTING_H
#define HET_TEST_RUNTIME_DRIVERS_DRIVERTESTING_H

#include "TestModules.h"
#include "fake_cuda/FakeCuda.h"
#include "fake_xrt/FakeXrt.h"

#include "drivers/Device.h"
#include "het/format/HetbinReader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <dlfcn.h>
#include <memory>
#include <numeric>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace het::test {

/// A parsed module and the bytes it points into.
struct ParsedModule {
  std::vector<std::byte> bytes;
  std::unique_ptr<format::HetbinFile> file;
};

inline ParsedModule parse(std::vector<std::byte> bytes) {
  ParsedModule module{std::move(bytes), nullptr};
  std::string error;
  module.file = format::HetbinFile::parse(module.bytes, error);
  EXPECT_TRUE(module.file) << error;
  return module;
}

inline const KernelImages &images() {
  static const KernelImages images = readKernelImages();
  return images;
}

/// 32 floats first, first + 1, ...: the f32[4x8] operands of the add kernel.
inline std::vector<float> ramp(float first) {
  std::vector<float> values(32);
  std::iota(values.begin(), values.end(), first);
  return values;
}

inline runtime::Device &deviceNamed(std::vector<std::unique_ptr<runtime::Device>> &devices, const std::string &name) {
  for (auto &device : devices)
    if (device->info().name == name)
      return *device;
  throw std::runtime_error("no device " + name);
}

/// sum = x + y over f32[4x8] in the PTX ABI of docs/kernel-abi.md, one thread per element (threads past 32 do
/// nothing). Assembles with ptxas for sm_75 and newer.
inline constexpr const char *kAddPtx = R"(.version 6.4
.target sm_75
.address_size 64

.visible .entry het_test_add(.param .u64 x, .param .u64 y, .param .u64 sum)
{
  .reg .pred %p<2>;
  .reg .b32 %r<5>;
  .reg .f32 %f<4>;
  .reg .b64 %rd<10>;
  ld.param.u64 %rd1, [x];
  ld.param.u64 %rd2, [y];
  ld.param.u64 %rd3, [sum];
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %ntid.x;
  mov.u32 %r3, %tid.x;
  mad.lo.s32 %r4, %r1, %r2, %r3;
  setp.ge.s32 %p1, %r4, 32;
  @%p1 bra DONE;
  cvta.to.global.u64 %rd4, %rd1;
  cvta.to.global.u64 %rd5, %rd2;
  cvta.to.global.u64 %rd6, %rd3;
  mul.wide.s32 %rd7, %r4, 4;
  add.s64 %rd8, %rd4, %rd7;
  ld.global.f32 %f1, [%rd8];
  add.s64 %rd9, %rd5, %rd7;
  ld.global.f32 %f2, [%rd9];
  add.f32 %f3, %f1, %f2;
  add.s64 %rd8, %rd6, %rd7;
  st.global.f32 [%rd8], %f3;
DONE:
  ret;
}
)";

/// A kernel with its variants and each variant's image bytes, for calling Device::loadKernel directly.
struct KernelWithImages {
  hetbin::Kernel kernel;
  std::vector<std::vector<std::byte>> images; ///< by variant index

  std::span<const std::byte> imageOf(const hetbin::Variant &variant) const {
    for (int i = 0; i < kernel.variants_size(); ++i)
      if (&kernel.variants(i) == &variant)
        return images[static_cast<std::size_t>(i)];
    throw std::runtime_error("a variant of another kernel");
  }
  hetbin::Variant &addXclbinVariant(const std::string &name, const std::string &entry, const std::string &image) {
    hetbin::Variant *variant = kernel.add_variants();
    variant->set_name(name);
    variant->mutable_target()->set_kind(hetbin::HLS);
    variant->mutable_target()->set_fpga_part("xcu250-figd2104-2L-e");
    variant->set_format(hetbin::XCLBIN);
    variant->set_entry_point(entry);
    const auto *begin = reinterpret_cast<const std::byte *>(image.data());
    images.emplace_back(begin, begin + image.size());
    return *variant;
  }
  hetbin::Variant &addPtxVariant(const std::string &name, const std::string &arch, hetbin::ImageFormat format,
                                 const std::string &image) {
    hetbin::Variant *variant = kernel.add_variants();
    variant->set_name(name);
    variant->mutable_target()->set_kind(hetbin::PTX);
    variant->mutable_target()->set_cuda_arch(arch);
    variant->set_format(format);
    variant->set_entry_point("het_test_add");
    variant->mutable_launch()->add_grid(4);
    variant->mutable_launch()->add_block(8);
    const auto *begin = reinterpret_cast<const std::byte *>(image.data());
    images.emplace_back(begin, begin + image.size());
    return *variant;
  }
};

/// A fake XRT's xclbin (fake_xrt/FakeXrt.c): `uuid` (16 characters) and "<kernel>:<bank of each argument>;...".
inline std::string fakeXclbin(const std::string &uuid, const std::string &kernels) {
  std::string xclbin("xclbin2", 8);
  return xclbin + uuid.substr(0, 16) + kernels + std::string(1, '\0');
}

/// The add kernel (sum = x + y, f32[4x8]) of the add-scale test module, with its cpu and fpga-sim variants and
/// a PTX variant for sm_75 (kAddPtx, grid 4 x block 8).
inline KernelWithImages addKernelForEveryDriver() {
  ParsedModule module = parse(buildAddScaleModule(images()));
  KernelWithImages result;
  result.kernel = module.file->manifest().kernels(0);
  for (const hetbin::Variant &variant : result.kernel.variants()) {
    std::span<const std::byte> image = module.file->sectionData(variant.image_section());
    result.images.emplace_back(image.begin(), image.end());
  }
  result.addPtxVariant("ptx-sm_75", "sm_75", hetbin::PTX_TEXT, kAddPtx);
  return result;
}

/// `name` from the fake library at `path`: the same loaded copy the driver under test opens.
template <typename Function> Function fakeControl(const char *path, const char *name) {
  void *library = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
  void *address = library ? ::dlsym(library, name) : nullptr;
  if (!address)
    throw std::runtime_error(std::string("cannot find ") + name + " in " + path);
  return reinterpret_cast<Function>(address);
}

/// The controls of the fake libcuda (fake_cuda/FakeCuda.c).
struct FakeCuda {
  decltype(&fake_cuda_configure) configure;
  decltype(&fake_cuda_log) log;
  decltype(&fake_cuda_live_handles) liveHandles;
  decltype(&fake_cuda_context_depth) contextDepth;
  decltype(&fake_cuda_set_calibration_speed) setCalibrationSpeed;

  static const FakeCuda &get() {
    static const FakeCuda controls{
        fakeControl<decltype(configure)>(HET_TEST_FAKE_CUDA_LIBRARY, "fake_cuda_configure"),
        fakeControl<decltype(log)>(HET_TEST_FAKE_CUDA_LIBRARY, "fake_cuda_log"),
        fakeControl<decltype(liveHandles)>(HET_TEST_FAKE_CUDA_LIBRARY, "fake_cuda_live_handles"),
        fakeControl<decltype(contextDepth)>(HET_TEST_FAKE_CUDA_LIBRARY, "fake_cuda_context_depth"),
        fakeControl<decltype(setCalibrationSpeed)>(HET_TEST_FAKE_CUDA_LIBRARY, "fake_cuda_set_calibration_speed")};
    return controls;
  }
};

/// The controls of the fake XRT (fake_xrt/FakeXrt.c).
struct FakeXrt {
  decltype(&fake_xrt_configure) configure;
  decltype(&fake_xrt_log) log;
  decltype(&fake_xrt_live_handles) liveHandles;

  static const FakeXrt &get() {
    static const FakeXrt controls{
        fakeControl<decltype(configure)>(HET_TEST_FAKE_XRT_LIBRARY, "fake_xrt_configure"),
        fakeControl<decltype(log)>(HET_TEST_FAKE_XRT_LIBRARY, "fake_xrt_log"),
        fakeControl<decltype(liveHandles)>(HET_TEST_FAKE_XRT_LIBRARY, "fake_xrt_live_handles")};
    return controls;
  }
};

/// Sets an environment variable for the life of the object, then restores what it was.
class ScopedEnvironment {
public:
  ScopedEnvironment(const char *name, const std::string &value) : name_(name) {
    if (const char *old = std::getenv(name))
      old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnvironment() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

private:
  const char *name_;
  std::optional<std::string> old_;
};

} // namespace het::test

#endif // HET_TEST_RUNTIME_DRIVERS_DRIVERTESTING_H
