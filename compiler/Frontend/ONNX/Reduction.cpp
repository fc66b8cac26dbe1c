// ONNX reductions: ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceLogSum,
// ReduceLogSumExp, ReduceSumSquare (axes as attribute or input by opset, keepdims, noop_with_empty_axes), ArgMax,
// ArgMin, TopK and CumSum.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace het::frontend {

namespace {

const int32_t kNumericDTypes[] = {kFloat, kDouble, kInt32, kInt64, kUInt32, kUInt64, kInt8, kUInt8};

} // namespace

LogicalResult convertReduce(NodeContext &ctx) {
  StringRef op = ctx.opType();
  bool floatOnly = op == "ReduceL2" || op == "ReduceLogSum" || op == "ReduceLogSumExp";
  if (failed(ctx.requireDType(0, floatOnly ? ArrayRef<int32_t>({kFloat, kDouble}) : ArrayRef<int32_t>(kNumericDTypes))))
    return failure();
  OnnxValue x = ctx.input(0);
  int64_t rank = x.rank();
  // ReduceSum took its axes as an input from opset 13; the others do from opset 18.
  bool axesFromInput = ctx.opset() >= (op == "ReduceSum" ? 13 : 18);
  SmallVector<int64_t> axes;
  if (axesFromInput) {
    if (ctx.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> values = ctx.constantIntsInput(1, "axes");
      if (failed(values))
        return failure();
      axes = *values;
    }
  } else {
    axes = ctx.intsAttribute("axes").value_or(SmallVector<int64_t>{});
  }
  if (axes.empty()) {
    if (ctx.intAttribute("noop_with_empty_axes", 0)) {
      ctx.setOutput(0, x);
      return success();
    }
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  for (int64_t &axis : axes) {
    FailureOr<int64_t> normalized = ctx.normalizeAxis(axis, rank, "axis");
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());

  ImplicitLocOpBuilder &b = ctx.builder();
  Type elementType = x.type().getElementType();
  int32_t dtype = x.dtype;
  Value init;
  BinaryKind combine = BinaryKind::Add;
  if (op == "ReduceMax" || op == "ReduceMin") {
    combine = op == "ReduceMax" ? BinaryKind::Max : BinaryKind::Min;
    init = extremeConstant(b, b.getLoc(), dtype, /*largest=*/op == "ReduceMin");
  } else {
    if (op == "ReduceProd")
      combine = BinaryKind::Mul;
    init = scalarConstant(b, b.getLoc(), elementType, op == "ReduceProd" ? 1 : 0);
  }
  Value reduced = buildReduction(b, x.value, axes, init, [&](OpBuilder &nested, Location loc, ValueRange args) {
    Value element = args[0];
    if (op == "ReduceL1")
      element = isFloatDType(dtype) ? Value(math::AbsFOp::create(nested, loc, element))
                                    : Value(math::AbsIOp::create(nested, loc, element));
    else if (op == "ReduceL2" || op == "ReduceSumSquare")
      element = scalarBinary(nested, loc, BinaryKind::Mul, element, element, dtype);
    else if (op == "ReduceLogSumExp")
      element = math::ExpOp::create(nested, loc, element);
    return scalarBinary(nested, loc, combine, element, args[1], dtype);
  });
  auto reducedType = cast<RankedTensorType>(reduced.getType());
  int64_t count = 1;
  for (int64_t axis : axes)
    count *= x.shape()[axis];
  if (op == "ReduceMean" || op == "ReduceL2" || op == "ReduceLogSum" || op == "ReduceLogSumExp")
    reduced = buildElementwise(b, {reduced}, reducedType.getShape(), elementType,
                               [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                                 if (op == "ReduceMean")
                                   return scalarBinary(nested, loc, BinaryKind::Div, args[0],
                                                       scalarConstant(nested, loc, elementType, count), dtype);
                                 if (op == "ReduceL2")
                                   return math::SqrtOp::create(nested, loc, args[0]);
                                 return math::LogOp::create(nested, loc, args[0]);
                               });
  if (ctx.intAttribute("keepdims", 1)) {
    SmallVector<int64_t> shape(x.shape());
    for (int64_t axis : axes)
      shape[axis] = 1;
    reduced = reshapeTensor(b, reduced, shape);
  }
  ctx.setOutput(0, {reduced, dtype});
  return success();
}

LogicalResult convertArgExtreme(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, kNumericDTypes)))
    return failure();
  OnnxValue x = ctx.input(0);
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", 0), x.rank(), "axis");
  if (failed(axis))
    return failure();
  bool isMax = ctx.opType() == "ArgMax", last = ctx.intAttribute("select_last_index", 0);
  int32_t dtype = x.dtype;
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  SmallVector<int64_t> reducedShape(x.shape());
  reducedShape.erase(reducedShape.begin() + *axis);
  Value bestValues = filledTensor(b, reducedShape, extremeConstant(b, b.getLoc(), dtype, /*largest=*/!isMax));
  Value bestIndices = filledTensor(b, reducedShape, scalarConstant(b, b.getLoc(), b.getI64Type(), 0));
  AffineMap reduced = reducedDimsMap(x.rank(), {*axis}, context);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(x.rank(), context), reduced, reduced};
  SmallVector<utils::IteratorType> iterators(x.rank(), utils::IteratorType::parallel);
  iterators[*axis] = utils::IteratorType::reduction;
  bool isFloat = isFloatDType(dtype), isUnsigned = isUnsignedDType(dtype);
  // A later element replaces the best so far when strictly better, or also when equal for select_last_index.
  auto floatPredicate = isMax ? (last ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT)
                              : (last ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT);
  auto intPredicate = isMax ? (last ? (isUnsigned ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge)
                                    : (isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt))
                            : (last ? (isUnsigned ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle)
                                    : (isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt));
  auto generic = linalg::GenericOp::create(
      b, TypeRange{bestValues.getType(), bestIndices.getType()}, ValueRange{x.value},
      ValueRange{bestValues, bestIndices}, maps, iterators, /*doc=*/"", /*libraryCall=*/"",
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        Value better = isFloat ? Value(arith::CmpFOp::create(nested, loc, floatPredicate, args[0], args[1]))
                               : Value(arith::CmpIOp::create(nested, loc, intPredicate, args[0], args[1]));
        Value index =
            arith::IndexCastOp::create(nested, loc, nested.getI64Type(), linalg::IndexOp::create(nested, loc, *axis));
        linalg::YieldOp::create(nested, loc,
                                ValueRange{arith::SelectOp::create(nested, loc, better, args[0], args[1]),
                                           arith::SelectOp::create(nested, loc, better, index, args[2])});
      });
  Value result = generic.getResult(1);
  if (ctx.intAttribute("keepdims", 1)) {
    SmallVector<int64_t> shape(x.shape());
    shape[*axis] = 1;
    result = reshapeTensor(b, result, shape);
  }
  ctx.setOutput(0, {result, kInt64});
  return success();
}

