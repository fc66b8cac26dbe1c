// Builds the runtime tests' .hetbin modules with the format library's writer.
#include "TestModules.h"

#include "het/format/HetbinWriter.h"

#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <stdexcept>

namespace het::test {
namespace {

using format::SectionKind;

std::vector<std::byte> readFile(const char *path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw std::runtime_error(std::string("cannot read test kernel image ") + path);
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto *begin = reinterpret_cast<const std::byte *>(bytes.data());
  return {begin, begin + bytes.size()};
}

void setType(hetbin::TensorType *type, hetbin::DType dtype, const std::vector<std::int64_t> &shape) {
  type->set_dtype(dtype);
  for (std::int64_t dimension : shape)
    type->add_shape(dimension);
}

struct BindingSpec {
  const char *name;
  hetbin::Access access = hetbin::READ;
  hetbin::DType dtype = hetbin::FLOAT32;
  std::vector<std::int64_t> shape = {4, 8};
};

/// A manifest and its sections under construction.
class ModuleBuilder {
public:
  explicit ModuleBuilder(const char *source) {
    manifest_.set_producer("hetrun-test-modules");
    manifest_.set_source(source);
  }

  std::uint32_t addImage(const std::vector<std::byte> &image) {
    return writer_.addSection(SectionKind::Image, std::span<const std::byte>(image));
  }
  void addInput(const char *name, hetbin::DType dtype, std::initializer_list<std::int64_t> shape) {
    hetbin::Input *input = manifest_.add_inputs();
    input->set_name(name);
    setType(input->mutable_type(), dtype, shape);
  }
  void addFloatConstant(const char *name, const std::vector<float> &values) {
    std::vector<std::byte> bytes(values.size() * sizeof(float));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    hetbin::Constant *constant = manifest_.add_constants();
    constant->set_name(name);
    setType(constant->mutable_type(), hetbin::FLOAT32, {static_cast<std::int64_t>(values.size())});
    constant->set_section(writer_.addSection(SectionKind::Constant, std::move(bytes)));
  }
  hetbin::Kernel *addKernel(const char *name, std::initializer_list<BindingSpec> bindings) {
    hetbin::Kernel *kernel = manifest_.add_kernels();
    kernel->set_name(name);
    for (const BindingSpec &spec : bindings) {
      hetbin::Binding *binding = kernel->add_bindings();
      binding->set_name(spec.name);
      binding->set_access(spec.access);
      setType(binding->mutable_type(), spec.dtype, spec.shape);
    }
    return kernel;
  }
  static void addCpuVariant(hetbin::Kernel *kernel, const char *level, std::uint32_t image, const char *entry,
                            std::uint64_t tiles) {
    hetbin::Variant *variant = kernel->add_variants();
    variant->set_name(std::string("cpu-") + level);
    variant->mutable_target()->set_kind(hetbin::CPU);
    variant->mutable_target()->set_cpu_feature_level(level);
    variant->set_format(hetbin::ELF_SHARED_OBJECT);
    variant->set_image_section(image);
    variant->set_entry_point(entry);
    variant->mutable_launch()->add_grid(tiles);
  }
  static void addCsimVariant(hetbin::Kernel *kernel, std::uint32_t image, const char *entry) {
    hetbin::Variant *variant = kernel->add_variants();
    variant->set_name("hls-csim");
    variant->mutable_target()->set_kind(hetbin::HLS);
    variant->mutable_target()->set_fpga_part("xcu250-figd2104-2L-e");
    variant->set_format(hetbin::HLS_CSIM_SHARED_OBJECT);
    variant->set_image_section(image);
    variant->set_entry_point(entry);
  }
  /// Dispatch of `kernel` on `operands`, with one result of the given type; returns its index.
  std::uint32_t addDispatch(std::uint32_t kernel, std::initializer_list<hetbin::ValueRef> operands,
                            hetbin::DType dtype = hetbin::FLOAT32, std::initializer_list<std::int64_t> shape = {4, 8}) {
    hetbin::Dispatch *dispatch = manifest_.mutable_graph()->add_dispatches();
    dispatch->set_kernel(kernel);
    for (const hetbin::ValueRef &operand : operands)
      *dispatch->add_operands() = operand;
    setType(dispatch->add_results(), dtype, shape);
    return static_cast<std::uint32_t>(manifest_.graph().dispatches_size() - 1);
  }
  void addOutput(const char *name, const hetbin::ValueRef &value, hetbin::DType dtype,
                 std::initializer_list<std::int64_t> shape) {
    hetbin::Output *output = manifest_.add_outputs();
    output->set_name(name);
    setType(output->mutable_type(), dtype, shape);
    *output->mutable_value() = value;
  }

