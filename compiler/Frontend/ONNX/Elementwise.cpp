// ONNX elementwise ops with numpy broadcasting: arithmetic, Pow, Mod, BitShift, variadic Max/Min/Sum/Mean, unary
// math, IsInf/IsNaN, comparisons, logic, Where, Trilu, Cast/CastLike, Dropout (inference) and Identity.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace het::frontend {

namespace {

const int32_t kNumericDTypes[] = {kFloat, kDouble, kInt8, kUInt8, kInt16, kUInt16, kInt32, kUInt32, kInt64, kUInt64};
/// Max, Min, Sum, Mean and Mod also take the half types, which emitBroadcastNode computes in f32.
const int32_t kNumericAndHalfDTypes[] = {kFloat, kDouble, kFloat16, kBFloat16, kInt8,  kUInt8,
                                         kInt16, kUInt16, kInt32,   kUInt32,   kInt64, kUInt64};
const int32_t kFloatDTypes[] = {kFloat, kDouble};
const int32_t kSignedDTypes[] = {kFloat, kDouble, kInt8, kInt16, kInt32, kInt64};

SmallVector<OnnxValue> allInputs(NodeContext &ctx) {
  SmallVector<OnnxValue> inputs;
  for (unsigned i = 0; i < ctx.numInputs(); ++i)
    inputs.push_back(ctx.input(i));
  return inputs;
}

LogicalResult requireAll(NodeContext &ctx, ArrayRef<int32_t> accepted) {
  for (unsigned i = 0; i < ctx.numInputs(); ++i)
    if (failed(ctx.requireDType(i, accepted)))
      return failure();
  return success();
}

/// Inputs 0 and 1 of a binary op, with input 1 made numpy-broadcastable under the rules before opset 7: without
/// `broadcast` = 1 the shapes must be equal; with it, B's dimensions line up with A's from `axis` (default: B is
/// a suffix of A), so B gets trailing 1s for the dimensions of A after it.
FailureOr<std::pair<OnnxValue, OnnxValue>> binaryOperands(NodeContext &ctx) {
  OnnxValue a = ctx.input(0), b = ctx.input(1);
  if (ctx.opset() >= 7)
    return std::make_pair(a, b);
  if (!ctx.intAttribute("broadcast", 0)) {
    if (a.shape() != b.shape())
      return ctx.emitError() << "without broadcast = 1 (opset " << ctx.opset()
                             << ") both inputs must have one shape; the model needs opset 7 or newer for numpy "
                                "broadcasting";
    return std::make_pair(a, b);
  }
  int64_t axis = ctx.intAttribute("axis", a.rank() - b.rank());
  if (axis < 0 || axis + b.rank() > a.rank())
    return ctx.emitError() << "broadcast axis " << axis << " does not place B (rank " << b.rank() << ") inside A (rank "
                           << a.rank() << ")";
  SmallVector<int64_t> shape(b.shape());
  shape.append(a.rank() - axis - b.rank(), 1);
  return std::make_pair(a, OnnxValue{reshapeTensor(ctx.builder(), b.value, shape), b.dtype});
}

} // namespace

LogicalResult convertBinaryArithmetic(NodeContext &ctx) {
  if (failed(requireAll(ctx, kNumericDTypes)))
    return failure();
  BinaryKind kind = llvm::StringSwitch<BinaryKind>(ctx.opType())
                        .Case("Add", BinaryKind::Add)
                        .Case("Sub", BinaryKind::Sub)
                        .Case("Mul", BinaryKind::Mul)
                        .Case("Div", BinaryKind::Div);
  FailureOr<std::pair<OnnxValue, OnnxValue>> operands = binaryOperands(ctx);
  if (failed(operands))
    return failure();
  int32_t dtype = ctx.input(0).dtype;
  return emitBroadcastNode(
      ctx, {operands->first, operands->second}, dtype,
      [&](OpBuilder &b, Location loc, ValueRange args) { return scalarBinary(b, loc, kind, args[0], args[1], dtype); });
}

LogicalResult convertPow(NodeContext &ctx) {
  if (failed(requireAll(ctx, kNumericDTypes)))
    return failure();
  FailureOr<std::pair<OnnxValue, OnnxValue>> operands = binaryOperands(ctx);
  if (failed(operands))
    return failure();
  int32_t baseType = ctx.input(0).dtype, exponentType = ctx.input(1).dtype;
  return emitBroadcastNode(ctx, {operands->first, operands->second}, baseType,
                           [&](OpBuilder &b, Location loc, ValueRange args) {
                             if (isFloatDType(baseType))
                               return scalarBinary(b, loc, BinaryKind::Pow, args[0],
                                                   castScalar(b, loc, args[1], exponentType, baseType), baseType);
                             // numpy computes an integer base with a float exponent in floating point, then casts back.
                             Value base = castScalar(b, loc, args[0], baseType, kDouble);
                             Value exponent = castScalar(b, loc, args[1], exponentType, kDouble);
                             return castScalar(b, loc, math::PowFOp::create(b, loc, base, exponent), kDouble, baseType);
                           });
}