LogicalResult convertCumSum(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble, kInt32, kInt64, kUInt32, kUInt64})))
    return failure();
  OnnxValue x = ctx.input(0);
  FailureOr<SmallVector<int64_t>> axisValue = ctx.constantIntsInput(1, "axis");
  if (failed(axisValue))
    return failure();
  if (axisValue->size() != 1)
    return ctx.emitError() << "axis must hold one value";
  FailureOr<int64_t> axis = ctx.normalizeAxis(axisValue->front(), x.rank(), "axis");
  if (failed(axis))
    return failure();
  bool exclusive = ctx.intAttribute("exclusive", 0), reverse = ctx.intAttribute("reverse", 0);
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  int64_t rank = x.rank();
  // Loop dims: the output's, then j over the axis; element j adds to output i when it precedes i (or follows it,
  // reversed), strictly when exclusive.
  SmallVector<AffineExpr> inputExprs;
  for (int64_t dim = 0; dim < rank; ++dim)
    inputExprs.push_back(getAffineDimExpr(dim == *axis ? rank : dim, context));
  SmallVector<AffineMap> maps = {AffineMap::get(rank + 1, 0, inputExprs, context),
                                 AffineMap::getMultiDimIdentityMap(rank + 1, context).getMajorSubMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  int32_t dtype = x.dtype;
  arith::CmpIPredicate predicate = reverse ? (exclusive ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::uge)
                                           : (exclusive ? arith::CmpIPredicate::ult : arith::CmpIPredicate::ule);
  Value init = filledTensor(b, x.shape(), scalarConstant(b, b.getLoc(), x.type().getElementType(), 0));
  Value result =
      buildGeneric(b, {x.value}, init, maps, iterators, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        Value i = linalg::IndexOp::create(nested, loc, *axis);
        Value j = linalg::IndexOp::create(nested, loc, rank);
        Value include = arith::CmpIOp::create(nested, loc, predicate, j, i);
        Value sum = scalarBinary(nested, loc, BinaryKind::Add, args[1], args[0], dtype);
        return arith::SelectOp::create(nested, loc, include, sum, args[1]);
      });
  ctx.setOutput(0, {result, dtype});
  return success();
}

