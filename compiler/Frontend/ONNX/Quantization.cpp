// ONNX quantization: QuantizeLinear and DequantizeLinear (per tensor and per axis), DynamicQuantizeLinear, and the
// integer products MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv, built on the MatMul and Conv converters.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace het::frontend {

namespace {

const int32_t kQuantizedDTypes[] = {kInt8, kUInt8};

/// Reshapes a per-axis parameter (scale or zero point) of `x` so that it broadcasts along `axis`: [n] becomes
/// [n, 1, ..., 1]. A scalar or one-element parameter is per tensor and stays.
FailureOr<OnnxValue> alongAxis(NodeContext &ctx, OnnxValue param, StringRef what, ArrayRef<int64_t> shape,
                               int64_t axis) {
  if (param.rank() == 0 || (param.rank() == 1 && param.shape()[0] == 1))
    return param;
  if (param.rank() != 1 || axis >= static_cast<int64_t>(shape.size()) || param.shape()[0] != shape[axis])
    return ctx.emitError() << what << " must be a scalar (per tensor) or 1-D with one entry per index of axis " << axis
                           << " (per axis)";
  SmallVector<int64_t> target(shape.size() - axis, 1);
  target[0] = param.shape()[0];
  return OnnxValue{reshapeTensor(ctx.builder(), param.value, target), param.dtype};
}

/// A tensor computed elementwise from numpy-broadcast operands.
FailureOr<OnnxValue> elementwise(NodeContext &ctx, ArrayRef<OnnxValue> operands, int32_t dtype, ScalarBody body) {
  FailureOr<SmallVector<int64_t>> shape = broadcastInputs(ctx, operands);
  if (failed(shape))
    return failure();
  SmallVector<Value> values = llvm::map_to_vector(operands, [](const OnnxValue &operand) { return operand.value; });
  return OnnxValue{buildElementwise(ctx.builder(), values, *shape, elementTypeOf(dtype, ctx.context()), body), dtype};
}

/// The axis attribute of QuantizeLinear and DequantizeLinear, checked only where the scale is per axis.
FailureOr<int64_t> quantizationAxis(NodeContext &ctx) {
  int64_t axis = ctx.intAttribute("axis", 1);
  if (ctx.input(1).type().getNumElements() == 1)
    return axis;
  return ctx.normalizeAxis(axis, ctx.input(0).rank(), "axis");
}

/// saturate(round_half_even(x / scale) + zero_point) in the zero point's type (uint8 without one).
FailureOr<OnnxValue> quantize(NodeContext &ctx, OnnxValue x, OnnxValue scale, OnnxValue zeroPoint, int64_t axis) {
  FailureOr<OnnxValue> shapedScale = alongAxis(ctx, scale, "the scale", x.shape(), axis);
  if (failed(shapedScale))
    return failure();
  SmallVector<OnnxValue> operands = {x, *shapedScale};
  int32_t resultDType = kUInt8;
  if (zeroPoint.value) {
    FailureOr<OnnxValue> shapedZero = alongAxis(ctx, zeroPoint, "the zero point", x.shape(), axis);
    if (failed(shapedZero))
      return failure();
    operands.push_back(*shapedZero);
    resultDType = zeroPoint.dtype;
  }
  int32_t xDType = x.dtype, zeroDType = resultDType;
  bool isSigned = resultDType == kInt8;
  return elementwise(ctx, operands, resultDType, [&](OpBuilder &b, Location loc, ValueRange args) {
    Value real = castScalar(b, loc, args[0], xDType, kFloat);
    Value q = math::RoundEvenOp::create(b, loc, arith::DivFOp::create(b, loc, real, args[1]));
    if (args.size() > 2)
      q = arith::AddFOp::create(b, loc, q, castScalar(b, loc, args[2], zeroDType, kFloat));
    Type f32 = b.getF32Type();
    q = arith::MaximumFOp::create(b, loc, q, scalarConstant(b, loc, f32, isSigned ? -128 : 0));
    q = arith::MinimumFOp::create(b, loc, q, scalarConstant(b, loc, f32, isSigned ? 127 : 255));
    return castScalar(b, loc, q, kFloat, zeroDType);
  });
}

/// x - zero_point, both widened to `to` (int32, or double where the product is computed by the Conv converter).
FailureOr<OnnxValue> centered(NodeContext &ctx, OnnxValue x, OnnxValue zeroPoint, int32_t to) {
  OnnxValue wide = castTensor(ctx.builder(), x, to);
  if (!zeroPoint.value)
    return wide;
  FailureOr<SmallVector<OnnxValue>> difference = ctx.convertOp("Sub", {wide, castTensor(ctx.builder(), zeroPoint, to)});
  if (failed(difference))
    return failure();
  return (*difference)[0];
}

/// The optional input `index`, or a null value.
OnnxValue optionalInput(NodeContext &ctx, unsigned index) {
  return ctx.hasInput(index) ? ctx.input(index) : OnnxValue{};
}

/// Checks the input types of an integer product: A and B (inputs `a` and `b`) int8 or uint8, each zero point
/// of its operand's type.
LogicalResult requireQuantizedOperands(NodeContext &ctx, unsigned a, unsigned aZero, unsigned b, unsigned bZero) {
  if (failed(ctx.requireDType(a, kQuantizedDTypes)) || failed(ctx.requireDType(b, kQuantizedDTypes)))
    return failure();
  for (auto [operand, zero] : {std::pair(a, aZero), std::pair(b, bZero)})
    if (ctx.hasInput(zero) && ctx.input(zero).dtype != ctx.input(operand).dtype)
      return ctx.emitError() << "input " << zero << " (zero point) must have the type of input " << operand << " ("
                             << dtypeName(ctx.input(operand).dtype) << "), not " << dtypeName(ctx.input(zero).dtype);
  return success();
}

/// Checks the inputs QLinearMatMul and QLinearConv share: quantized operands 0 and 3 with zero points 2 and 5,
/// float scales 1, 4 and 6, the first operand's scale (`firstScale`) per tensor.
LogicalResult requireQLinearInputs(NodeContext &ctx, StringRef firstScale) {
  if (failed(requireQuantizedOperands(ctx, 0, 2, 3, 5)))
    return failure();
  for (unsigned index : {1u, 4u, 6u})
    if (failed(ctx.requireDType(index, {kFloat})))
      return failure();
  if (ctx.input(1).type().getNumElements() != 1)
    return ctx.emitError() << firstScale << " must be a scalar (per tensor)";
  return success();
}

/// The integer matrix product of A - a_zero_point and B - b_zero_point (per tensor, or A's per row and B's per
/// column), in int32.
FailureOr<OnnxValue> integerMatMul(NodeContext &ctx, OnnxValue a, OnnxValue aZero, OnnxValue b, OnnxValue bZero) {
  // A per-row zero point [M] must line up with A's rows: [M, 1]. B's per-column one [N] already broadcasts.
  if (aZero.value && aZero.rank() == 1 && aZero.shape()[0] != 1) {
    if (a.rank() < 2 || aZero.shape()[0] != a.shape()[a.rank() - 2])
      return ctx.emitError() << "a_zero_point must be a scalar or have one entry per row of A";
    aZero.value = reshapeTensor(ctx.builder(), aZero.value, {aZero.shape()[0], 1});
  }
  FailureOr<OnnxValue> lhs = centered(ctx, a, aZero, kInt32);
  FailureOr<OnnxValue> rhs = centered(ctx, b, bZero, kInt32);
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<SmallVector<OnnxValue>> product = ctx.convertOp("MatMul", {*lhs, *rhs});
  if (failed(product))
    return failure();
  return (*product)[0];
}

/// The convolution of x - x_zero_point with w - w_zero_point (per tensor, or w's per output channel), plus an
/// optional int32 bias, in double: every partial sum of int8 products is exact there, which the Conv converter's
/// float types need to compute an integer convolution exactly.
FailureOr<OnnxValue> integerConv(NodeContext &ctx, OnnxValue x, OnnxValue xZero, OnnxValue w, OnnxValue wZero,
                                 OnnxValue bias) {
  if (xZero.value && xZero.type().getNumElements() != 1)
    return ctx.emitError() << "x_zero_point must be a scalar";
  if (wZero.value) {
    FailureOr<OnnxValue> shaped = alongAxis(ctx, wZero, "w_zero_point", w.shape(), 0);
    if (failed(shaped))
      return failure();
    wZero = *shaped;
  }
  FailureOr<OnnxValue> input = centered(ctx, x, xZero, kDouble);
  FailureOr<OnnxValue> weights = centered(ctx, w, wZero, kDouble);
  if (failed(input) || failed(weights))
    return failure();
  SmallVector<OpAttribute> attributes;
  for (StringRef name : {"dilations", "group", "kernel_shape", "pads", "strides"}) {
    if (name == "group" && ctx.hasAttribute(name))
      attributes.push_back({name.str(), ctx.intAttribute(name, 1)});
    else if (std::optional<SmallVector<int64_t>> values = ctx.intsAttribute(name))
      attributes.push_back({name.str(), *values});
  }
  if (ctx.hasAttribute("auto_pad"))
    attributes.push_back({"auto_pad", ctx.stringAttribute("auto_pad", "NOTSET")});
  SmallVector<OnnxValue> operands = {*input, *weights};
  if (bias.value)
    operands.push_back(castTensor(ctx.builder(), bias, kDouble));
  FailureOr<SmallVector<OnnxValue>> result = ctx.convertOp("Conv", operands, 1, attributes);
  if (failed(result))
    return failure();
  return (*result)[0];
}

/// Requantizes an integer accumulator: quantize(acc * a_scale * b_scale, y_scale, y_zero_point), with b_scale
/// per tensor or along `scaleAxis` of the accumulator.
FailureOr<OnnxValue> requantize(NodeContext &ctx, OnnxValue accumulator, OnnxValue aScale, OnnxValue bScale,
                                int64_t scaleAxis, OnnxValue yScale, OnnxValue yZero) {
  FailureOr<OnnxValue> shapedB =
      alongAxis(ctx, bScale, "the scale of the second operand", accumulator.shape(), scaleAxis);
  if (failed(shapedB))
    return failure();
  int32_t accumulatorDType = accumulator.dtype;
  FailureOr<OnnxValue> real =
      elementwise(ctx, {accumulator, aScale, *shapedB}, kFloat, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value value = castScalar(b, loc, args[0], accumulatorDType, kFloat);
        return arith::MulFOp::create(b, loc, value, arith::MulFOp::create(b, loc, args[1], args[2]));
      });
  if (failed(real))
    return failure();
  return quantize(ctx, *real, yScale, yZero, /*axis=*/0);
}

} // namespace

