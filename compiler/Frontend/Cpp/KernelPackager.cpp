// Compiles C++ kernel instances into het.executables with cpu, ptx and hls variants, for `hetcc kernels.cpp` and
// for ONNX custom ops bound to C++ kernels.
#include "compiler/Frontend/Cpp/CppKernels.h"
#include "compiler/Frontend/Cpp/KernelEntryPoints.h"
#include "compiler/Target/ExternalTool/ExternalTool.h"

#include "dialects/Het/IR/HetOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace het::cpp {
namespace {

/// How many tiles the cpu variant splits the index space into: enough to balance the cores of a large host, few
/// enough that a tile's call overhead is negligible. Any extent works with any tile count (empty tiles return).
constexpr int64_t kCpuTiles = 256;
/// Threads per block of the ptx variant; the grid covers the index space in x, one block per y and z.
constexpr int64_t kPtxBlock = 256;

std::string symbolFor(StringRef text) {
  std::string symbol = text.str();
  for (char &c : symbol)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  return symbol;
}

/// The LLVM IR text of `module`; empty after an error at `loc`.
std::string translateToIR(ModuleOp module, Location loc, StringRef what) {
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> translated = translateModuleToLLVMIR(module, llvmContext, what);
  if (!translated) {
    emitError(loc) << "translating the " << what << " to LLVM IR failed";
    return {};
  }
  // The debug information served the rule checks' locations; the images do not carry it.
  llvm::StripDebugInfo(*translated);
  std::string text;
  llvm::raw_string_ostream os(text);
  translated->print(os, nullptr);
  return text;
}

/// A clone of the imported IR for one instance: the source's other kernels become private, so that code generation
/// drops them unless this kernel calls them.
OwningOpRef<ModuleOp> cloneForInstance(ModuleOp imported, const ImportedKernels &kernels,
                                       const KernelInstance &instance) {
  OwningOpRef<ModuleOp> module = cast<ModuleOp>(imported->clone());
  for (const KernelSignature &other : kernels.kernels)
    if (&other != instance.kernel)
      if (auto function = module->lookupSymbol<LLVM::LLVMFuncOp>(other.name))
        function.setLinkage(LLVM::Linkage::Internal);
  return module;
}

class InstanceCompiler {
public:
  InstanceCompiler(const ImportedKernels &kernels, const CompileOptions &options, std::string clang,
                   std::optional<std::string> ptxas)
      : kernels(kernels), options(options), clang(std::move(clang)), ptxas(std::move(ptxas)) {}

  LogicalResult compile(const KernelInstance &instance, OpBuilder &builder);

private:
  bool wants(StringRef target) const { return llvm::is_contained(options.targets, target); }
  FailureOr<std::string> run(Location loc, StringRef what, std::vector<std::string> arguments, StringRef inputName,
                             StringRef input, StringRef outputName, const std::string &program) {
    llvm::Expected<std::string> output = runExternalTool(program, arguments, inputName, input, outputName);
    if (!output)
      return emitError(loc) << what << ": " << llvm::toString(output.takeError());
    return *output;
  }

