// ONNX activations: the pointwise family (Relu, LeakyRelu, Sigmoid, HardSigmoid, Tanh, ...), PRelu, Clip, Shrink,
// and Softmax / LogSoftmax, Hardmax.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace het::frontend {

namespace {

const int32_t kFloatDTypes[] = {kFloat, kDouble};
const int32_t kReluDTypes[] = {kFloat, kDouble, kInt8, kInt16, kInt32, kInt64};

} // namespace

LogicalResult convertActivation(NodeContext &ctx) {
  StringRef op = ctx.opType();
  if (failed(ctx.requireDType(0, op == "Relu" ? ArrayRef<int32_t>(kReluDTypes) : ArrayRef<int32_t>(kFloatDTypes))))
    return failure();
  int32_t dtype = ctx.input(0).dtype;
  bool isSelu = op == "Selu";
  double alpha = ctx.floatAttribute("alpha", op == "LeakyRelu"     ? 0.01
                                             : op == "HardSigmoid" ? 0.2
                                             : isSelu              ? 1.67326319217681884765625
                                                                   : 1.0);
  double beta = ctx.floatAttribute("beta", 0.5);
  double gamma = ctx.floatAttribute("gamma", 1.05070102214813232421875);
  return emitBroadcastNode(ctx, {ctx.input(0)}, dtype, [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
    Value x = args[0];
    ScalarMath m{b, loc, x.getType()};
    if (op == "Relu")
      return isFloatDType(dtype) ? m.max(x, m.constant(0)) : Value(arith::MaxSIOp::create(b, loc, x, m.constant(0)));
    if (op == "LeakyRelu")
      return m.select(m.less(x, m.constant(0)), m.mul(m.constant(alpha), x), x);
    if (op == "Sigmoid")
      return m.div(m.constant(1), m.add(m.constant(1), m.exp(arith::NegFOp::create(b, loc, x))));
    if (op == "HardSigmoid")
      return m.max(m.constant(0), m.min(m.constant(1), m.add(m.mul(m.constant(alpha), x), m.constant(beta))));
    if (op == "HardSwish")
      return m.mul(x, m.max(m.constant(0), m.min(m.constant(1), m.add(m.div(x, m.constant(6)), m.constant(0.5)))));
    if (op == "Tanh")
      return math::TanhOp::create(b, loc, x);
    if (op == "Elu")
      return m.select(m.less(x, m.constant(0)), m.mul(m.constant(alpha), m.sub(m.exp(x), m.constant(1))), x);
    if (isSelu)
      return m.mul(m.constant(gamma),
                   m.select(m.less(m.constant(0), x), x, m.sub(m.mul(m.constant(alpha), m.exp(x)), m.constant(alpha))));
    if (op == "Celu")
      return m.add(
          m.max(m.constant(0), x),
          m.min(m.constant(0), m.mul(m.constant(alpha), m.sub(m.exp(m.div(x, m.constant(alpha))), m.constant(1)))));
    if (op == "Softplus")
      return math::LogOp::create(b, loc, m.add(m.exp(x), m.constant(1)));
    if (op == "Softsign")
      return m.div(x, m.add(m.constant(1), math::AbsFOp::create(b, loc, x)));
    assert(op == "ThresholdedRelu" && "activation registered without a formula");
    return m.select(m.less(m.constant(alpha), x), x, m.constant(0));
  });
}

LogicalResult convertPRelu(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, kFloatDTypes)))
    return failure();
  OnnxValue x = ctx.input(0), slope = ctx.input(1);
  // Before opset 7 a slope of more than one value holds one per channel (dimension 1 of X).
  if (ctx.opset() < 7 && slope.type().getNumElements() > 1 && x.rank() >= 2) {
    SmallVector<int64_t> perChannel(x.rank() - 1, 1);
    perChannel[0] = slope.type().getNumElements();
    slope.value = reshapeTensor(ctx.builder(), slope.value, perChannel);
  }
  FailureOr<SmallVector<int64_t>> shape = broadcastInputs(ctx, {x, slope});
  if (failed(shape))
    return failure();
  if (ArrayRef<int64_t>(*shape) != x.shape())
    return ctx.emitError() << "slope must broadcast to the shape of X (unidirectional broadcasting)";
  return emitBroadcastNode(ctx, {x, slope}, x.dtype, [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
    ScalarMath m{b, loc, args[0].getType()};
    return m.select(m.less(args[0], m.constant(0)), m.mul(args[1], args[0]), args[0]);
  });
}