LogicalResult convertVariadic(NodeContext &ctx) {
  StringRef op = ctx.opType();
  const int32_t meanDTypes[] = {kFloat, kDouble, kFloat16, kBFloat16};
  if (failed(requireAll(ctx, op == "Mean" ? ArrayRef<int32_t>(meanDTypes) : ArrayRef<int32_t>(kNumericAndHalfDTypes))))
    return failure();
  BinaryKind kind = llvm::StringSwitch<BinaryKind>(op)
                        .Case("Max", BinaryKind::Max)
                        .Case("Min", BinaryKind::Min)
                        .Default(BinaryKind::Add);
  int32_t dtype = ctx.input(0).dtype;
  size_t count = ctx.numInputs();
  return emitBroadcastNode(ctx, allInputs(ctx), dtype, [&](OpBuilder &b, Location loc, ValueRange args) {
    Value result = args[0];
    for (Value arg : args.drop_front())
      result = scalarBinary(b, loc, kind, result, arg, dtype);
    if (op == "Mean")
      result = arith::DivFOp::create(b, loc, result, scalarConstant(b, loc, result.getType(), count));
    return result;
  });
}

LogicalResult convertUnaryMath(NodeContext &ctx) {
  StringRef op = ctx.opType();
  bool integersToo = op == "Abs" || op == "Neg" || op == "Sign";
  ArrayRef<int32_t> accepted = kFloatDTypes;
  if (integersToo)
    accepted = op == "Neg" ? ArrayRef<int32_t>(kSignedDTypes) : ArrayRef<int32_t>(kNumericDTypes);
  if (failed(ctx.requireDType(0, accepted)))
    return failure();
  int32_t dtype = ctx.input(0).dtype;
  bool isFloat = isFloatDType(dtype);
  return emitBroadcastNode(ctx, {ctx.input(0)}, dtype, [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
    Value x = args[0];
    Type type = x.getType();
    if (op == "Abs") {
      if (isFloat)
        return math::AbsFOp::create(b, loc, x);
      return isUnsignedDType(dtype) ? x : Value(math::AbsIOp::create(b, loc, x));
    }
    if (op == "Neg")
      return isFloat ? Value(arith::NegFOp::create(b, loc, x))
                     : Value(arith::SubIOp::create(b, loc, scalarConstant(b, loc, type, 0), x));
    if (op == "Sign") {
      Value zero = scalarConstant(b, loc, type, 0);
      Value positive, negative;
      if (isFloat) {
        positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
        negative = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
      } else {
        positive = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
        negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
        if (isUnsignedDType(dtype))
          negative = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
      }
      Value result = arith::SelectOp::create(b, loc, positive, scalarConstant(b, loc, type, 1), zero);
      return arith::SelectOp::create(b, loc, negative, scalarConstant(b, loc, type, -1), result);
    }
    if (op == "Reciprocal")
      return arith::DivFOp::create(b, loc, scalarConstant(b, loc, type, 1), x);
    if (op == "Sqrt")
      return math::SqrtOp::create(b, loc, x);
    if (op == "Exp")
      return math::ExpOp::create(b, loc, x);
    if (op == "Log")
      return math::LogOp::create(b, loc, x);
    if (op == "Erf")
      return math::ErfOp::create(b, loc, x);
    if (op == "Ceil")
      return math::CeilOp::create(b, loc, x);
    if (op == "Floor")
      return math::FloorOp::create(b, loc, x);
    if (op == "Round")
      return math::RoundEvenOp::create(b, loc, x);
    if (op == "Sin")
      return math::SinOp::create(b, loc, x);
    if (op == "Cos")
      return math::CosOp::create(b, loc, x);
    if (op == "Tan")
      return math::TanOp::create(b, loc, x);
    if (op == "Asin")
      return math::AsinOp::create(b, loc, x);
    if (op == "Acos")
      return math::AcosOp::create(b, loc, x);
    if (op == "Atan")
      return math::AtanOp::create(b, loc, x);
    if (op == "Sinh")
      return math::SinhOp::create(b, loc, x);
    if (op == "Cosh")
      return math::CoshOp::create(b, loc, x);
    if (op == "Asinh")
      return math::AsinhOp::create(b, loc, x);
    if (op == "Acosh")
      return math::AcoshOp::create(b, loc, x);
    assert(op == "Atanh" && "unary op registered without a body");
    return math::AtanhOp::create(b, loc, x);
  });
}

