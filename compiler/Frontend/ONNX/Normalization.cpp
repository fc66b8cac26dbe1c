// ONNX normalizations: BatchNormalization (inference and training mode), InstanceNormalization,
// LayerNormalization, MeanVarianceNormalization and LRN.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace het::frontend {

namespace {

/// Mean and (biased) variance of `x` over `dims`, which the statistics drop, and `x` minus its mean.
struct Moments {
  Value mean, centered, variance;
};

/// `full` combined with a statistic over `dims` (the statistic's shape is `full`'s without them).
Value combineWithStatistic(ImplicitLocOpBuilder &b, Value full, Value statistic, ArrayRef<int64_t> dims,
                           bool multiply) {
  auto type = cast<RankedTensorType>(full.getType());
  int64_t rank = type.getRank();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  SmallVector<utils::IteratorType> parallel(rank, utils::IteratorType::parallel);
  return buildGeneric(b, {full, statistic}, emptyTensor(b, type.getShape(), type.getElementType()),
                      {identity, reducedDimsMap(rank, dims, b.getContext()), identity}, parallel,
                      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                        if (multiply)
                          return arith::MulFOp::create(nested, loc, args[0], args[1]);
                        return arith::SubFOp::create(nested, loc, args[0], args[1]);
                      });
}

Moments moments(ImplicitLocOpBuilder &b, Value x, ArrayRef<int64_t> dims) {
  auto type = cast<RankedTensorType>(x.getType());
  Type elementType = type.getElementType();
  int64_t count = 1;
  for (int64_t dim : dims)
    count *= type.getShape()[dim];
  Value zero = scalarConstant(b, b.getLoc(), elementType, 0);
  auto meanOf = [&](Value value, bool squared) {
    Value sum = buildReduction(b, value, dims, zero, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
      Value element = squared ? arith::MulFOp::create(nested, loc, args[0], args[0]) : args[0];
      return arith::AddFOp::create(nested, loc, element, args[1]);
    });
    auto sumType = cast<RankedTensorType>(sum.getType());
    return buildElementwise(
        b, {sum}, sumType.getShape(), elementType, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
          return arith::DivFOp::create(nested, loc, args[0], scalarConstant(nested, loc, elementType, count));
        });
  };
  Moments result;
  result.mean = meanOf(x, false);
  result.centered = combineWithStatistic(b, x, result.mean, dims, /*multiply=*/false);
  result.variance = meanOf(result.centered, true);
  return result;
}

/// 1 / sqrt(variance + epsilon), elementwise.
Value inverseDeviation(ImplicitLocOpBuilder &b, Value variance, double epsilon) {
  auto type = cast<RankedTensorType>(variance.getType());
  Type elementType = type.getElementType();
  return buildElementwise(
      b, {variance}, type.getShape(), elementType, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        Value shifted = arith::AddFOp::create(nested, loc, args[0], scalarConstant(nested, loc, elementType, epsilon));
        return arith::DivFOp::create(nested, loc, scalarConstant(nested, loc, elementType, 1),
                                     math::SqrtOp::create(nested, loc, shifted));
      });
}

/// Per-channel 1-D inputs `first`.. of an N x C x ... node, shaped C x 1 x ... x 1 to broadcast along dim 1.
FailureOr<SmallVector<OnnxValue>> channelParameters(NodeContext &ctx, OnnxValue x, unsigned first, unsigned count) {
  int64_t channels = x.shape()[1];
  SmallVector<int64_t> parameterShape(x.rank() - 1, 1);
  parameterShape[0] = channels;
  SmallVector<OnnxValue> parameters;
  for (unsigned i = first; i < first + count; ++i) {
    OnnxValue parameter = ctx.input(i);
    if (parameter.rank() != 1 || parameter.shape()[0] != channels)
      return ctx.emitError() << "input " << i << " must be 1-D with " << channels << " entries (one per channel)";
    parameters.push_back({reshapeTensor(ctx.builder(), parameter.value, parameterShape), parameter.dtype});
  }
  return parameters;
}

/// Output 0 = normalized * scale + bias, the last two of `operands` per channel.
LogicalResult emitScaleAndBias(NodeContext &ctx, OnnxValue normalized, ArrayRef<OnnxValue> parameters) {
  SmallVector<OnnxValue> operands = {normalized};
  llvm::append_range(operands, parameters);
  return emitBroadcastNode(ctx, operands, normalized.dtype,
                           [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                             Value scaled = arith::MulFOp::create(nested, loc, args[0], args[1]);
                             return arith::AddFOp::create(nested, loc, scaled, args[2]);
                           });
}

