// The het-hls-codegen pass: HLS variants' bodies to Vitis HLS C++, host-compiled C-simulation objects and, where
// Vitis v++ is installed, xclbins.
#include "compiler/Target/HLS/HLSCppEmitter.h"
#include "compiler/Target/HLS/Passes.h"
#include "compiler/Target/ExternalTool/ExternalTool.h"
#include "compiler/Target/KernelBody/KernelBody.h"
#include "dialects/Het/IR/HetOps.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/IR/Threading.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/StringMap.h"

namespace het {
#define GEN_PASS_DEF_HETHLSCODEGEN
#include "compiler/Target/HLS/Passes.h.inc"
} // namespace het

using namespace mlir;

namespace het {
namespace {

/// The top function's name for a variant: its own entry for hls_cpp; for hls_csim, that of the hls_cpp sibling,
/// else its entry without the "_csim" suffix.
std::string topFunctionName(VariantOp variant) {
  if (variant.getFormat() != ImageFormat::HlsCsim)
    return variant.getEntryPoint().str();
  auto executable = cast<ExecutableOp>(variant->getParentOp());
  for (VariantOp sibling : executable.getVariants())
    if (sibling.getFormat() == ImageFormat::HlsCpp && sibling.getTarget() == variant.getTarget())
      return sibling.getEntryPoint().str();
  StringRef entry = variant.getEntryPoint();
  entry.consume_back("_csim");
  return entry.str();
}

class HLSCodegenPass : public impl::HetHLSCodegenBase<HLSCodegenPass> {
public:
  using HetHLSCodegenBase::HetHLSCodegenBase;

  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<affine::AffineDialect, arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                    math::MathDialect, memref::MemRefDialect, scf::SCFDialect>();
  }

  void runOnOperation() override {
    ModuleOp root = getOperation();
    SmallVector<VariantOp> variants;
    root.walk([&](VariantOp variant) {
      if (isa<HLSTargetAttr>(variant.getTarget()) && !variant.getBody().empty())
        variants.push_back(variant);
    });
    std::optional<std::string> vpp;
    if (emitXclbin) {
      vpp = findExternalTool(vppPath, "v++");
      if (!vpp && !vppPath.empty()) {
        root.emitError("het-hls-codegen: vpp-path '") << vppPath << "' is not an executable file";
        return signalPassFailure();
      }
    }
    sources.clear();
    pending.clear();
    hlsSources.clear();
    for (VariantOp variant : variants)
      if (failed(compileVariant(variant)))
        return signalPassFailure();
    if (failed(compileCSimulations()))
      return signalPassFailure();
    if (vpp && failed(buildXclbin(*vpp)))
      return signalPassFailure();
  }

private:
  /// A C-simulation object to build: the host compiler runs outside the IR, so the builds run in parallel.
  struct CSimBuild {
    VariantOp variant;
    std::string topName;
    std::string source;
    std::string object;
    std::string error;
  };
  std::vector<CSimBuild> pending;
  /// Printed sources by "<executable>/<top function>": the hls_csim variant of a kernel compiles exactly the
  /// source its hls_cpp sibling carries.
  llvm::StringMap<std::string> sources;
  /// The hls_cpp variants compiled so far: v++ links them into one xclbin.
  SmallVector<VariantOp> hlsSources;

  LogicalResult compileVariant(VariantOp variant) {
    ImageFormat format = variant.getFormat();
    if (format != ImageFormat::HlsCpp && format != ImageFormat::HlsCsim)
      return variant.emitError("variant @")
             << variant.getSymName() << ": het-hls-codegen compiles formats hls_cpp and hls_csim, not "
             << stringifyImageFormat(format);
    HLSKernelInterface interface;
    interface.topName = topFunctionName(variant);
    interface.maxTemporaryBytes = maxTemporaryBytes;
    func::FuncOp kernel = findKernelFunction(variant, interface.topName);
    if (!kernel)
      return variant.emitError("variant @")
             << variant.getSymName() << ": expected a body module with one func.func (or one named '"
             << interface.topName << "')";
    auto executable = cast<ExecutableOp>(variant->getParentOp());
    FunctionType signature = executable.getFunctionType();
    if (signature.getNumInputs() + signature.getNumResults() != kernel.getNumArguments())
      return kernel.emitError("kernel '") << kernel.getSymName() << "' has " << kernel.getNumArguments()
                                          << " arguments, but its executable @" << executable.getSymName() << " has "
                                          << signature.getNumInputs() + signature.getNumResults() << " bindings";
    interface.numInputs = signature.getNumInputs();
    for (Type type : llvm::concat<const Type>(signature.getInputs(), signature.getResults()))
      interface.bindingElementTypes.push_back(cast<ShapedType>(type).getElementType());

    std::string &cached = sources[(executable.getSymName() + "/" + interface.topName).str()];
    if (cached.empty()) {
      FailureOr<std::string> source = emitSource(kernel, interface);
      if (failed(source))
        return failure();
      cached = std::move(*source);
    }
    std::string image = cached;
    if (format == ImageFormat::HlsCsim)
      pending.push_back({variant, interface.topName, image + emitCSimWrapper(kernel, interface, variant.getEntryPoint()),
                         "", ""});
    else {
      variant.setImageAttr(StringAttr::get(&getContext(), image));
      hlsSources.push_back(variant);
    }
    variant.getBody().dropAllReferences();
    variant.getBody().getBlocks().clear();
    return success();
  }