  const ImportedKernels &kernels;
  const CompileOptions &options;
  std::string clang;
  std::optional<std::string> ptxas;
};

LogicalResult InstanceCompiler::compile(const KernelInstance &instance, OpBuilder &builder) {
  MLIRContext *context = builder.getContext();
  const KernelSignature &kernel = *instance.kernel;
  Location loc = kernel.loc;
  BindingPlan plan = planBindings(instance);

  SmallVector<Type> reads, writes;
  SmallVector<Attribute> names;
  SmallVector<int64_t> readWrite;
  for (auto [index, binding] : llvm::enumerate(plan.bindings)) {
    Type type;
    if (binding.parameter < 0) {
      type = RankedTensorType::get({3}, builder.getI64Type());
    } else {
      const KernelParameter &parameter = kernel.parameters[binding.parameter];
      SmallVector<int64_t> shape{ShapedType::kDynamic};
      if (!parameter.isBuffer())
        shape.clear();
      else if (auto fixed = instance.shapes.find(parameter.name); fixed != instance.shapes.end())
        shape = fixed->second;
      type = RankedTensorType::get(shape, parameter.elementType);
      if (parameter.kind == KernelParameter::Kind::InOut)
        readWrite.push_back(static_cast<int64_t>(index - plan.readCount));
    }
    (index < plan.readCount ? reads : writes).push_back(type);
    names.push_back(builder.getStringAttr(binding.name));
  }
  // The scheduler's cost facts, when the shapes are known: the buffers' bytes, and one flop per point of the index
  // space (C++ gives no count of its own).
  CostAttr cost;
  auto bytesOf = [](TypeRange types) {
    uint64_t bytes = 0;
    for (Type type : types) {
      auto tensor = cast<RankedTensorType>(type);
      bytes += tensor.getNumElements() * std::max<uint64_t>(1, tensor.getElementTypeBitWidth() / 8);
    }
    return bytes;
  };
  if (instance.fixedGrid && llvm::all_of(llvm::concat<Type>(reads, writes),
                                         [](Type type) { return cast<RankedTensorType>(type).hasStaticShape(); })) {
    auto [x, y, z] = *instance.fixedGrid;
    cost = CostAttr::get(context, static_cast<uint64_t>(x * y * z), bytesOf(reads), bytesOf(writes));
  }
  auto executable = ExecutableOp::create(builder, loc, instance.name, FunctionType::get(context, reads, writes), cost);
  executable->setAttr("het.binding_names", builder.getArrayAttr(names));
  if (!readWrite.empty())
    executable->setAttr("het.read_write_results", builder.getDenseI64ArrayAttr(readWrite));
  OpBuilder variants = OpBuilder::atBlockEnd(&executable.getBodyRegion().emplaceBlock());
  const std::string &entry = kernel.name;

  if (wants("cpu")) {
    OwningOpRef<ModuleOp> module = cloneForInstance(kernels.host.get(), kernels, instance);
    if (failed(addCpuEntryPoint(*module, instance, plan, kCpuTiles)))
      return failure();
    std::string ir = translateToIR(*module, loc, "cpu variant of '" + entry + "'");
    if (ir.empty())
      return failure();
    for (const std::string &level : options.cpuLevels) {
      FailureOr<std::string> object =
          run(loc, "kernel '" + entry + "': building the cpu variant for " + level,
              {"--target=x86_64-unknown-linux-gnu", "-march=" + level, "-O3", "-fPIC", "-shared", "-nostdlib",
               "-fuse-ld=lld", "-Wl,--strip-all", "-Wno-override-module", "{input}", "-o", "{output}"},
              "kernel.ll", ir, "kernel.so", clang);
      if (failed(object))
        return failure();
      VariantOp::create(variants, loc, "cpu_" + symbolFor(level), CPUTargetAttr::get(context, level), ImageFormat::Elf,
                        entry, variants.getDenseI64ArrayAttr({kCpuTiles}), nullptr, variants.getStringAttr(*object));
    }
  }

  if (wants("ptx")) {
    OwningOpRef<ModuleOp> module = cloneForInstance(kernels.device.get(), kernels, instance);
    if (failed(addPtxEntryPoint(*module, instance, plan)))
      return failure();
    std::string ir = translateToIR(*module, loc, "ptx variant of '" + entry + "'");
    if (ir.empty())
      return failure();
    // A fixed index space has a fixed launch; a standalone kernel's grid follows its het.grid binding.
    DenseI64ArrayAttr grid;
    if (instance.fixedGrid)
      grid = variants.getDenseI64ArrayAttr(
          {((*instance.fixedGrid)[0] + kPtxBlock - 1) / kPtxBlock, (*instance.fixedGrid)[1], (*instance.fixedGrid)[2]});
    DenseI64ArrayAttr block = variants.getDenseI64ArrayAttr({kPtxBlock, 1, 1});
    for (const std::string &arch : options.cudaArchs) {
      FailureOr<std::string> ptx = run(loc, "kernel '" + entry + "': generating PTX for " + arch,
                                       {"--target=nvptx64-nvidia-cuda", "-march=" + arch, "-O3", "-S",
                                        "-Wno-override-module", "{input}", "-o", "{output}"},
                                       "kernel.ll", ir, "kernel.ptx", clang);
      if (failed(ptx))
        return failure();
      VariantOp::create(variants, loc, symbolFor(arch), PTXTargetAttr::get(context, arch), ImageFormat::Ptx, entry,
                        grid, block, variants.getStringAttr(*ptx));
      if (!ptxas)
        continue;
      FailureOr<std::string> cubin =
          run(loc, "ptxas rejected the PTX of kernel '" + entry + "' for " + arch,
              {"-arch=" + arch, "{input}", "-o", "{output}"}, "kernel.ptx", *ptx, "kernel.cubin", *ptxas);
      if (failed(cubin))
        return failure();
      VariantOp::create(variants, loc, symbolFor(arch) + "_cubin", PTXTargetAttr::get(context, arch),
                        ImageFormat::Cubin, entry, grid, block, variants.getStringAttr(*cubin));
    }
  }

  if (wants("hls")) {
    std::string top = entry + "_top";
    std::string source = emitHlsSource(kernels, instance, plan, top);
    auto part = HLSTargetAttr::get(context, options.fpgaPart);
    VariantOp::create(variants, loc, "hls", part, ImageFormat::HlsCpp, top, nullptr, nullptr,
                      variants.getStringAttr(source));
    std::string csimEntry = entry + "_csim";
    FailureOr<std::string> object =
        run(loc, "kernel '" + entry + "': compiling the C simulation",
            {"-x", "c++", "-std=c++20", "-O2", "-fPIC", "-shared", "-fno-exceptions", "-Wno-unknown-pragmas", "{input}",
             "-o", "{output}"},
            "kernel.cpp", source + emitCSimEntryPoint(instance, plan, top, csimEntry), "kernel.so", clang);
    if (failed(object))
      return failure();
    VariantOp::create(variants, loc, "hls_csim", part, ImageFormat::HlsCsim, csimEntry, nullptr, nullptr,
                      variants.getStringAttr(*object));
  }
  return success();
}

FailureOr<InstanceCompiler> makeCompiler(const ImportedKernels &kernels, const CompileOptions &options, Location loc) {
  std::optional<std::string> clang = options.clang.find('/') != std::string::npos
                                         ? findExternalTool(options.clang, options.clang)
                                         : findExternalTool("", options.clang, {"/usr/lib/llvm-22/bin"});
  if (!clang)
    return emitError(loc) << "C++ kernels need clang ('" << options.clang << "'): install clang-22";
  return InstanceCompiler(kernels, options, *clang, findExternalTool("", "ptxas", {"/usr/local/cuda/bin"}));
}

/// The index space of a custom op: its first output's shape, x the last dimension; dimensions beyond three fold
/// into z.
std::array<int64_t, 3> gridOfShape(ArrayRef<int64_t> shape) {
  std::array<int64_t, 3> grid = {1, 1, 1};
  for (size_t i = 0; i < shape.size(); ++i) {
    size_t fromBack = shape.size() - 1 - i;
    grid[std::min<size_t>(fromBack, 2)] *= shape[i];
  }
  return grid;
}

/// Binds one placeholder's node to its kernel: buffers to the node's inputs and outputs, scalars to its
/// attributes, the index space to its first output.
FailureOr<KernelInstance> instanceForCall(Operation *call, const ImportedKernels &kernels, StringRef name) {
  auto kernelName = call->getAttrOfType<StringAttr>("kernel");
  auto attributes = call->getAttrOfType<DictionaryAttr>("attributes");
  std::string node = call->getAttrOfType<StringAttr>("node").str();
  const KernelSignature *kernel = kernelName ? kernels.find(kernelName) : nullptr;
  if (!kernel) {
    InFlightDiagnostic diagnostic = emitError(call->getLoc())
                                    << "node '" << node << "': no kernel named '" << kernelName.getValue() << "' in "
                                    << kernels.path << "; its kernels are:";
    for (const KernelSignature &known : kernels.kernels)
      diagnostic << " " << known.name;
    return failure();
  }
  KernelInstance instance;
  instance.kernel = kernel;
  instance.name = name.str();
  unsigned inputs = 0, outputs = 0;
  for (const KernelParameter &parameter : kernel->parameters) {
    auto mismatch = [&](Type type) {
      return emitError(call->getLoc()) << "node '" << node << "': " << type << " does not fit parameter '"
                                       << parameter.name << "' (" << parameter.cType << ") of kernel '" << kernel->name
                                       << "'";
    };
    auto sameElement = [&](Type type) {
      Type element = cast<ShapedType>(type).getElementType();
      return element == parameter.elementType ||
             (isa<IntegerType>(element) && isa<IntegerType>(parameter.elementType) &&
              element.getIntOrFloatBitWidth() == parameter.elementType.getIntOrFloatBitWidth());
    };
    switch (parameter.kind) {
    case KernelParameter::Kind::In:
    case KernelParameter::Kind::Out: {
      // Inputs feed het::in buffers and outputs het::out ones, each in order; a count mismatch is reported below.
      bool isInput = parameter.kind == KernelParameter::Kind::In;
      unsigned &next = isInput ? inputs : outputs;
      if (next >= (isInput ? call->getNumOperands() : call->getNumResults()))
        break;
      Type type = (isInput ? call->getOperand(next) : call->getResult(next)).getType();
      ++next;
      if (!sameElement(type))
        return mismatch(type);
      instance.shapes[parameter.name] = llvm::to_vector(cast<ShapedType>(type).getShape());
      break;
    }
    case KernelParameter::Kind::InOut:
      return emitError(parameter.loc) << "kernel '" << kernel->name << "' cannot implement node '" << node
                                      << "': its parameter '" << parameter.name
                                      << "' is het::inout, but an ONNX op reads inputs and writes outputs";
    case KernelParameter::Kind::Scalar: {
      Attribute value = attributes ? attributes.get(parameter.name) : Attribute();
      if (!value)
        return emitError(call->getLoc()) << "node '" << node << "' has no attribute '" << parameter.name
                                         << "' for the scalar parameter of kernel '" << kernel->name << "'";
      double number = isa<FloatAttr>(value) ? cast<FloatAttr>(value).getValueAsDouble()
                                            : static_cast<double>(cast<IntegerAttr>(value).getInt());
      if (isa<FloatType>(parameter.elementType))
        instance.fixedScalars[parameter.name] = FloatAttr::get(parameter.elementType, number);
      else
        instance.fixedScalars[parameter.name] =
            IntegerAttr::get(IntegerType::get(call->getContext(), parameter.elementType.getIntOrFloatBitWidth()),
                             static_cast<int64_t>(number));
      break;
    }
    }
  }
  unsigned wantedInputs =
      llvm::count_if(kernel->parameters, [](const KernelParameter &p) { return p.kind == KernelParameter::Kind::In; });
  unsigned wantedOutputs =
      llvm::count_if(kernel->parameters, [](const KernelParameter &p) { return p.kind == KernelParameter::Kind::Out; });
  if (wantedInputs != call->getNumOperands() || wantedOutputs != call->getNumResults())
    return emitError(call->getLoc()) << "node '" << node << "' has " << call->getNumOperands() << " input(s) and "
                                     << call->getNumResults() << " output(s), but kernel '" << kernel->name
                                     << "' takes " << wantedInputs << " het::in and " << wantedOutputs
                                     << " het::out buffer(s)";
  if (call->getNumResults() == 0)
    return emitError(call->getLoc()) << "node '" << node << "' has no output to take the index space from";
  instance.fixedGrid = gridOfShape(cast<ShapedType>(call->getResult(0).getType()).getShape());
  return instance;
}

} // namespace

