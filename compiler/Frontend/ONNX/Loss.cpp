// ONNX losses: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (reduction none/sum/mean, class weights,
// ignore_index, SoftmaxCrossEntropyLoss's log_prob output).
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace het::frontend {

namespace {

/// The class a target element picks, clamped into 0..classes-1 so that an ignored (possibly out-of-range) target
/// still reads inside the tensor; its weight is zeroed separately.
Value clampedClass(OpBuilder &b, Location loc, Value target, int64_t classes) {
  Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), target);
  index = arith::MaxSIOp::create(b, loc, index, arith::ConstantIndexOp::create(b, loc, 0));
  return arith::MinSIOp::create(b, loc, index, arith::ConstantIndexOp::create(b, loc, classes - 1));
}

/// NegativeLogLikelihoodLoss of `logProb` (N, C, d...) at integer `target` (N, d...), with its attributes and
/// optional weight taken from `ctx` (input 2), as ONNX's reference computes it: each element's loss is
/// -logProb[n, target, d...] * w, w being weight[target] (1 without weights) and 0 where target == ignore_index;
/// mean divides the sum of losses by the sum of w.
FailureOr<Value> buildNegativeLogLikelihood(NodeContext &ctx, Value logProb, OnnxValue target) {
  auto type = cast<RankedTensorType>(logProb.getType());
  ArrayRef<int64_t> shape = type.getShape();
  if (type.getRank() < 2)
    return ctx.emitError() << "input 0 must be N x C x d1 ... (rank 2 or more), got rank " << type.getRank();
  SmallVector<int64_t> expected = {shape[0]};
  llvm::append_range(expected, shape.drop_front(2));
  if (target.shape() != ArrayRef<int64_t>(expected))
    return ctx.emitError() << "input 1 (target) must have the shape of input 0 without its class dim C";
  if (failed(ctx.requireDType(1, {kInt32, kInt64})))
    return failure();
  std::string reduction = ctx.stringAttribute("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return ctx.emitError() << "reduction '" << reduction << "' is not supported; supported: none, sum, mean";
  int64_t classes = shape[1];
  Value weight;
  if (ctx.hasInput(2)) {
    OnnxValue weightInput = ctx.input(2);
    if (weightInput.shape() != ArrayRef<int64_t>{classes} ||
        weightInput.type().getElementType() != type.getElementType())
      return ctx.emitError() << "input 2 (weight) must be a 1-D tensor of C = " << classes
                             << " elements of the input's type";
    weight = weightInput.value;
  }
  bool ignores = ctx.hasAttribute("ignore_index");
  int64_t ignoreIndex = ctx.intAttribute("ignore_index", 0);

  ImplicitLocOpBuilder &b = ctx.builder();
  Type elementType = type.getElementType();
  Value weights = buildElementwise(
      b, {target.value}, target.shape(), elementType, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        Value w = weight ? Value(tensor::ExtractOp::create(nested, loc, weight,
                                                           ValueRange{clampedClass(nested, loc, args[0], classes)}))
                         : scalarConstant(nested, loc, elementType, 1);
        if (!ignores)
          return w;
        Value ignored = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::eq, args[0],
                                              scalarConstant(nested, loc, args[0].getType(), ignoreIndex));
        return arith::SelectOp::create(nested, loc, ignored, scalarConstant(nested, loc, elementType, 0), w);
      });
  int64_t rank = target.rank();
  Value losses = buildElementwise(
      b, {target.value, weights}, target.shape(), elementType,
      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        SmallVector<Value> coords = {linalg::IndexOp::create(nested, loc, 0),
                                     clampedClass(nested, loc, args[0], classes)};
        for (int64_t dim = 1; dim < rank; ++dim)
          coords.push_back(linalg::IndexOp::create(nested, loc, dim));
        Value picked = tensor::ExtractOp::create(nested, loc, logProb, coords);
        // A zero weight gives 0 even where the picked log-probability is infinite.
        Value isZero = arith::CmpFOp::create(nested, loc, arith::CmpFPredicate::OEQ, args[1],
                                             scalarConstant(nested, loc, elementType, 0));
        Value loss = arith::NegFOp::create(nested, loc, arith::MulFOp::create(nested, loc, picked, args[1]));
        return arith::SelectOp::create(nested, loc, isZero, scalarConstant(nested, loc, elementType, 0), loss);
      });
  if (reduction == "none")
    return losses;
  SmallVector<int64_t> all = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  auto add = [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
    return arith::AddFOp::create(nested, loc, args[0], args[1]);
  };
  Value zero = scalarConstant(b, b.getLoc(), elementType, 0);
  Value total = buildReduction(b, losses, all, zero, add);
  if (reduction == "sum")
    return total;
  Value weightTotal = buildReduction(b, weights, all, zero, add);
  return buildElementwise(b, {total, weightTotal}, {}, elementType,
                          [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                            return arith::DivFOp::create(nested, loc, args[0], args[1]);
                          });
}

} // namespace

LogicalResult convertNegativeLogLikelihoodLoss(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  OnnxValue input = ctx.input(0);
  FailureOr<Value> loss = buildNegativeLogLikelihood(ctx, input.value, ctx.input(1));
  if (failed(loss))
    return failure();
  ctx.setOutput(0, {*loss, input.dtype});
  return success();
}

LogicalResult convertSoftmaxCrossEntropyLoss(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  OnnxValue scores = ctx.input(0);
  if (scores.rank() < 2)
    return ctx.emitError() << "input 0 must be N x C x d1 ... (rank 2 or more), got rank " << scores.rank();
  Value logProb = buildSoftmax(ctx.builder(), scores.value, {1}, /*logarithm=*/true);
  FailureOr<Value> loss = buildNegativeLogLikelihood(ctx, logProb, ctx.input(1));
  if (failed(loss))
    return failure();
  ctx.setOutput(0, {*loss, scores.dtype});
  ctx.setOutput(1, {logProb, scores.dtype});
  return success();
}

} // namespace het::frontend