LogicalResult convertQuantizeLinear(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kInt32})) || failed(ctx.requireDType(1, {kFloat})))
    return failure();
  if (ctx.hasInput(2) && failed(ctx.requireDType(2, kQuantizedDTypes)))
    return failure();
  OnnxValue x = ctx.input(0);
  FailureOr<int64_t> axis = quantizationAxis(ctx);
  if (failed(axis))
    return failure();
  FailureOr<OnnxValue> y = quantize(ctx, x, ctx.input(1), optionalInput(ctx, 2), *axis);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult convertDequantizeLinear(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kInt8, kUInt8, kInt32})) || failed(ctx.requireDType(1, {kFloat})))
    return failure();
  OnnxValue x = ctx.input(0);
  if (ctx.hasInput(2) && ctx.input(2).dtype != x.dtype)
    return ctx.emitError() << "input 2 (zero point) must have the type of input 0 (" << dtypeName(x.dtype) << "), not "
                           << dtypeName(ctx.input(2).dtype);
  FailureOr<int64_t> axis = quantizationAxis(ctx);
  if (failed(axis))
    return failure();
  FailureOr<OnnxValue> scale = alongAxis(ctx, ctx.input(1), "the scale", x.shape(), *axis);
  if (failed(scale))
    return failure();
  SmallVector<OnnxValue> operands = {x, *scale};
  if (ctx.hasInput(2)) {
    FailureOr<OnnxValue> zero = alongAxis(ctx, ctx.input(2), "the zero point", x.shape(), *axis);
    if (failed(zero))
      return failure();
    operands.push_back(*zero);
  }
  int32_t dtype = x.dtype;
  return emitBroadcastNode(ctx, operands, kFloat, [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
    Value value = castScalar(b, loc, args[0], dtype, kFloat);
    if (args.size() > 2)
      value = arith::SubFOp::create(b, loc, value, castScalar(b, loc, args[2], dtype, kFloat));
    return arith::MulFOp::create(b, loc, value, args[1]);
  });
}