LogicalResult compileKernelInstances(const ImportedKernels &kernels, ArrayRef<KernelInstance> instances,
                                     ModuleOp module, const CompileOptions &options) {
  FailureOr<InstanceCompiler> compiler = makeCompiler(kernels, options, module.getLoc());
  if (failed(compiler))
    return failure();
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  for (const KernelInstance &instance : instances)
    if (failed(compiler->compile(instance, builder)))
      return failure();
  return success();
}

OwningOpRef<ModuleOp> compileKernelFile(const ImportedKernels &kernels, const CompileOptions &options) {
  MLIRContext *context = kernels.host.get()->getContext();
  Location loc = FileLineColLoc::get(context, kernels.path, 1, 1);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  std::vector<KernelInstance> instances;
  for (const KernelSignature &kernel : kernels.kernels) {
    KernelInstance instance;
    instance.kernel = &kernel;
    instance.name = kernel.name;
    instances.push_back(std::move(instance));
  }
  if (failed(compileKernelInstances(kernels, instances, *module, options)))
    return nullptr;
  // Kernels are launched one by one (hetrun --kernel); the host graph has nothing to run.
  OpBuilder builder = OpBuilder::atBlockEnd(module->getBody());
  auto graph = GraphOp::create(builder, loc, builder.getStringAttr("main"),
                               TypeAttr::get(FunctionType::get(context, {}, {})), nullptr, nullptr, nullptr);
  builder.setInsertionPointToEnd(graph.addEntryBlock());
  ReturnOp::create(builder, loc);
  return module;
}