  std::vector<std::byte> finish() const { return writer_.finish(manifest_); }

private:
  format::HetbinWriter writer_;
  hetbin::Manifest manifest_;
};

hetbin::ValueRef inputRef(std::uint32_t index) {
  hetbin::ValueRef ref;
  ref.set_input(index);
  return ref;
}
hetbin::ValueRef constantRef(std::uint32_t index) {
  hetbin::ValueRef ref;
  ref.set_constant(index);
  return ref;
}
hetbin::ValueRef resultRef(std::uint32_t dispatch) {
  hetbin::ValueRef ref;
  ref.mutable_dispatch_result()->set_dispatch(dispatch);
  ref.mutable_dispatch_result()->set_result(0);
  return ref;
}

/// Inputs x, y: f32[4x8], one add kernel, output "sum"; `addVariants` gives the kernel its variants.
template <typename AddVariants> std::vector<std::byte> buildAddModule(const char *source, AddVariants addVariants) {
  ModuleBuilder builder(source);
  builder.addInput("x", hetbin::FLOAT32, {4, 8});
  builder.addInput("y", hetbin::FLOAT32, {4, 8});
  addVariants(builder, builder.addKernel("add", {{"x"}, {"y"}, {"sum", hetbin::WRITE}}));
  std::uint32_t sum = builder.addDispatch(0, {inputRef(0), inputRef(1)});
  builder.addOutput("sum", resultRef(sum), hetbin::FLOAT32, {4, 8});
  return builder.finish();
}

} // namespace

KernelImages readKernelImages() { return {readFile(HET_TEST_CPU_KERNELS), readFile(HET_TEST_CSIM_KERNELS)}; }

std::vector<std::byte> buildAddScaleModule(const KernelImages &images) {
  ModuleBuilder builder("add-scale");
  std::uint32_t cpu = builder.addImage(images.cpu);
  std::uint32_t csim = builder.addImage(images.csim);
  builder.addInput("x", hetbin::FLOAT32, {4, 8});
  builder.addInput("y", hetbin::FLOAT32, {4, 8});
  builder.addFloatConstant("scale", {1, 2, 3, 4, 5, 6, 7, 8});
  hetbin::Kernel *add = builder.addKernel("add", {{"x"}, {"y"}, {"sum", hetbin::WRITE}});
  ModuleBuilder::addCpuVariant(add, "x86-64", cpu, "het_test_add", 4);
  ModuleBuilder::addCsimVariant(add, csim, "het_test_add_csim");
  hetbin::Kernel *scaleRows =
      builder.addKernel("scale_rows", {{"in"}, {"scale", hetbin::READ, hetbin::FLOAT32, {8}}, {"out", hetbin::WRITE}});
  ModuleBuilder::addCpuVariant(scaleRows, "x86-64", cpu, "het_test_scale_rows", 4);
  ModuleBuilder::addCsimVariant(scaleRows, csim, "het_test_scale_rows_csim");
  std::uint32_t sum = builder.addDispatch(0, {inputRef(0), inputRef(1)});
  std::uint32_t out = builder.addDispatch(1, {resultRef(sum), constantRef(0)});
  builder.addOutput("out", resultRef(out), hetbin::FLOAT32, {4, 8});
  builder.addOutput("sum/raw", resultRef(sum), hetbin::FLOAT32, {4, 8});
  builder.addOutput("x:echo", inputRef(0), hetbin::FLOAT32, {4, 8});
  builder.addOutput("scale", constantRef(0), hetbin::FLOAT32, {8});
  return builder.finish();
}

std::vector<std::byte> buildChainModule(const KernelImages &images) {
  ModuleBuilder builder("chain");
  std::uint32_t cpu = builder.addImage(images.cpu);
  std::uint32_t csim = builder.addImage(images.csim);
  builder.addInput("x", hetbin::FLOAT32, {4, 8});
  hetbin::Kernel *add = builder.addKernel("add", {{"x"}, {"y"}, {"sum", hetbin::WRITE}});
  ModuleBuilder::addCpuVariant(add, "x86-64", cpu, "het_test_add", 4);
  ModuleBuilder::addCsimVariant(add, csim, "het_test_add_csim");
  hetbin::ValueRef last = inputRef(0);
  for (int link = 0; link < 4; ++link)
    last = resultRef(builder.addDispatch(0, {last, last}));
  builder.addOutput("out", last, hetbin::FLOAT32, {4, 8});
  return builder.finish();
}

std::vector<std::byte> buildBranchesModule(const KernelImages &images) {
  ModuleBuilder builder("branches");
  std::uint32_t cpu = builder.addImage(images.cpu);
  std::uint32_t csim = builder.addImage(images.csim);
  builder.addInput("x", hetbin::FLOAT32, {4, 8});
  builder.addInput("y", hetbin::FLOAT32, {4, 8});
  hetbin::Kernel *slowAdd = builder.addKernel("slow_add", {{"x"}, {"y"}, {"sum", hetbin::WRITE}});
  slowAdd->mutable_cost()->set_flops(32);
  slowAdd->mutable_cost()->set_bytes_read(256);
  slowAdd->mutable_cost()->set_bytes_written(128);
  ModuleBuilder::addCpuVariant(slowAdd, "x86-64", cpu, "het_test_slow_add", 1);
  ModuleBuilder::addCsimVariant(slowAdd, csim, "het_test_slow_add_csim");
  hetbin::Kernel *add = builder.addKernel("add", {{"a"}, {"b"}, {"sum", hetbin::WRITE}});
  ModuleBuilder::addCpuVariant(add, "x86-64", cpu, "het_test_add", 4);
  std::uint32_t a = builder.addDispatch(0, {inputRef(0), inputRef(1)});
  std::uint32_t b = builder.addDispatch(0, {inputRef(1), inputRef(0)});
  std::uint32_t out = builder.addDispatch(1, {resultRef(a), resultRef(b)});
  builder.addOutput("out", resultRef(out), hetbin::FLOAT32, {4, 8});
  return builder.finish();
}

std::vector<std::byte> buildCpuOnlyModule(const KernelImages &images) {
  return buildAddModule("cpu-only", [&](ModuleBuilder &builder, hetbin::Kernel *add) {
    ModuleBuilder::addCpuVariant(add, "x86-64", builder.addImage(images.cpu), "het_test_add", 4);
  });
}

std::vector<std::byte> buildFeatureLevelModule(const KernelImages &images) {
  return buildAddModule("feature-levels", [&](ModuleBuilder &builder, hetbin::Kernel *add) {
    std::uint32_t image = builder.addImage(images.cpu);
    ModuleBuilder::addCpuVariant(add, "x86-64", image, "het_test_add", 4);
    ModuleBuilder::addCpuVariant(add, "x86-64-v2", image, "het_test_add_marked", 4);
    ModuleBuilder::addCpuVariant(add, "x86-64-v99", image, "het_test_no_such_entry", 1);
  });
}

std::vector<std::byte> buildThreadIdsModule(const KernelImages &images) {
  ModuleBuilder builder("thread-ids");
  std::uint32_t image = builder.addImage(images.cpu);
  hetbin::Kernel *kernel = builder.addKernel("thread_ids", {{"ids", hetbin::WRITE, hetbin::INT64, {64}}});
  ModuleBuilder::addCpuVariant(kernel, "x86-64", image, "het_test_thread_ids", 64);
  std::uint32_t ids = builder.addDispatch(0, {}, hetbin::INT64, {64});
  builder.addOutput("ids", resultRef(ids), hetbin::INT64, {64});
  return builder.finish();
}

std::vector<std::byte> buildIdentityModule() {
  ModuleBuilder builder("identity");
  builder.addInput("a", hetbin::INT64, {2, 3});
  builder.addInput("flags", hetbin::BOOL, {4});
  builder.addOutput("a", inputRef(0), hetbin::INT64, {2, 3});
  builder.addOutput("flags", inputRef(1), hetbin::BOOL, {4});
  return builder.finish();
}

std::vector<std::byte> buildBrokenImageModule() {
  return buildAddModule("broken-image", [&](ModuleBuilder &builder, hetbin::Kernel *add) {
    const char text[] = "\x7f"
                        "ELF? no: a truncated stand-in";
    const auto *begin = reinterpret_cast<const std::byte *>(text);
    ModuleBuilder::addCpuVariant(add, "x86-64", builder.addImage({begin, begin + sizeof text}), "het_test_add", 4);
  });
}

std::vector<std::byte> buildMissingEntryModule(const KernelImages &images) {
  return buildAddModule("missing-entry", [&](ModuleBuilder &builder, hetbin::Kernel *add) {
    ModuleBuilder::addCpuVariant(add, "x86-64", builder.addImage(images.cpu), "het_test_missing", 4);
  });
}

std::vector<std::pair<std::string, std::vector<std::byte>>> buildAllTestModules(const KernelImages &images) {
  return {{"add-scale.hetbin", buildAddScaleModule(images)},
          {"cpu-only.hetbin", buildCpuOnlyModule(images)},
          {"branches.hetbin", buildBranchesModule(images)},
          {"chain.hetbin", buildChainModule(images)},
          {"feature-levels.hetbin", buildFeatureLevelModule(images)},
          {"thread-ids.hetbin", buildThreadIdsModule(images)},
          {"identity.hetbin", buildIdentityModule()},
          {"broken-image.hetbin", buildBrokenImageModule()},
          {"missing-entry.hetbin", buildMissingEntryModule(images)}};
}

} // namespace het::test