LogicalResult convertDynamicQuantizeLinear(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat})))
    return failure();
  OnnxValue x = ctx.input(0);
  ImplicitLocOpBuilder &b = ctx.builder();
  Type f32 = b.getF32Type();
  SmallVector<int64_t> allDims = llvm::to_vector(llvm::seq<int64_t>(0, x.rank()));
  // The range always includes 0, so that 0 is exactly representable.
  auto extreme = [&](bool largest) {
    Value init = scalarConstant(b, b.getLoc(), f32, 0);
    return buildReduction(b, x.value, allDims, init, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
      return largest ? Value(arith::MaximumFOp::create(nested, loc, args[0], args[1]))
                     : Value(arith::MinimumFOp::create(nested, loc, args[0], args[1]));
    });
  };
  OnnxValue low{extreme(false), kFloat}, high{extreme(true), kFloat};
  FailureOr<OnnxValue> scale =
      elementwise(ctx, {low, high}, kFloat, [&](OpBuilder &nested, Location loc, ValueRange args) {
        return arith::DivFOp::create(nested, loc, arith::SubFOp::create(nested, loc, args[1], args[0]),
                                     scalarConstant(nested, loc, f32, 255));
      });
  if (failed(scale))
    return failure();
  FailureOr<OnnxValue> zeroPoint =
      elementwise(ctx, {low, *scale}, kUInt8, [&](OpBuilder &nested, Location loc, ValueRange args) {
        Value zero = arith::NegFOp::create(nested, loc, arith::DivFOp::create(nested, loc, args[0], args[1]));
        zero = arith::MaximumFOp::create(nested, loc, zero, scalarConstant(nested, loc, f32, 0));
        zero = arith::MinimumFOp::create(nested, loc, zero, scalarConstant(nested, loc, f32, 255));
        return castScalar(nested, loc, math::RoundEvenOp::create(nested, loc, zero), kFloat, kUInt8);
      });
  if (failed(zeroPoint))
    return failure();
  FailureOr<OnnxValue> y = quantize(ctx, x, *scale, *zeroPoint, 0);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  ctx.setOutput(1, *scale);
  ctx.setOutput(2, *zeroPoint);
  return success();
}