LogicalResult convertTopK(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, kNumericDTypes)))
    return failure();
  OnnxValue x = ctx.input(0);
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", -1), x.rank(), "axis");
  FailureOr<SmallVector<int64_t>> k = ctx.constantIntsInput(1, "K");
  if (failed(axis) || failed(k))
    return failure();
  int64_t rank = x.rank(), length = x.shape()[*axis], topAxis = *axis;
  if (k->size() != 1 || (*k)[0] < 1 || (*k)[0] > length)
    return ctx.emitError() << "K must hold one value between 1 and the axis length " << length;
  bool largest = ctx.intAttribute("largest", 1);
  int32_t dtype = x.dtype;
  bool isFloat = isFloatDType(dtype), isUnsigned = isUnsignedDType(dtype);
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  Type i64 = b.getI64Type();
  // Iteration dims: x's (or the output's) then one more, running along the axis.
  SmallVector<AffineExpr> identity, alongAxis;
  for (int64_t dim = 0; dim < rank; ++dim) {
    identity.push_back(getAffineDimExpr(dim, context));
    alongAxis.push_back(getAffineDimExpr(dim == topAxis ? rank : dim, context));
  }
  AffineMap own = AffineMap::get(rank + 1, 0, identity, context);
  AffineMap other = AffineMap::get(rank + 1, 0, alongAxis, context);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  // The rank of element i: how many elements come before it in the order, ties going to the lower index.
  auto floatBefore = largest ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT;
  auto intBefore = largest ? (isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt)
                           : (isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt);
  Value zeros = filledTensor(b, x.shape(), scalarConstant(b, b.getLoc(), i64, 0));
  Value ranks = buildGeneric(
      b, {x.value, x.value}, zeros, {own, other, own}, iterators,
      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        Value self = args[0], rival = args[1];
        Value before, equal;
        if (isFloat) {
          before = arith::CmpFOp::create(nested, loc, floatBefore, rival, self);
          equal = arith::CmpFOp::create(nested, loc, arith::CmpFPredicate::OEQ, rival, self);
        } else {
          before = arith::CmpIOp::create(nested, loc, intBefore, rival, self);
          equal = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::eq, rival, self);
        }
        Value earlier =
            arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::ult, linalg::IndexOp::create(nested, loc, rank),
                                  linalg::IndexOp::create(nested, loc, topAxis));
        before = arith::OrIOp::create(nested, loc, before, arith::AndIOp::create(nested, loc, equal, earlier));
        return arith::AddIOp::create(nested, loc, args[2],
                                     arith::ExtUIOp::create(nested, loc, nested.getI64Type(), before));
      });
  // Output position j takes the element of rank j.
  SmallVector<int64_t> shape(x.shape());
  shape[topAxis] = (*k)[0];
  Type elementType = x.type().getElementType();
  Value values = filledTensor(b, shape, scalarConstant(b, b.getLoc(), elementType, 0));
  Value indices = filledTensor(b, shape, scalarConstant(b, b.getLoc(), i64, 0));
  auto generic = linalg::GenericOp::create(
      b, TypeRange{values.getType(), indices.getType()}, ValueRange{x.value, ranks}, ValueRange{values, indices},
      SmallVector<AffineMap>{other, other, own, own}, iterators, /*doc=*/"", /*libraryCall=*/"",
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        Value position =
            arith::IndexCastOp::create(nested, loc, nested.getI64Type(), linalg::IndexOp::create(nested, loc, topAxis));
        Value hit = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::eq, args[1], position);
        Value index =
            arith::IndexCastOp::create(nested, loc, nested.getI64Type(), linalg::IndexOp::create(nested, loc, rank));
        linalg::YieldOp::create(nested, loc,
                                ValueRange{arith::SelectOp::create(nested, loc, hit, args[0], args[2]),
                                           arith::SelectOp::create(nested, loc, hit, index, args[3])});
      });
  ctx.setOutput(0, {generic.getResult(0), dtype});
  ctx.setOutput(1, {generic.getResult(1), kInt64});
  return success();
}

} // namespace het::frontend