LogicalResult convertClip(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, kReluDTypes)))
    return failure();
  OnnxValue x = ctx.input(0);
  ImplicitLocOpBuilder &b = ctx.builder();
  Type elementType = x.type().getElementType();
  SmallVector<OnnxValue> operands = {x};
  int minIndex = -1, maxIndex = -1;
  auto addBound = [&](unsigned inputIndex, StringRef attribute, int &index) -> LogicalResult {
    if (ctx.opset() < 11) {
      if (!ctx.hasAttribute(attribute))
        return success();
      Value scalar = scalarConstant(b, b.getLoc(), elementType, ctx.floatAttribute(attribute, 0));
      operands.push_back({filledTensor(b, {}, scalar), x.dtype});
    } else {
      if (!ctx.hasInput(inputIndex))
        return success();
      if (ctx.input(inputIndex).rank() != 0)
        return ctx.emitError() << "input " << inputIndex << " (" << attribute << ") must be a scalar";
      operands.push_back(ctx.input(inputIndex));
    }
    index = operands.size() - 1;
    return success();
  };
  if (failed(addBound(1, "min", minIndex)) || failed(addBound(2, "max", maxIndex)))
    return failure();
  int32_t dtype = x.dtype;
  return emitBroadcastNode(ctx, operands, dtype, [&](OpBuilder &nested, Location loc, ValueRange args) {
    Value result = args[0];
    if (minIndex >= 0)
      result = scalarBinary(nested, loc, BinaryKind::Max, result, args[minIndex], dtype);
    if (maxIndex >= 0)
      result = scalarBinary(nested, loc, BinaryKind::Min, result, args[maxIndex], dtype);
    return result;
  });
}

LogicalResult convertSoftmax(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, kFloatDTypes)))
    return failure();
  OnnxValue x = ctx.input(0);
  bool legacy = ctx.opset() < 13;
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", legacy ? 1 : -1), x.rank(), "axis");
  if (failed(axis))
    return failure();
  // Before opset 13 the input is coerced to 2-D at `axis`: the normalization runs over all trailing dims.
  SmallVector<int64_t> dims = {*axis};
  if (legacy)
    dims = llvm::to_vector(llvm::seq<int64_t>(*axis, x.rank()));
  bool logarithm = ctx.opType() == "LogSoftmax";
  ctx.setOutput(0, {buildSoftmax(ctx.builder(), x.value, dims, logarithm), x.dtype});
  return success();
}

Value buildSoftmax(ImplicitLocOpBuilder &b, Value x, ArrayRef<int64_t> dims, bool logarithm) {
  auto type = cast<RankedTensorType>(x.getType());
  MLIRContext *context = b.getContext();
  Type elementType = type.getElementType();
  int64_t rank = type.getRank();
  Value lowest = arith::ConstantOp::create(
      b, FloatAttr::get(elementType, APFloat::getInf(cast<FloatType>(elementType).getFloatSemantics(), true)));
  Value maximum = buildReduction(b, x, dims, lowest, [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
    return arith::MaximumFOp::create(nested, loc, args[0], args[1]);
  });
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, context);
  AffineMap reduced = reducedDimsMap(rank, dims, context);
  SmallVector<utils::IteratorType> parallel(rank, utils::IteratorType::parallel);
  Value shifted =
      buildGeneric(b, {x, maximum}, emptyTensor(b, type.getShape(), elementType), {identity, reduced, identity},
                   parallel, [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                     return arith::SubFOp::create(nested, loc, args[0], args[1]);
                   });
  Value exponentials = buildElementwise(b, {shifted}, type.getShape(), elementType,
                                        [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                                          return math::ExpOp::create(nested, loc, args[0]);
                                        });
  Value sum = buildReduction(b, exponentials, dims, scalarConstant(b, b.getLoc(), elementType, 0),
                             [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                               return arith::AddFOp::create(nested, loc, args[0], args[1]);
                             });
  Value result = buildGeneric(
      b, {logarithm ? shifted : exponentials, sum}, emptyTensor(b, type.getShape(), elementType),
      {identity, reduced, identity}, parallel, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        if (logarithm)
          return arith::SubFOp::create(nested, loc, args[0], math::LogOp::create(nested, loc, args[1]));
        return arith::DivFOp::create(nested, loc, args[0], args[1]);
      });
  return result;
}