FailureOr<SmallVector<Value>> buildCustomCall(const frontend::CustomNode &node, OpBuilder &builder, Location loc) {
  OperationState state(loc, kCustomCallOpName);
  state.addOperands(node.inputs);
  state.addTypes(node.outputTypes);
  state.addAttribute("kernel", builder.getStringAttr(node.opType));
  state.addAttribute("node", builder.getStringAttr(node.name));
  state.addAttribute("attributes", builder.getDictionaryAttr(node.attributes));
  Operation *call = builder.create(state);
  return SmallVector<Value>(call->getResults());
}

LogicalResult bindCustomOps(ModuleOp module, const ImportedKernels &kernels, const CompileOptions &options) {
  FailureOr<InstanceCompiler> compiler = makeCompiler(kernels, options, module.getLoc());
  if (failed(compiler))
    return failure();
  for (ExecutableOp executable : llvm::make_early_inc_range(module.getOps<ExecutableOp>())) {
    Operation *call = nullptr;
    func::FuncOp function;
    for (VariantOp variant : executable.getVariants()) {
      variant.walk([&](Operation *op) {
        if (op->getName().getStringRef() == kCustomCallOpName) {
          call = op;
          function = op->getParentOfType<func::FuncOp>();
        }
      });
      break;
    }
    if (!call)
      continue;
    // The kernel's bindings are the node's inputs and outputs, so the executable must be exactly the call.
    auto returned = cast<func::ReturnOp>(function.getBody().front().getTerminator());
    if (!llvm::equal(call->getOperands(), function.getArguments()) ||
        !llvm::equal(returned.getOperands(), call->getResults()) ||
        function.getBody().front().getOperations().size() != 2)
      return emitError(call->getLoc()) << "node '" << call->getAttrOfType<StringAttr>("node").getValue()
                                       << "': a custom op's inputs must be graph inputs, results of other nodes "
                                          "or large constants, not small constants or reshapes folded into it";
    FailureOr<KernelInstance> instance = instanceForCall(call, kernels, executable.getSymName());
    if (failed(instance))
      return failure();
    OpBuilder builder(executable);
    if (failed(compiler->compile(*instance, builder)))
      return failure();
    executable.erase();
  }
  return success();
}

} // namespace het::cpp
