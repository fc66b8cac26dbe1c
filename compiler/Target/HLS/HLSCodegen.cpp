// The het-hls-codegen pass: HLS variants' bodies to Vitis HLS C++ and host-compiled C-simulation objects.
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
    sources.clear();
    pending.clear();
    for (VariantOp variant : variants)
      if (failed(compileVariant(variant)))
        return signalPassFailure();
    if (failed(compileCSimulations()))
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
    else
      variant.setImageAttr(StringAttr::get(&getContext(), image));
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