LogicalResult convertHardmax(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, kFloatDTypes)))
    return failure();
  OnnxValue x = ctx.input(0);
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", -1), x.rank(), "axis");
  if (failed(axis))
    return failure();
  int64_t rank = x.rank(), dim = *axis;
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  Value maximum = buildReduction(b, x.value, {dim}, extremeConstant(b, b.getLoc(), x.dtype, /*largest=*/false),
                                 [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                                   return arith::MaximumFOp::create(nested, loc, args[0], args[1]);
                                 });
  // The first position along the axis that holds the maximum; ties go to the lowest index, as in ONNX.
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, context);
  AffineMap reduced = reducedDimsMap(rank, {dim}, context);
  SmallVector<int64_t> reducedShape(x.shape());
  reducedShape.erase(reducedShape.begin() + dim);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  iterators[dim] = utils::IteratorType::reduction;
  Value first = buildGeneric(
      b, {x.value, maximum},
      filledTensor(b, reducedShape, scalarConstant(b, b.getLoc(), b.getI64Type(), x.shape()[dim])),
      {identity, reduced, reduced}, iterators, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        Value isMax = arith::CmpFOp::create(nested, loc, arith::CmpFPredicate::OEQ, args[0], args[1]);
        Value index =
            arith::IndexCastOp::create(nested, loc, nested.getI64Type(), linalg::IndexOp::create(nested, loc, dim));
        Value here = arith::MinSIOp::create(nested, loc, index, args[2]);
        return arith::SelectOp::create(nested, loc, isMax, here, args[2]);
      });
  SmallVector<utils::IteratorType> parallel(rank, utils::IteratorType::parallel);
  Type elementType = x.type().getElementType();
  Value result =
      buildGeneric(b, {first}, emptyTensor(b, x.shape(), elementType), {reduced, identity}, parallel,
                   [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                     Value index = arith::IndexCastOp::create(nested, loc, nested.getI64Type(),
                                                              linalg::IndexOp::create(nested, loc, dim));
                     Value isFirst = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::eq, index, args[0]);
                     return arith::SelectOp::create(nested, loc, isFirst, scalarConstant(nested, loc, elementType, 1),
                                                    scalarConstant(nested, loc, elementType, 0));
                   });
  ctx.setOutput(0, {result, x.dtype});
  return success();
}

LogicalResult convertShrink(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, kFloatDTypes)))
    return failure();
  double lambd = ctx.floatAttribute("lambd", 0.5), bias = ctx.floatAttribute("bias", 0);
  return emitBroadcastNode(ctx, {ctx.input(0)}, ctx.input(0).dtype,
                           [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                             Value x = args[0];
                             ScalarMath m{b, loc, x.getType()};
                             // x + bias below -lambd, x - bias above lambd, 0 between.
                             Value zero = m.constant(0);
                             Value above = m.select(m.less(m.constant(lambd), x), m.sub(x, m.constant(bias)), zero);
                             return m.select(m.less(x, m.constant(-lambd)), m.add(x, m.constant(bias)), above);
                           });
}

} // namespace het::frontend