  LogicalResult compileCSimulations() {
    if (pending.empty())
      return success();
    StringRef compilerOption = hostCxx;
    std::optional<std::string> compiler = compilerOption.contains('/')
                                              ? findExternalTool(compilerOption, compilerOption)
                                              : findExternalTool("", compilerOption);
    if (!compiler)
      return pending.front().variant.emitError("cannot compile the C simulation of kernel '")
             << pending.front().topName << "': no host C++ compiler '" << hostCxx << "' (option host-cxx)";
    std::string optLevel = hostOptLevel;
    mlir::parallelForEach(&getContext(), pending, [&](CSimBuild &build) {
      llvm::Expected<std::string> object = runExternalTool(
          *compiler, {optLevel, "-fPIC", "-shared", "-std=c++17", "-Wno-unknown-pragmas", "{input}", "-o", "{output}"},
          "kernel.cpp", build.source, "kernel.so");
      if (object)
        build.object = std::move(*object);
      else
        build.error = llvm::toString(object.takeError());
    });
    for (CSimBuild &build : pending) {
      if (!build.error.empty())
        return build.variant.emitError("cannot compile the C simulation of kernel '")
               << build.topName << "': " << build.error;
      build.variant.setImageAttr(StringAttr::get(&getContext(), build.object));
    }
    return success();
  }

  /// Compiles the HLS C++ of every hls_cpp variant into a kernel object (v++ -c) and links them all into one
  /// xclbin (v++ -l), added beside each as a sibling variant: a card holds one xclbin at a time, so the kernels
  /// of a module share one.
  LogicalResult buildXclbin(StringRef vpp) {
    if (hlsSources.empty())
      return success();
    SmallVector<std::string> objectNames, objects;
    for (VariantOp variant : hlsSources) {
      std::string top = variant.getEntryPoint().str();
      std::string name = (variant.getSymName() + "_xclbin").str();
      if (SymbolTable::lookupSymbolIn(variant->getParentOp(), name))
        return variant.emitError("variant @")
               << variant.getSymName() << ": cannot add its xclbin variant, @" << name << " already exists";
      if (llvm::is_contained(objectNames, top + ".xo"))
        return variant.emitError("two HLS kernels are named '")
               << top << "': the kernels of one xclbin need distinct names";
      llvm::Expected<std::string> object =
          runExternalTool(vpp, {"-c", "-t", "hw", "--platform", platform, "-k", top, "-o", "{output}", "{input}"},
                          top + ".cpp", *variant.getImage(), top + ".xo");
      if (!object)
        return variant.emitError("v++ could not compile the HLS C++ of kernel '")
               << top << "': " << llvm::toString(object.takeError());
      objectNames.push_back(top + ".xo");
      objects.push_back(std::move(*object));
    }
    SmallVector<ToolInput> inputs;
    for (auto [objectName, object] : llvm::zip(objectNames, objects))
      inputs.push_back({objectName, object});
    llvm::Expected<std::string> xclbin = runExternalTool(
        vpp, {"-l", "-t", "hw", "--platform", platform, "-o", "{output}", "{inputs}"}, inputs, "kernels.xclbin");
    if (!xclbin)
      return hlsSources.front().emitError("v++ could not link the HLS kernels into an xclbin for ")
             << platform << ": " << llvm::toString(xclbin.takeError());
    StringAttr image = StringAttr::get(&getContext(), *xclbin);
    for (VariantOp variant : hlsSources) {
      OpBuilder builder(variant);
      builder.setInsertionPointAfter(variant);
      VariantOp::create(builder, variant.getLoc(), (variant.getSymName() + "_xclbin").str(), variant.getTarget(),
                        ImageFormat::Xclbin, variant.getEntryPoint(), DenseI64ArrayAttr(), DenseI64ArrayAttr(), image);
    }
    return success();
  }

  /// The HLS C++ of one kernel body.
  FailureOr<std::string> emitSource(func::FuncOp kernel, const HLSKernelInterface &interface) {
    if (failed(lowerLinalgToLoops(kernel, LoopKind::Sequential, "HLS")))
      return failure();
    OpPassManager cleanup(func::FuncOp::getOperationName());
    // Views fold into the indices of loads and stores, so the emitter only sees whole buffers.
    cleanup.addPass(memref::createFoldMemRefAliasOpsPass());
    cleanup.addPass(createLowerAffinePass());
    cleanup.addPass(createCanonicalizerPass());
    cleanup.addPass(createCSEPass());
    if (failed(runPipeline(cleanup, kernel)))
      return kernel.emitError("kernel '") << kernel.getSymName() << "': lowering to loops failed";
    // Floor/ceil divisions from flattened reshapes become plain C++ division and remainder; the rest of arith
    // stays as the emitter prints it.
    RewritePatternSet divisions(kernel.getContext());
    arith::populateCeilFloorDivExpandOpsPatterns(divisions);
    if (failed(applyPatternsGreedily(kernel, std::move(divisions))))
      return kernel.emitError("kernel '") << kernel.getSymName() << "': expanding floor/ceil divisions failed";
    return emitHLSCpp(kernel, interface);
  }
};

} // namespace
} // namespace het