/// Training-mode BatchNormalization: normalizes with the batch's own statistics over every dim but 1, and
/// returns the running statistics input_mean * momentum + batch_mean * (1 - momentum) (likewise the variance).
LogicalResult convertBatchNormalizationTraining(NodeContext &ctx, OnnxValue x, ArrayRef<OnnxValue> parameters) {
  ImplicitLocOpBuilder &b = ctx.builder();
  Type elementType = x.type().getElementType();
  SmallVector<int64_t> dims = {0};
  llvm::append_range(dims, llvm::seq<int64_t>(2, x.rank()));
  Moments stats = moments(b, x.value, dims);
  double epsilon = ctx.floatAttribute("epsilon", 1e-5f), momentum = ctx.floatAttribute("momentum", 0.9f);
  Value normalized = combineWithStatistic(b, stats.centered, inverseDeviation(b, stats.variance, epsilon), dims,
                                          /*multiply=*/true);
  for (unsigned output = 1; output <= 2; ++output) {
    if (!ctx.hasOutput(output))
      continue;
    OnnxValue running = ctx.input(output + 2);
    Value batch = output == 1 ? stats.mean : stats.variance;
    Value updated = buildElementwise(
        b, {running.value, batch}, running.shape(), elementType,
        [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
          Value kept = arith::MulFOp::create(nested, loc, args[0], scalarConstant(nested, loc, elementType, momentum));
          Value added =
              arith::MulFOp::create(nested, loc, args[1], scalarConstant(nested, loc, elementType, 1 - momentum));
          return arith::AddFOp::create(nested, loc, kept, added);
        });
    ctx.setOutput(output, {updated, x.dtype});
  }
  return emitScaleAndBias(ctx, {normalized, x.dtype}, parameters.take_front(2));
}

} // namespace

LogicalResult convertBatchNormalization(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  bool training = ctx.intAttribute("training_mode", 0);
  if (ctx.opset() < 14 && ctx.hasOutput(1))
    return ctx.emitError() << "the training outputs of opsets before 14 are not supported";
  if (ctx.opset() < 7 && !ctx.intAttribute("is_test", 0))
    return ctx.emitError() << "is_test = 0 (training, opset " << ctx.opset()
                           << ") is not supported; inference needs is_test = 1";
  if (ctx.opset() < 9 && !ctx.intAttribute("spatial", 1))
    return ctx.emitError() << "spatial = 0 is not supported";
  OnnxValue x = ctx.input(0);
  if (x.rank() < 2)
    return ctx.emitError() << "X must be N x C x ... (rank 2 or more)";
  FailureOr<SmallVector<OnnxValue>> parameters = channelParameters(ctx, x, 1, 4);
  if (failed(parameters))
    return failure();
  if (training)
    return convertBatchNormalizationTraining(ctx, x, *parameters);
  SmallVector<OnnxValue> operands = {x};
  llvm::append_range(operands, *parameters);
  double epsilon = ctx.floatAttribute("epsilon", 1e-5f);
  return emitBroadcastNode(ctx, operands, x.dtype, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
    Type type = args[0].getType();
    Value variance = arith::AddFOp::create(nested, loc, args[4], scalarConstant(nested, loc, type, epsilon));
    Value centered = arith::SubFOp::create(nested, loc, args[0], args[3]);
    Value normalized = arith::DivFOp::create(nested, loc, centered, math::SqrtOp::create(nested, loc, variance));
    return arith::AddFOp::create(nested, loc, arith::MulFOp::create(nested, loc, normalized, args[1]), args[2]);
  });
}

LogicalResult convertInstanceNormalization(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  OnnxValue x = ctx.input(0);
  if (x.rank() < 3)
    return ctx.emitError() << "input must be N x C x spatial... (rank 3 or more)";
  FailureOr<SmallVector<OnnxValue>> parameters = channelParameters(ctx, x, 1, 2);
  if (failed(parameters))
    return failure();
  ImplicitLocOpBuilder &b = ctx.builder();
  SmallVector<int64_t> dims = llvm::to_vector(llvm::seq<int64_t>(2, x.rank()));
  Moments stats = moments(b, x.value, dims);
  Value normalized =
      combineWithStatistic(b, stats.centered, inverseDeviation(b, stats.variance, ctx.floatAttribute("epsilon", 1e-5f)),
                           dims, /*multiply=*/true);
  return emitScaleAndBias(ctx, {normalized, x.dtype}, *parameters);
}

