// ONNX normalizations: BatchNormalization in inference mode and LayerNormalization.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace het::frontend {

LogicalResult convertBatchNormalization(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  if (ctx.intAttribute("training_mode", 0) || ctx.hasOutput(1))
    return ctx.emitError() << "only inference mode is supported (training_mode = 0, one output)";
  if (ctx.opset() < 9 && !ctx.intAttribute("spatial", 1))
    return ctx.emitError() << "spatial = 0 is not supported";
  OnnxValue x = ctx.input(0);
  if (x.rank() < 2)
    return ctx.emitError() << "X must be N x C x ... (rank 2 or more)";
  int64_t channels = x.shape()[1];
  ImplicitLocOpBuilder &b = ctx.builder();
  // Per-channel parameters broadcast along dim 1: C becomes C x 1 x ... x 1.
  SmallVector<int64_t> parameterShape(x.rank() - 1, 1);
  parameterShape[0] = channels;
  SmallVector<OnnxValue> operands = {x};
  for (unsigned i = 1; i <= 4; ++i) {
    OnnxValue parameter = ctx.input(i);
    if (parameter.rank() != 1 || parameter.shape()[0] != channels)
      return ctx.emitError() << "input " << i << " must be 1-D with " << channels << " entries (one per channel)";
    operands.push_back({reshapeTensor(b, parameter.value, parameterShape), parameter.dtype});
  }
  double epsilon = ctx.floatAttribute("epsilon", 1e-5f);
  return emitBroadcastNode(ctx, operands, x.dtype, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
    Type type = args[0].getType();
    Value variance = arith::AddFOp::create(nested, loc, args[4], scalarConstant(nested, loc, type, epsilon));
    Value centered = arith::SubFOp::create(nested, loc, args[0], args[3]);
    Value normalized = arith::DivFOp::create(nested, loc, centered, math::SqrtOp::create(nested, loc, variance));
    return arith::AddFOp::create(nested, loc, arith::MulFOp::create(nested, loc, normalized, args[1]), args[2]);
  });
}

LogicalResult convertLayerNormalization(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  OnnxValue x = ctx.input(0);
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", -1), x.rank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> dims = llvm::to_vector(llvm::seq<int64_t>(*axis, x.rank()));
  int64_t count = 1;
  for (int64_t dim : dims)
    count *= x.shape()[dim];
  double epsilon = ctx.floatAttribute("epsilon", 1e-5f);

  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  Type elementType = x.type().getElementType();
  Value zero = scalarConstant(b, b.getLoc(), elementType, 0);
  auto sumOf = [&](Value value, bool squared) {
    return buildReduction(b, value, dims, zero, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
      Value element = squared ? arith::MulFOp::create(nested, loc, args[0], args[0]) : args[0];
      return arith::AddFOp::create(nested, loc, element, args[1]);
    });
  };
  AffineMap identity = AffineMap::getMultiDimIdentityMap(x.rank(), context);
  AffineMap reduced = reducedDimsMap(x.rank(), dims, context);
  SmallVector<utils::IteratorType> parallel(x.rank(), utils::IteratorType::parallel);
  // (x - mean), then (x - mean) * inverse stddev: the full tensor combined with a per-row statistic.
  auto combineRows = [&](Value full, Value rows, bool multiply) {
    return buildGeneric(b, {full, rows}, emptyTensor(b, x.shape(), elementType), {identity, reduced, identity},
                        parallel, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                          if (multiply)
                            return arith::MulFOp::create(nested, loc, args[0], args[1]);
                          return arith::SubFOp::create(nested, loc, args[0], args[1]);
                        });
  };
  // Per-row statistics: sum / count, or 1 / sqrt(sum / count + epsilon).
  auto rowStatistic = [&](Value sum, bool inverseDeviation) {
    auto rowType = cast<RankedTensorType>(sum.getType());
    return buildElementwise(
        b, {sum}, rowType.getShape(), elementType, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
          Value mean = arith::DivFOp::create(nested, loc, args[0], scalarConstant(nested, loc, elementType, count));
          if (!inverseDeviation)
            return mean;
          Value variance = arith::AddFOp::create(nested, loc, mean, scalarConstant(nested, loc, elementType, epsilon));
          return arith::DivFOp::create(nested, loc, scalarConstant(nested, loc, elementType, 1),
                                       math::SqrtOp::create(nested, loc, variance));
        });
  };
  Value mean = rowStatistic(sumOf(x.value, false), false);
  Value centered = combineRows(x.value, mean, /*multiply=*/false);
  Value inverseDeviation = rowStatistic(sumOf(centered, true), true);
  Value normalized = combineRows(centered, inverseDeviation, /*multiply=*/true);
  // Mean and InvStdDev keep the normalized dims as 1s.
  SmallVector<int64_t> statisticShape(x.shape().take_front(*axis));
  statisticShape.append(x.rank() - *axis, 1);
  if (ctx.hasOutput(1))
    ctx.setOutput(1, {reshapeTensor(b, mean, statisticShape), x.dtype});
  if (ctx.hasOutput(2))
    ctx.setOutput(2, {reshapeTensor(b, inverseDeviation, statisticShape), x.dtype});
  SmallVector<OnnxValue> operands = {{normalized, x.dtype}, ctx.input(1)};
  if (ctx.hasInput(2))
    operands.push_back(ctx.input(2));
  FailureOr<SmallVector<int64_t>> shape = broadcastInputs(ctx, operands);
  if (failed(shape))
    return failure();
  if (ArrayRef<int64_t>(*shape) != x.shape())
    return ctx.emitError() << "Scale and B must broadcast to the shape of X";
  return emitBroadcastNode(ctx, operands, x.dtype, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
    Value result = arith::MulFOp::create(nested, loc, args[0], args[1]);
    if (args.size() > 2)
      result = arith::AddFOp::create(nested, loc, result, args[2]);
    return result;
  });
}

} // namespace het::frontend
