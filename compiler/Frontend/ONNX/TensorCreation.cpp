// ONNX ops that create tensors from attributes and constant inputs: Constant, ConstantOfShape, Range and EyeLike,
// whose values are known at compile time, so each becomes an arith.constant; and OneHot, which expands indices.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <cmath>

using namespace mlir;

namespace het::frontend {

namespace {

void setConstantOutput(NodeContext &ctx, unsigned index, DenseElementsAttr value, int32_t dtype) {
  ctx.setOutput(index, {arith::ConstantOp::create(ctx.builder(), value), dtype});
}

/// An attribute holding `value` in `elementType` (integers truncate toward zero, bool tests != 0).
Attribute elementAttribute(Type elementType, double value) {
  if (auto floatType = dyn_cast<FloatType>(elementType))
    return FloatAttr::get(floatType, value);
  if (elementType.isInteger(1))
    return IntegerAttr::get(elementType, value != 0);
  return IntegerAttr::get(elementType, static_cast<int64_t>(value));
}

/// The one element of constant input `index` as a double, or an error naming it `what`.
FailureOr<double> constantScalarInput(NodeContext &ctx, unsigned index, StringRef what) {
  FailureOr<DenseElementsAttr> value = ctx.constantInput(index, what);
  if (failed(value))
    return failure();
  if (value->getNumElements() != 1)
    return ctx.emitError() << "input " << index << " (" << what << ") must hold one element";
  Attribute element = *value->getValues<Attribute>().begin();
  if (auto floatElement = dyn_cast<FloatAttr>(element))
    return floatElement.getValueAsDouble();
  APInt integer = cast<IntegerAttr>(element).getValue();
  // Two returns, not one conditional: a common uint64_t type would turn negative values huge.
  if (isUnsignedDType(ctx.input(index).dtype))
    return static_cast<double>(integer.getZExtValue());
  return static_cast<double>(integer.getSExtValue());
}

} // namespace

LogicalResult convertConstant(NodeContext &ctx) {
  ImplicitLocOpBuilder &b = ctx.builder();
  if (ctx.hasAttribute("value")) {
    FailureOr<OnnxValue> value = ctx.tensorAttributeConstant("value");
    if (failed(value))
      return failure();
    ctx.setOutput(0, *value);
    return success();
  }
  if (ctx.hasAttribute("value_float")) {
    auto type = RankedTensorType::get({}, b.getF32Type());
    setConstantOutput(ctx, 0, DenseElementsAttr::get(type, ctx.floatAttribute("value_float", 0)), kFloat);
    return success();
  }
  if (std::optional<SmallVector<float>> values = ctx.floatsAttribute("value_floats")) {
    auto type = RankedTensorType::get({static_cast<int64_t>(values->size())}, b.getF32Type());
    setConstantOutput(ctx, 0, DenseElementsAttr::get(type, ArrayRef<float>(*values)), kFloat);
    return success();
  }
  if (ctx.hasAttribute("value_int")) {
    auto type = RankedTensorType::get({}, b.getI64Type());
    setConstantOutput(ctx, 0, DenseElementsAttr::get(type, ctx.intAttribute("value_int", 0)), kInt64);
    return success();
  }
  if (std::optional<SmallVector<int64_t>> values = ctx.intsAttribute("value_ints")) {
    auto type = RankedTensorType::get({static_cast<int64_t>(values->size())}, b.getI64Type());
    setConstantOutput(ctx, 0, DenseElementsAttr::get(type, ArrayRef<int64_t>(*values)), kInt64);
    return success();
  }
  return ctx.emitError() << "only the value, value_float(s) and value_int(s) attributes are supported (not sparse "
                         << "or string constants)";
}

LogicalResult convertConstantOfShape(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> shape = ctx.constantIntsInput(0, "shape");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t dim) { return dim < 0; }))
    return ctx.emitError() << "shape must not hold negative dims";
  ImplicitLocOpBuilder &b = ctx.builder();
  OnnxValue fill{nullptr, kFloat};
  Attribute element = b.getF32FloatAttr(0);
  if (ctx.hasAttribute("value")) {
    FailureOr<OnnxValue> value = ctx.tensorAttributeConstant("value");
    if (failed(value))
      return failure();
    auto dense = cast<DenseElementsAttr>(value->value.getDefiningOp<arith::ConstantOp>().getValue());
    if (dense.getNumElements() != 1)
      return ctx.emitError() << "value must hold one element";
    element = *dense.getValues<Attribute>().begin();
    fill.dtype = value->dtype;
  }
  auto type = RankedTensorType::get(*shape, cast<TypedAttr>(element).getType());
  setConstantOutput(ctx, 0, DenseElementsAttr::get(type, element), fill.dtype);
  return success();
}