LogicalResult convertComparison(NodeContext &ctx) {
  StringRef op = ctx.opType();
  SmallVector<int32_t> accepted(std::begin(kNumericDTypes), std::end(kNumericDTypes));
  if (op == "Equal")
    accepted.push_back(kBool);
  if (failed(requireAll(ctx, accepted)))
    return failure();
  int32_t dtype = ctx.input(0).dtype;
  bool isUnsigned = isUnsignedDType(dtype) || dtype == kBool;
  arith::CmpFPredicate floatPredicate = llvm::StringSwitch<arith::CmpFPredicate>(op)
                                            .Case("Equal", arith::CmpFPredicate::OEQ)
                                            .Case("Less", arith::CmpFPredicate::OLT)
                                            .Case("LessOrEqual", arith::CmpFPredicate::OLE)
                                            .Case("Greater", arith::CmpFPredicate::OGT)
                                            .Case("GreaterOrEqual", arith::CmpFPredicate::OGE);
  arith::CmpIPredicate intPredicate =
      llvm::StringSwitch<arith::CmpIPredicate>(op)
          .Case("Equal", arith::CmpIPredicate::eq)
          .Case("Less", isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt)
          .Case("LessOrEqual", isUnsigned ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle)
          .Case("Greater", isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt)
          .Case("GreaterOrEqual", isUnsigned ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge);
  return emitBroadcastNode(ctx, {ctx.input(0), ctx.input(1)}, kBool,
                           [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                             if (isFloatDType(dtype))
                               return arith::CmpFOp::create(b, loc, floatPredicate, args[0], args[1]);
                             return arith::CmpIOp::create(b, loc, intPredicate, args[0], args[1]);
                           });
}

LogicalResult convertLogical(NodeContext &ctx) {
  if (failed(requireAll(ctx, {kBool})))
    return failure();
  StringRef op = ctx.opType();
  return emitBroadcastNode(ctx, allInputs(ctx), kBool, [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
    if (op == "Not")
      return arith::XOrIOp::create(b, loc, args[0], arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
    if (op == "And")
      return arith::AndIOp::create(b, loc, args[0], args[1]);
    if (op == "Or")
      return arith::OrIOp::create(b, loc, args[0], args[1]);
    return arith::XOrIOp::create(b, loc, args[0], args[1]);
  });
}

LogicalResult convertWhere(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kBool})))
    return failure();
  return emitBroadcastNode(ctx, allInputs(ctx), ctx.input(1).dtype,
                           [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                             return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
                           });
}

LogicalResult convertCast(NodeContext &ctx) {
  int64_t to = ctx.intAttribute("to", kUndefined);
  if (!elementTypeOf(to, ctx.context()))
    return ctx.emitError() << "cast to " << dtypeName(to) << " is not supported; supported: float, double, "
                           << "float16, bfloat16, int8, uint8, int16, uint16, int32, uint32, int64, uint64, bool";
  if (!elementTypeOf(ctx.input(0).dtype, ctx.context()))
    return ctx.emitError() << "cast from " << dtypeName(ctx.input(0).dtype) << " is not supported";
  ctx.setOutput(0, castTensor(ctx.builder(), ctx.input(0), to));
  return success();
}

LogicalResult convertFloatTest(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, kFloatDTypes)))
    return failure();
  bool isNaN = ctx.opType() == "IsNaN";
  bool negative = ctx.intAttribute("detect_negative", 1), positive = ctx.intAttribute("detect_positive", 1);
  return emitBroadcastNode(ctx, {ctx.input(0)}, kBool, [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
    Value x = args[0];
    if (isNaN)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
    auto equals = [&](bool largest) -> Value {
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                                   extremeConstant(b, loc, ctx.input(0).dtype, largest));
    };
    Value result = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
    if (negative)
      result = arith::OrIOp::create(b, loc, result, equals(false));
    if (positive)
      result = arith::OrIOp::create(b, loc, result, equals(true));
    return result;
  });
}