LogicalResult convertLayerNormalization(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  OnnxValue x = ctx.input(0);
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", -1), x.rank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> dims = llvm::to_vector(llvm::seq<int64_t>(*axis, x.rank()));
  ImplicitLocOpBuilder &b = ctx.builder();
  Moments stats = moments(b, x.value, dims);
  Value inverse = inverseDeviation(b, stats.variance, ctx.floatAttribute("epsilon", 1e-5f));
  Value normalized = combineWithStatistic(b, stats.centered, inverse, dims, /*multiply=*/true);
  // Mean and InvStdDev keep the normalized dims as 1s.
  SmallVector<int64_t> statisticShape(x.shape().take_front(*axis));
  statisticShape.append(x.rank() - *axis, 1);
  if (ctx.hasOutput(1))
    ctx.setOutput(1, {reshapeTensor(b, stats.mean, statisticShape), x.dtype});
  if (ctx.hasOutput(2))
    ctx.setOutput(2, {reshapeTensor(b, inverse, statisticShape), x.dtype});
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

LogicalResult convertMeanVarianceNormalization(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  OnnxValue x = ctx.input(0);
  SmallVector<int64_t> axes = ctx.intsAttribute("axes").value_or(SmallVector<int64_t>{0, 2, 3});
  SmallVector<int64_t> dims;
  for (int64_t axis : axes) {
    FailureOr<int64_t> dim = ctx.normalizeAxis(axis, x.rank(), "axes");
    if (failed(dim))
      return failure();
    dims.push_back(*dim);
  }
  llvm::sort(dims);
  if (std::adjacent_find(dims.begin(), dims.end()) != dims.end())
    return ctx.emitError() << "axes must not repeat a dim";
  ImplicitLocOpBuilder &b = ctx.builder();
  Type elementType = x.type().getElementType();
  Moments stats = moments(b, x.value, dims);
  // (x - mean) / (stddev + 1e-9), as the ONNX function body defines it.
  auto statisticType = cast<RankedTensorType>(stats.variance.getType());
  Value inverse = buildElementwise(
      b, {stats.variance}, statisticType.getShape(), elementType,
      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        Value deviation = arith::AddFOp::create(nested, loc, math::SqrtOp::create(nested, loc, args[0]),
                                                scalarConstant(nested, loc, elementType, 1e-9));
        return arith::DivFOp::create(nested, loc, scalarConstant(nested, loc, elementType, 1), deviation);
      });
  ctx.setOutput(0, {combineWithStatistic(b, stats.centered, inverse, dims, /*multiply=*/true), x.dtype});
  return success();
}

LogicalResult convertLRN(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  OnnxValue x = ctx.input(0);
  if (x.rank() < 3)
    return ctx.emitError() << "X must be N x C x spatial... (rank 3 or more)";
  int64_t size = ctx.intAttribute("size", 0);
  if (size <= 0)
    return ctx.emitError() << "size must be a positive integer; got " << size;
  double alpha = ctx.floatAttribute("alpha", 1e-4f), beta = ctx.floatAttribute("beta", 0.75f),
         bias = ctx.floatAttribute("bias", 1.0f);
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  Type elementType = x.type().getElementType();
  int64_t rank = x.rank();
  // The squares, zero-padded along the channels so each channel's window (floor((size-1)/2) before it,
  // ceil((size-1)/2) after) stays inside.
  Value squares = buildElementwise(b, {x.value}, x.shape(), elementType,
                                   [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                                     return arith::MulFOp::create(nested, loc, args[0], args[0]);
                                   });
  SmallVector<int64_t> low(rank, 0), high(rank, 0), paddedShape(x.shape());
  low[1] = (size - 1) / 2;
  high[1] = size / 2;
  paddedShape[1] += size - 1;
  Value padded = tensor::PadOp::create(b, RankedTensorType::get(paddedShape, elementType), squares,
                                       getAsIndexOpFoldResult(context, low), getAsIndexOpFoldResult(context, high),
                                       scalarConstant(b, b.getLoc(), elementType, 0));
  // Loop dims: x's, then the window; the window operand only gives the window loop its size.
  SmallVector<AffineExpr> inputExprs, outputExprs;
  for (int64_t dim = 0; dim < rank; ++dim) {
    outputExprs.push_back(getAffineDimExpr(dim, context));
    inputExprs.push_back(dim == 1 ? getAffineDimExpr(1, context) + getAffineDimExpr(rank, context)
                                  : getAffineDimExpr(dim, context));
  }
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value sums = buildGeneric(b, {padded, emptyTensor(b, {size}, elementType)},
                            filledTensor(b, x.shape(), scalarConstant(b, b.getLoc(), elementType, 0)),
                            {AffineMap::get(rank + 1, 0, inputExprs, context),
                             AffineMap::get(rank + 1, 0, getAffineDimExpr(rank, context)),
                             AffineMap::get(rank + 1, 0, outputExprs, context)},
                            iterators, [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                              return arith::AddFOp::create(nested, loc, args[2], args[0]);
                            });
  // y = x / (bias + alpha / size * sum) ^ beta.
  return emitBroadcastNode(
      ctx, {x, {sums, x.dtype}}, x.dtype, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        Value scaled =
            arith::MulFOp::create(nested, loc, args[1], scalarConstant(nested, loc, elementType, alpha / size));
        Value base = arith::AddFOp::create(nested, loc, scaled, scalarConstant(nested, loc, elementType, bias));
        Value denominator = math::PowFOp::create(nested, loc, base, scalarConstant(nested, loc, elementType, beta));
        return arith::DivFOp::create(nested, loc, args[0], denominator);
      });
}

} // namespace het::frontend