LogicalResult convertRange(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble, kInt16, kInt32, kInt64})))
    return failure();
  double bounds[3];
  const char *names[] = {"start", "limit", "delta"};
  for (unsigned i = 0; i < 3; ++i) {
    FailureOr<double> bound = constantScalarInput(ctx, i, names[i]);
    if (failed(bound))
      return failure();
    bounds[i] = *bound;
  }
  if (bounds[2] == 0)
    return ctx.emitError() << "delta must not be 0";
  int64_t count = std::max<int64_t>(static_cast<int64_t>(std::ceil((bounds[1] - bounds[0]) / bounds[2])), 0);
  OnnxValue start = ctx.input(0);
  Type elementType = start.type().getElementType();
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < count; ++i)
    values.push_back(elementAttribute(elementType, bounds[0] + i * bounds[2]));
  setConstantOutput(ctx, 0, DenseElementsAttr::get(RankedTensorType::get({count}, elementType), values), start.dtype);
  return success();
}

LogicalResult convertEyeLike(NodeContext &ctx) {
  OnnxValue input = ctx.input(0);
  if (input.rank() != 2)
    return ctx.emitError() << "the input must be 2-D";
  int32_t dtype = ctx.intAttribute("dtype", input.dtype);
  Type elementType = elementTypeOf(dtype, ctx.context());
  if (!elementType)
    return ctx.emitError() << "dtype " << dtypeName(dtype) << " is not supported";
  int64_t diagonal = ctx.intAttribute("k", 0), rows = input.shape()[0], columns = input.shape()[1];
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < columns; ++j)
      values.push_back(elementAttribute(elementType, j - i == diagonal ? 1 : 0));
  setConstantOutput(ctx, 0, DenseElementsAttr::get(RankedTensorType::get({rows, columns}, elementType), values), dtype);
  return success();
}

LogicalResult convertOneHot(NodeContext &ctx) {
  OnnxValue indices = ctx.input(0), values = ctx.input(2);
  if (failed(ctx.requireDType(0, {kFloat, kDouble, kInt8, kInt16, kInt32, kInt64, kUInt8, kUInt16, kUInt32, kUInt64})))
    return failure();
  FailureOr<double> depthValue = constantScalarInput(ctx, 1, "depth");
  if (failed(depthValue))
    return failure();
  auto depth = static_cast<int64_t>(*depthValue);
  if (depth <= 0)
    return ctx.emitError() << "depth must be positive, got " << depth;
  if (values.shape() != ArrayRef<int64_t>{2})
    return ctx.emitError() << "input 2 (values) must hold two elements: [off_value, on_value]";
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", -1), indices.rank() + 1, "axis");
  if (failed(axis))
    return failure();
  int64_t rank = indices.rank() + 1, dim = *axis;
  SmallVector<int64_t> shape(indices.shape());
  shape.insert(shape.begin() + dim, depth);
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  SmallVector<AffineExpr> indexExprs;
  for (int64_t d = 0; d < rank; ++d)
    if (d != dim)
      indexExprs.push_back(getAffineDimExpr(d, context));
  auto valueMap = [&](int64_t position) {
    return AffineMap::get(rank, 0, {getAffineConstantExpr(position, context)}, context);
  };
  AffineMap maps[] = {AffineMap::get(rank, 0, indexExprs, context), valueMap(0), valueMap(1),
                      AffineMap::getMultiDimIdentityMap(rank, context)};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  int32_t indexDType = indices.dtype;
  // Negative indices count back from depth; any index outside -depth..depth-1 matches no position.
  Value result = buildGeneric(
      b, {indices.value, values.value, values.value}, emptyTensor(b, shape, values.type().getElementType()), maps,
      iterators, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        Value index = castScalar(nested, loc, args[0], indexDType, kInt64);
        Value negative = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::slt, index,
                                               scalarConstant(nested, loc, nested.getI64Type(), 0));
        Value wrapped = arith::AddIOp::create(nested, loc, index, scalarConstant(nested, loc, index.getType(), depth));
        index = arith::SelectOp::create(nested, loc, negative, wrapped, index);
        Value position =
            arith::IndexCastOp::create(nested, loc, nested.getI64Type(), linalg::IndexOp::create(nested, loc, dim));
        Value hit = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::eq, index, position);
        return arith::SelectOp::create(nested, loc, hit, args[2], args[1]);
      });
  ctx.setOutput(0, {result, values.dtype});
  return success();
}

} // namespace het::frontend
