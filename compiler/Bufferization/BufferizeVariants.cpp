// het-bufferize-variants: the tensor kernel of every het.variant body into an out-parameter kernel on memrefs.
#include "compiler/Bufferization/Passes.h"

#include "dialects/Het/IR/HetOps.h"

#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotModuleBufferize.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

namespace het {
#define GEN_PASS_DEF_HETBUFFERIZEVARIANTS
#include "compiler/Bufferization/Passes.h.inc"
} // namespace het

using namespace mlir;
using namespace het;

namespace {

// linalg.copy rather than memref.copy: every target lowers linalg ops already, while memref.copy of a strided
// view needs a runtime library function on the CPU and has no GPU or HLS lowering.
LogicalResult createLinalgCopy(OpBuilder &builder, Location loc, Value from, Value to) {
  linalg::CopyOp::create(builder, loc, from, to);
  return success();
}

OpPassManager buildCleanupPipeline() {
  OpPassManager pipeline(ModuleOp::getOperationName());
  bufferization::buildBufferDeallocationPipeline(pipeline);
  pipeline.addPass(createCanonicalizerPass());
  pipeline.addPass(createCSEPass());
  return pipeline;
}

struct HetBufferizeVariantsPass : public het::impl::HetBufferizeVariantsBase<HetBufferizeVariantsPass> {
  using Base::Base;

  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    // Registered here so that every driver composing this pass (hetcc, het-opt) gets the same models.
    arith::registerBufferizableOpInterfaceExternalModels(registry);
    bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(registry);
    linalg::registerBufferizableOpInterfaceExternalModels(registry);
    scf::registerBufferizableOpInterfaceExternalModels(registry);
    tensor::registerBufferizableOpInterfaceExternalModels(registry);
    cleanup.getDependentDialects(registry);
  }

  void runOnOperation() override;

private:
  LogicalResult bufferizeKernelModule(VariantOp variant, ModuleOp kernels);

  OpPassManager cleanup = buildCleanupPipeline();
};

LogicalResult HetBufferizeVariantsPass::bufferizeKernelModule(VariantOp variant, ModuleOp kernels) {
  MLIRContext *context = kernels.getContext();
  {
    RewritePatternSet patterns(context);
    tensor::populateDecomposeTensorConcatPatterns(patterns);
    if (failed(applyPatternsGreedily(kernels, std::move(patterns))))
      return variant.emitOpError() << "@" << variant.getSymName() << ": tensor.concat did not decompose";
  }

  for (auto kernel : kernels.getOps<func::FuncOp>()) {
    if (kernel.isExternal())
      continue;
    for (auto [index, type] : llvm::enumerate(kernel.getArgumentTypes())) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape())
        return kernel.emitError() << "het-bufferize-variants: argument #" << index << " of @" << kernel.getSymName()
                                  << " has type " << type << "; kernel bindings must be static-shaped tensors";
      // Inputs are buffers the caller still owns (graph inputs, constants, other kernels' results).
      kernel.setArgAttr(index, bufferization::BufferizationDialect::kWritableAttrName, BoolAttr::get(context, false));
    }
    for (auto [index, type] : llvm::enumerate(kernel.getResultTypes())) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape())
        return kernel.emitError() << "het-bufferize-variants: result #" << index << " of @" << kernel.getSymName()
                                  << " has type " << type << "; kernel bindings must be static-shaped tensors";
    }
  }

  bufferization::OneShotBufferizationOptions options;
  options.bufferizeFunctionBoundaries = true;
  options.setFunctionBoundaryTypeConversion(bufferization::LayoutMapOption::IdentityLayoutMap);
  options.unknownTypeConverterFn = [](TensorType tensorType, Attribute memorySpace,
                                      const bufferization::BufferizationOptions &) {
    return bufferization::getMemRefTypeWithStaticIdentityLayout(tensorType, memorySpace);
  };
  options.memCpyFn = createLinalgCopy;
  bufferization::BufferizationState state;
  if (failed(bufferization::runOneShotModuleBufferize(kernels, options, state)))
    return variant.emitOpError() << "@" << variant.getSymName() << ": the kernel did not bufferize";
  bufferization::removeBufferizationAttributesInModule(kernels);

  bufferization::BufferResultsToOutParamsOpts outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  outParams.memCpyFn = createLinalgCopy;
  if (failed(bufferization::promoteBufferResultsToOutParams(kernels, outParams)))
    return variant.emitOpError() << "@" << variant.getSymName()
                                 << ": the kernel's results did not become out-parameters";

  if (failed(runPipeline(cleanup, kernels)))
    return variant.emitOpError() << "@" << variant.getSymName() << ": cleanup after bufferization failed";
  return success();
}

void HetBufferizeVariantsPass::runOnOperation() {
  for (auto executable : getOperation().getOps<ExecutableOp>())
    for (VariantOp variant : executable.getVariants()) {
      if (variant.getBody().empty() || variant.getBody().front().empty())
        continue;
      auto kernels = dyn_cast<ModuleOp>(variant.getBody().front().front());
      if (!kernels) {
        variant.emitOpError() << "@" << variant.getSymName() << ": body must be one builtin.module, found '"
                              << variant.getBody().front().front().getName() << "'";
        return signalPassFailure();
      }
      if (failed(bufferizeKernelModule(variant, kernels)))
        return signalPassFailure();
    }
}

} // namespace
