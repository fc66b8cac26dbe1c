// Builds the sample .hetbin of the format tests, fuzz seed and tool tests.
#include "SampleHetbin.h"

#include <string_view>

namespace het::format::sample {
namespace {

std::vector<std::byte> bytesOf(std::string_view text) {
  const auto *data = reinterpret_cast<const std::byte *>(text.data());
  return {data, data + text.size()};
}

/// Little-endian f32 values 0, 1, 2, ... so that dumps of the constants are
/// recognizable.
std::vector<std::byte> rampOfFloats(std::size_t count, float first) {
  std::vector<std::byte> bytes;
  for (std::size_t i = 0; i < count; ++i) {
    float value = first + static_cast<float>(i);
    std::uint32_t bits;
    static_assert(sizeof bits == sizeof value);
    __builtin_memcpy(&bits, &value, sizeof bits);
    for (unsigned b = 0; b < 4; ++b)
      bytes.push_back(static_cast<std::byte>(bits >> (8 * b)));
  }
  return bytes;
}

void setType(hetbin::TensorType *type, hetbin::DType dtype,
             std::initializer_list<std::int64_t> shape) {
  type->set_dtype(dtype);
  for (std::int64_t dim : shape)
    type->add_shape(dim);
}

void addBinding(hetbin::Kernel *kernel, const char *name, hetbin::Access access,
                std::initializer_list<std::int64_t> shape) {
  hetbin::Binding *binding = kernel->add_bindings();
  binding->set_name(name);
  binding->set_access(access);
  setType(binding->mutable_type(), hetbin::FLOAT32, shape);
}

hetbin::Variant *addVariant(hetbin::Kernel *kernel, const char *name,
                            hetbin::TargetKind kind, hetbin::ImageFormat format,
                            std::uint32_t section, const char *entryPoint) {
  hetbin::Variant *variant = kernel->add_variants();
  variant->set_name(name);
  variant->mutable_target()->set_kind(kind);
  variant->set_format(format);
  variant->set_image_section(section);
  variant->set_entry_point(entryPoint);
  return variant;
}

} // namespace

SampleHetbin buildSampleHetbin() {
  SampleHetbin sample;
  auto add = [&](SectionKind kind, std::vector<std::byte> payload) {
    sample.payloads.push_back(payload);
    return sample.writer.addSection(kind, std::move(payload));
  };
  std::uint32_t weightSection =
      add(SectionKind::Constant, rampOfFloats(16, 0.0f));
  std::uint32_t biasSection =
      add(SectionKind::Constant, rampOfFloats(4, 100.0f));
  // Stand-ins for real images: the container does not look inside them.
  std::uint32_t matmulCpu =
      add(SectionKind::Image, bytesOf("\x7f"
                                      "ELF stand-in for matmul, x86-64-v3\n"));
  std::uint32_t matmulPtx =
      add(SectionKind::Image,
          bytesOf(".version 8.0\n.target sm_90\n.address_size 64\n"
                  ".visible .entry matmul()\n{\n  ret;\n}\n"));
  std::uint32_t matmulHls =
      add(SectionKind::Image, bytesOf("extern \"C\" void matmul(const float "
                                      "*x, const float *w, float *y) {}\n"));
  std::uint32_t addBiasCpu =
      add(SectionKind::Image, bytesOf("\x7f"
                                      "ELF stand-in for add_bias, x86-64\n"));

  hetbin::Manifest &manifest = sample.manifest;
  manifest.set_producer("hetbin-write-sample");
  manifest.set_source("sample");

  hetbin::Input *x = manifest.add_inputs();
  x->set_name("x");
  setType(x->mutable_type(), hetbin::FLOAT32, {-1, 4});

  hetbin::Constant *w = manifest.add_constants();
  w->set_name("w");
  setType(w->mutable_type(), hetbin::FLOAT32, {4, 4});
  w->set_section(weightSection);
  hetbin::Constant *b = manifest.add_constants();
  b->set_name("b");
  setType(b->mutable_type(), hetbin::FLOAT32, {4});
  b->set_section(biasSection);

  hetbin::Kernel *matmul = manifest.add_kernels();
  matmul->set_name("matmul");
  addBinding(matmul, "x", hetbin::READ, {-1, 4});
  addBinding(matmul, "w", hetbin::READ, {4, 4});
  addBinding(matmul, "y", hetbin::WRITE, {-1, 4});
  matmul->mutable_cost()->set_flops(32);
  matmul->mutable_cost()->set_bytes_read(80);
  matmul->mutable_cost()->set_bytes_written(16);
  hetbin::Variant *cpu =
      addVariant(matmul, "cpu", hetbin::CPU, hetbin::ELF_SHARED_OBJECT,
                 matmulCpu, "matmul_x86_64_v3");
  cpu->mutable_target()->set_cpu_feature_level("x86-64-v3");
  cpu->mutable_launch()->add_grid(1);
  hetbin::Variant *ptx = addVariant(matmul, "sm_90", hetbin::PTX,
                                    hetbin::PTX_TEXT, matmulPtx, "matmul");
  ptx->mutable_target()->set_cuda_arch("sm_90");
  ptx->mutable_launch()->add_grid(1);
  ptx->mutable_launch()->add_block(128);
  hetbin::Variant *hls = addVariant(matmul, "u250", hetbin::HLS,
                                    hetbin::HLS_CPP, matmulHls, "matmul");
  hls->mutable_target()->set_fpga_part("xcu250-figd2104-2L-e");

  hetbin::Kernel *addBias = manifest.add_kernels();
  addBias->set_name("add_bias");
  addBinding(addBias, "y", hetbin::READ, {-1, 4});
  addBinding(addBias, "b", hetbin::READ, {4});
  addBinding(addBias, "z", hetbin::READ_WRITE, {-1, 4});
  hetbin::Variant *biasCpu =
      addVariant(addBias, "cpu", hetbin::CPU, hetbin::ELF_SHARED_OBJECT,
                 addBiasCpu, "add_bias_x86_64");
  biasCpu->mutable_target()->set_cpu_feature_level("x86-64");

  hetbin::Dispatch *first = manifest.mutable_graph()->add_dispatches();
  first->set_kernel(0);
  first->add_operands()->set_input(0);
  first->add_operands()->set_constant(0);
  setType(first->add_results(), hetbin::FLOAT32, {-1, 4});

  hetbin::Dispatch *second = manifest.mutable_graph()->add_dispatches();
  second->set_kernel(1);
  hetbin::ValueRef::DispatchResult *y =
      second->add_operands()->mutable_dispatch_result();
  y->set_dispatch(0);
  y->set_result(0);
  second->add_operands()->set_constant(1);
  setType(second->add_results(), hetbin::FLOAT32, {-1, 4});

  hetbin::Output *z = manifest.add_outputs();
  z->set_name("z");
  setType(z->mutable_type(), hetbin::FLOAT32, {-1, 4});
  z->mutable_value()->mutable_dispatch_result()->set_dispatch(1);
  z->mutable_value()->mutable_dispatch_result()->set_result(0);
  return sample;
}

} // namespace het::format::sample