LogicalResult convertMatMulInteger(NodeContext &ctx) {
  if (failed(requireQuantizedOperands(ctx, 0, 2, 1, 3)))
    return failure();
  FailureOr<OnnxValue> y = integerMatMul(ctx, ctx.input(0), optionalInput(ctx, 2), ctx.input(1), optionalInput(ctx, 3));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult convertConvInteger(NodeContext &ctx) {
  if (failed(requireQuantizedOperands(ctx, 0, 2, 1, 3)))
    return failure();
  FailureOr<OnnxValue> y =
      integerConv(ctx, ctx.input(0), optionalInput(ctx, 2), ctx.input(1), optionalInput(ctx, 3), OnnxValue{});
  if (failed(y))
    return failure();
  ctx.setOutput(0, castTensor(ctx.builder(), *y, kInt32));
  return success();
}

LogicalResult convertQLinearMatMul(NodeContext &ctx) {
  // Inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point.
  if (failed(requireQLinearInputs(ctx, "a_scale")))
    return failure();
  FailureOr<OnnxValue> accumulator = integerMatMul(ctx, ctx.input(0), ctx.input(2), ctx.input(3), ctx.input(5));
  if (failed(accumulator))
    return failure();
  FailureOr<OnnxValue> y =
      requantize(ctx, *accumulator, ctx.input(1), ctx.input(4), accumulator->rank() - 1, ctx.input(6), ctx.input(7));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult convertQLinearConv(NodeContext &ctx) {
  // Inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, optional int32 B.
  if (failed(requireQLinearInputs(ctx, "x_scale")) || (ctx.hasInput(8) && failed(ctx.requireDType(8, {kInt32}))))
    return failure();
  FailureOr<OnnxValue> accumulator =
      integerConv(ctx, ctx.input(0), ctx.input(2), ctx.input(3), ctx.input(5), optionalInput(ctx, 8));
  if (failed(accumulator))
    return failure();
  FailureOr<OnnxValue> y =
      requantize(ctx, *accumulator, ctx.input(1), ctx.input(4), /*scaleAxis=*/1, ctx.input(6), ctx.input(7));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

} // namespace het::frontend