LogicalResult convertMod(NodeContext &ctx) {
  if (failed(requireAll(ctx, kNumericAndHalfDTypes)))
    return failure();
  int32_t dtype = ctx.input(0).dtype;
  bool fmod = ctx.intAttribute("fmod", 0);
  if (isFloatDType(dtype) && !fmod)
    return ctx.emitError() << "floating-point Mod needs fmod = 1";
  return emitBroadcastNode(
      ctx, {ctx.input(0), ctx.input(1)}, dtype, [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value a = args[0], d = args[1];
        if (isFloatDType(dtype))
          return arith::RemFOp::create(b, loc, a, d);
        if (isUnsignedDType(dtype))
          return arith::RemUIOp::create(b, loc, a, d);
        Value remainder = arith::RemSIOp::create(b, loc, a, d);
        if (fmod)
          return remainder;
        // Python's modulo takes the divisor's sign: fix a nonzero remainder of the other sign.
        Value zero = scalarConstant(b, loc, a.getType(), 0);
        Value nonzero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, remainder, zero);
        Value remainderNegative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, remainder, zero);
        Value divisorNegative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, d, zero);
        Value differ = arith::XOrIOp::create(b, loc, remainderNegative, divisorNegative);
        Value fix = arith::AndIOp::create(b, loc, nonzero, differ);
        return arith::SelectOp::create(b, loc, fix, arith::AddIOp::create(b, loc, remainder, d), remainder);
      });
}

LogicalResult convertBitShift(NodeContext &ctx) {
  if (failed(requireAll(ctx, {kUInt8, kUInt16, kUInt32, kUInt64})))
    return failure();
  std::string direction = ctx.stringAttribute("direction", "");
  if (direction != "LEFT" && direction != "RIGHT")
    return ctx.emitError() << "direction '" << direction << "' is not supported; supported: LEFT, RIGHT";
  int32_t dtype = ctx.input(0).dtype;
  return emitBroadcastNode(ctx, {ctx.input(0), ctx.input(1)}, dtype,
                           [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                             if (direction == "LEFT")
                               return arith::ShLIOp::create(b, loc, args[0], args[1]);
                             return arith::ShRUIOp::create(b, loc, args[0], args[1]);
                           });
}

LogicalResult convertTrilu(NodeContext &ctx) {
  OnnxValue x = ctx.input(0);
  if (x.rank() < 2)
    return ctx.emitError() << "the input must have rank 2 or more";
  int64_t diagonal = 0;
  if (ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> k = ctx.constantIntsInput(1, "k");
    if (failed(k))
      return failure();
    if (k->size() != 1)
      return ctx.emitError() << "k must hold one value";
    diagonal = k->front();
  }
  bool upper = ctx.intAttribute("upper", 1);
  int64_t rank = x.rank();
  // Keeps element (i, j) of the last two dims when j - i >= k (upper) or j - i <= k (lower).
  return emitBroadcastNode(ctx, {x}, x.dtype, [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
    Value row = linalg::IndexOp::create(b, loc, rank - 2), column = linalg::IndexOp::create(b, loc, rank - 1);
    Value offset = arith::SubIOp::create(b, loc, column, row);
    Value k = arith::ConstantIndexOp::create(b, loc, diagonal);
    Value keep =
        arith::CmpIOp::create(b, loc, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle, offset, k);
    return arith::SelectOp::create(b, loc, keep, args[0], scalarConstant(b, loc, args[0].getType(), 0));
  });
}

LogicalResult convertCastLike(NodeContext &ctx) {
  ctx.setOutput(0, castTensor(ctx.builder(), ctx.input(0), ctx.input(1).dtype));
  return success();
}

LogicalResult convertDropout(NodeContext &ctx) {
  // Inference is the identity; training (a constant true training_mode with a nonzero ratio) drops at random.
  bool training = false;
  if (ctx.hasInput(2)) {
    FailureOr<DenseElementsAttr> mode = ctx.constantInput(2, "training_mode");
    if (failed(mode))
      return failure();
    training = mode->getSplatValue<bool>();
  }
  double ratio = ctx.floatAttribute("ratio", 0.5);
  if (ctx.hasInput(1)) {
    FailureOr<DenseElementsAttr> ratioValue = ctx.constantInput(1, "ratio");
    if (failed(ratioValue))
      return failure();
    ratio = (*ratioValue->getValues<APFloat>().begin()).convertToDouble();
  }
  if (training && ratio != 0)
    return ctx.emitError() << "training mode drops values at random, which is not supported; only inference";
  OnnxValue x = ctx.input(0);
  ctx.setOutput(0, x);
  if (ctx.hasOutput(1)) {
    ImplicitLocOpBuilder &b = ctx.builder();
    ctx.setOutput(1, {filledTensor(b, x.shape(), arith::ConstantOp::create(b, b.getBoolAttr(true))), kBool});
  }
  return success();
}

LogicalResult convertIdentity(NodeContext &ctx) {
  ctx.setOutput(0, ctx.input(0));
  return success();
}

} // namespace het::frontend
