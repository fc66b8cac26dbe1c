// Lowers the het dialect's executables, graph and constants into a .hetbin manifest plus raw sections.
#include "compiler/Package/HetbinSerializer.h"

#include "dialects/Het/IR/HetOps.h"
#include "het/format/HetbinReader.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;
namespace hb = het::hetbin;

namespace het {
namespace {

/// Maps an MLIR element type to a manifest dtype; DTYPE_UNSPECIFIED when the format has no equivalent.
hb::DType dtypeOf(Type type) {
  if (type.isF32())
    return hb::FLOAT32;
  if (type.isF16())
    return hb::FLOAT16;
  if (type.isBF16())
    return hb::BFLOAT16;
  if (type.isF64())
    return hb::FLOAT64;
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer)
    return hb::DTYPE_UNSPECIFIED;
  if (integer.getWidth() == 1)
    return hb::BOOL;
  // ONNX integers are signed; MLIR writes them signless.
  bool isUnsigned = integer.isUnsigned();
  switch (integer.getWidth()) {
  case 8:
    return isUnsigned ? hb::UINT8 : hb::INT8;
  case 16:
    return isUnsigned ? hb::UINT16 : hb::INT16;
  case 32:
    return isUnsigned ? hb::UINT32 : hb::INT32;
  case 64:
    return isUnsigned ? hb::UINT64 : hb::INT64;
  default:
    return hb::DTYPE_UNSPECIFIED;
  }
}

LogicalResult convertType(Operation *op, Type type, hb::TensorType &out) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return op->emitError() << "cannot package " << type << ": only ranked tensors cross kernel boundaries";
  hb::DType dtype = dtypeOf(tensor.getElementType());
  if (dtype == hb::DTYPE_UNSPECIFIED)
    return op->emitError() << "cannot package element type " << tensor.getElementType()
                           << ": supported are f16, bf16, f32, f64, i1, i8-i64 and ui8-ui64";
  out.set_dtype(dtype);
  for (int64_t dim : tensor.getShape())
    out.add_shape(ShapedType::isDynamic(dim) ? -1 : dim);
  return success();
}

/// The dense little-endian bytes of a constant, one byte per boolean.
FailureOr<std::vector<std::byte>> constantBytes(ConstantOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  std::vector<std::byte> bytes;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue())) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return op.emitError() << "constant '" << op.getName() << "' refers to resource '"
                            << resource.getRawHandle().getKey() << "' whose data is missing";
    ArrayRef<char> data = blob->getData();
    auto *begin = reinterpret_cast<const std::byte *>(data.data());
    bytes.assign(begin, begin + data.size());
    return bytes;
  }
  auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
  if (!dense)
    return op.emitError() << "constant '" << op.getName()
                          << "' must be a dense or dense_resource elements attribute";
  int64_t count = type.getNumElements();
  if (type.getElementType().isInteger(1)) {
    for (bool value : dense.getValues<bool>())
      bytes.push_back(std::byte(value ? 1 : 0));
    return bytes;
  }
  ArrayRef<char> raw = dense.getRawData();
  auto *begin = reinterpret_cast<const std::byte *>(raw.data());
  if (dense.isSplat()) {
    for (int64_t i = 0; i < count; ++i)
      bytes.insert(bytes.end(), begin, begin + raw.size());
  } else {
    bytes.assign(begin, begin + raw.size());
  }
  return bytes;
}

hb::Target convertTarget(TargetAttrInterface target) {
  hb::Target out;
  if (auto cpu = dyn_cast<CPUTargetAttr>(target)) {
    out.set_kind(hb::CPU);
    out.set_cpu_feature_level(cpu.getFeatureLevel().str());
  } else if (auto ptx = dyn_cast<PTXTargetAttr>(target)) {
    out.set_kind(hb::PTX);
    out.set_cuda_arch(ptx.getArch().str());
  } else if (auto hls = dyn_cast<HLSTargetAttr>(target)) {
    out.set_kind(hb::HLS);
    out.set_fpga_part(hls.getPart().str());
  }
  return out;
}

hb::ImageFormat convertFormat(ImageFormat format) {
  switch (format) {
  case ImageFormat::Elf:
    return hb::ELF_SHARED_OBJECT;
  case ImageFormat::Ptx:
    return hb::PTX_TEXT;
  case ImageFormat::Cubin:
    return hb::CUBIN;
  case ImageFormat::HlsCpp:
    return hb::HLS_CPP;
  case ImageFormat::HlsCsim:
    return hb::HLS_CSIM_SHARED_OBJECT;
  case ImageFormat::Xclbin:
    return hb::XCLBIN;
  }
  llvm_unreachable("unknown image format");
}

