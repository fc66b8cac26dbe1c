// What the PTX and HLS targets share about a variant's body: its kernel function and linalg-to-loops lowering.
#include "compiler/Target/KernelBody/KernelBody.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace het {

func::FuncOp findKernelFunction(VariantOp variant, StringRef name) {
  auto module = dyn_cast_or_null<ModuleOp>(variant.getBody().empty() ? nullptr : &variant.getBody().front().front());
  if (!module)
    return {};
  if (auto named = module.lookupSymbol<func::FuncOp>(name))
    return named;
  auto functions = module.getOps<func::FuncOp>();
  if (std::distance(functions.begin(), functions.end()) == 1)
    return *functions.begin();
  return {};
}

Value rootBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

LogicalResult lowerLinalgToLoops(func::FuncOp kernel, LoopKind kind, StringRef targetName) {
  IRRewriter rewriter(kernel.getContext());
  SmallVector<memref::CopyOp> copies;
  kernel.walk([&](memref::CopyOp copy) { copies.push_back(copy); });
  for (memref::CopyOp copy : copies) {
    rewriter.setInsertionPoint(copy);
    linalg::CopyOp::create(rewriter, copy.getLoc(), copy.getSource(), copy.getTarget());
    rewriter.eraseOp(copy);
  }
  SmallVector<linalg::LinalgOp> linalgOps;
  kernel.walk([&](linalg::LinalgOp op) { linalgOps.push_back(op); });
  for (linalg::LinalgOp op : linalgOps) {
    if (!op.hasPureBufferSemantics())
      return op->emitError("kernel '") << kernel.getSymName() << "': " << targetName
                                       << " code generation needs linalg ops on memrefs, not tensors";
    rewriter.setInsertionPoint(op);
    if (failed(kind == LoopKind::Parallel ? linalg::linalgOpToParallelLoops(rewriter, op)
                                          : linalg::linalgOpToLoops(rewriter, op)))
      return op->emitError("kernel '") << kernel.getSymName() << "': cannot lower this op to loops";
    rewriter.eraseOp(op);
  }
  return success();
}

} // namespace het