/// Image bytes -> the Image section that holds them. The keys point into the variants' image attributes, which the
/// MLIR context keeps alive for the whole serialization.
using ImageSections = llvm::DenseMap<StringRef, uint32_t>;

LogicalResult convertExecutable(ExecutableOp executable, format::HetbinWriter &writer, ImageSections &imageSections,
                                hb::Kernel &kernel) {
  kernel.set_name(executable.getSymName().str());
  FunctionType signature = executable.getFunctionType();
  auto addBindings = [&](TypeRange types, hb::Access access, StringRef prefix) -> LogicalResult {
    for (auto [index, type] : llvm::enumerate(types)) {
      hb::Binding &binding = *kernel.add_bindings();
      binding.set_name((prefix + Twine(index)).str());
      binding.set_access(access);
      if (failed(convertType(executable, type, *binding.mutable_type())))
        return failure();
    }
    return success();
  };
  if (failed(addBindings(signature.getInputs(), hb::READ, "in")) ||
      failed(addBindings(signature.getResults(), hb::WRITE, "out")))
    return failure();
  // Frontends that know their kernels' parameter names (C++ kernels) record them, and which results the kernel
  // also reads (het::inout), for the runtime's kernel launches.
  if (auto names = executable->getAttrOfType<ArrayAttr>("het.binding_names")) {
    if (names.size() != static_cast<size_t>(kernel.bindings_size()))
      return executable.emitError() << "het.binding_names has " << names.size() << " names for "
                                    << kernel.bindings_size() << " bindings";
    for (auto [index, name] : llvm::enumerate(names.getAsValueRange<StringAttr>()))
      kernel.mutable_bindings(static_cast<int>(index))->set_name(name.str());
  }
  if (auto readWrite = executable->getAttrOfType<DenseI64ArrayAttr>("het.read_write_results"))
    for (int64_t result : readWrite.asArrayRef()) {
      if (result < 0 || result >= static_cast<int64_t>(signature.getNumResults()))
        return executable.emitError() << "het.read_write_results names result " << result << " of "
                                      << signature.getNumResults();
      kernel.mutable_bindings(static_cast<int>(signature.getNumInputs() + result))->set_access(hb::READ_WRITE);
    }
  if (CostAttr cost = executable.getCostAttr()) {
    kernel.mutable_cost()->set_flops(cost.getFlops());
    kernel.mutable_cost()->set_bytes_read(cost.getBytesRead());
    kernel.mutable_cost()->set_bytes_written(cost.getBytesWritten());
  }
  for (auto variant : executable.getVariants()) {
    std::optional<StringRef> image = variant.getImage();
    if (!image)
      return variant.emitError() << "variant @" << variant.getSymName() << " of @" << executable.getSymName()
                                 << " has no compiled image: run the target's code generation first";
    hb::Variant &out = *kernel.add_variants();
    out.set_name(variant.getSymName().str());
    *out.mutable_target() = convertTarget(variant.getTarget());
    out.set_format(convertFormat(variant.getFormat()));
    out.set_entry_point(variant.getEntryPoint().str());
    for (int64_t size : variant.getGrid().value_or(ArrayRef<int64_t>{}))
      out.mutable_launch()->add_grid(size);
    for (int64_t size : variant.getBlock().value_or(ArrayRef<int64_t>{}))
      out.mutable_launch()->add_block(size);
    // Identical images are stored once: every kernel of a linked design has an xclbin variant holding the same
    // xclbin, and the format lets several variants refer to one section.
    auto [section, inserted] = imageSections.try_emplace(*image, 0);
    if (inserted) {
      auto *begin = reinterpret_cast<const std::byte *>(image->data());
      section->second = writer.addSection(format::SectionKind::Image, {begin, image->size()});
    }
    out.set_image_section(section->second);
  }
  return success();
}

/// Packages the host graph: its arguments become inputs, constants become sections, dispatches keep order.
LogicalResult convertGraph(GraphOp graph, const llvm::DenseMap<Operation *, uint32_t> &kernelIndex,
                           format::HetbinWriter &writer, hb::Manifest &manifest) {
  llvm::DenseMap<Value, hb::ValueRef> values;
  auto nameOf = [](DictionaryAttr attrs, StringRef fallback, unsigned index) {
    if (attrs)
      if (auto name = attrs.getAs<StringAttr>("het.name"))
        return name.str();
    return (fallback + Twine(index)).str();
  };
  // MLIR integers are signless: the frontend records the signedness of a graph input or output it cannot
  // express as `het.dtype = "uint8"` (a numpy name), and the manifest takes it from there.
  auto applyDeclaredDType = [&](DictionaryAttr attrs, hb::TensorType &type) -> LogicalResult {
    auto declared = attrs ? attrs.getAs<StringAttr>("het.dtype") : StringAttr();
    if (!declared)
      return success();
    hb::DType dtype;
    if (!hb::DType_Parse(StringRef(declared.getValue()).upper(), &dtype) ||
        format::dtypeSize(dtype) != format::dtypeSize(type.dtype()))
      return graph.emitError() << "het.dtype = \"" << declared.getValue() << "\" does not fit the element type "
                               << format::dtypeName(type.dtype()) << " it annotates";
    type.set_dtype(dtype);
    return success();
  };
  for (BlockArgument argument : graph.getArguments()) {
    hb::Input &input = *manifest.add_inputs();
    DictionaryAttr attrs = graph.getArgAttrDict(argument.getArgNumber());
    input.set_name(nameOf(attrs, "input", argument.getArgNumber()));
    if (failed(convertType(graph, argument.getType(), *input.mutable_type())) ||
        failed(applyDeclaredDType(attrs, *input.mutable_type())))
      return failure();
    values[argument].set_input(argument.getArgNumber());
  }
  for (Operation &op : graph.getBody().front()) {
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      FailureOr<std::vector<std::byte>> bytes = constantBytes(constant);
      if (failed(bytes))
        return failure();
      hb::Constant &out = *manifest.add_constants();
      out.set_name(constant.getName().str());
      if (failed(convertType(constant, constant.getType(), *out.mutable_type())))
        return failure();
      out.set_section(writer.addSection(format::SectionKind::Constant, std::move(*bytes)));
      values[constant.getResult()].set_constant(manifest.constants_size() - 1);
    } else if (auto dispatch = dyn_cast<DispatchOp>(op)) {
      auto executable = SymbolTable::lookupNearestSymbolFrom<ExecutableOp>(dispatch, dispatch.getCalleeAttr());
      uint32_t dispatchIndex = manifest.graph().dispatches_size();
      hb::Dispatch &out = *manifest.mutable_graph()->add_dispatches();
      out.set_kernel(kernelIndex.at(executable));
      for (Value operand : dispatch.getOperands())
        *out.add_operands() = values.at(operand);
      for (OpResult result : dispatch.getResults()) {
        if (failed(convertType(dispatch, result.getType(), *out.add_results())))
          return failure();
        hb::ValueRef &ref = values[result];
        ref.mutable_dispatch_result()->set_dispatch(dispatchIndex);
        ref.mutable_dispatch_result()->set_result(result.getResultNumber());
      }
    } else if (auto ret = dyn_cast<ReturnOp>(op)) {
      for (auto [index, operand] : llvm::enumerate(ret.getOperands())) {
        hb::Output &output = *manifest.add_outputs();
        DictionaryAttr attrs = graph.getResultAttrDict(index);
        output.set_name(nameOf(attrs, "output", index));
        if (failed(convertType(ret, operand.getType(), *output.mutable_type())) ||
            failed(applyDeclaredDType(attrs, *output.mutable_type())))
          return failure();
        *output.mutable_value() = values.at(operand);
      }
    }
  }
  return success();
}

} // namespace

LogicalResult serializeToHetbin(ModuleOp module, const SerializeOptions &options, format::HetbinWriter &writer,
                                hb::Manifest &manifest) {
  manifest.set_producer(options.producer);
  manifest.set_source(options.source);

  auto graphs = llvm::to_vector(module.getOps<GraphOp>());
  if (graphs.size() != 1)
    return module.emitError() << "expected exactly one het.graph (the entry point), found " << graphs.size();

  llvm::DenseMap<Operation *, uint32_t> kernelIndex;
  ImageSections imageSections;
  for (auto executable : module.getOps<ExecutableOp>()) {
    kernelIndex[executable] = manifest.kernels_size();
    if (failed(convertExecutable(executable, writer, imageSections, *manifest.add_kernels())))
      return failure();
  }
  return convertGraph(graphs.front(), kernelIndex, writer, manifest);
}

} // namespace het
