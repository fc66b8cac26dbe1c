// ONNX MatMul (numpy matmul: 1-D operands, batched and broadcast batch dims) and Gemm (alpha, beta, transA,
// transB, C broadcast), as linalg.generic contractions.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace het::frontend {

namespace {

const int32_t kMatMulDTypes[] = {kFloat, kDouble, kInt32, kInt64, kUInt32, kUInt64};

/// acc + lhs * rhs in the ONNX dtype.
Value multiplyAccumulate(OpBuilder &b, Location loc, ValueRange args, int32_t dtype) {
  Value product = scalarBinary(b, loc, BinaryKind::Mul, args[0], args[1], dtype);
  return scalarBinary(b, loc, BinaryKind::Add, args[2], product, dtype);
}

} // namespace

LogicalResult convertMatMul(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, kMatMulDTypes)) || failed(ctx.requireDType(1, kMatMulDTypes)))
    return failure();
  OnnxValue a = ctx.input(0), bValue = ctx.input(1);
  if (a.rank() == 0 || bValue.rank() == 0)
    return ctx.emitError() << "MatMul operands must have rank 1 or more";
  bool vectorA = a.rank() == 1, vectorB = bValue.rank() == 1;
  // numpy reads a 1-D left operand as a row [1, K] and a 1-D right operand as a column [K, 1], then drops that dim.
  SmallVector<int64_t> shapeA(a.shape()), shapeB(bValue.shape());
  if (vectorA)
    shapeA.insert(shapeA.begin(), 1);
  if (vectorB)
    shapeB.push_back(1);
  int64_t m = shapeA[shapeA.size() - 2], k = shapeA.back(), n = shapeB.back();
  if (shapeB[shapeB.size() - 2] != k)
    return ctx.emitError() << "contracted dims differ: A has " << k << ", B has " << shapeB[shapeB.size() - 2];
  ArrayRef<int64_t> batchA = ArrayRef<int64_t>(shapeA).drop_back(2), batchB = ArrayRef<int64_t>(shapeB).drop_back(2);
  FailureOr<SmallVector<int64_t>> batch = broadcastShapes({batchA, batchB});
  if (failed(batch))
    return ctx.emitError() << "batch dims of A and B do not broadcast";

  MLIRContext *context = ctx.context();
  int64_t batchRank = batch->size();
  // Iteration space: batch dims, then m and n where present, then the contracted k.
  int64_t mDim = batchRank, nDim = mDim + (vectorA ? 0 : 1), kDim = nDim + (vectorB ? 0 : 1);
  int64_t numDims = kDim + 1;
  auto batchExprs = [&](ArrayRef<int64_t> operandBatch) {
    AffineMap map = broadcastMap(operandBatch, *batch, context);
    return SmallVector<AffineExpr>(map.getResults());
  };
  SmallVector<AffineExpr> exprsA = batchExprs(batchA), exprsB = batchExprs(batchB), exprsOut;
  for (int64_t dim = 0; dim < batchRank; ++dim)
    exprsOut.push_back(getAffineDimExpr(dim, context));
  SmallVector<int64_t> resultShape(*batch);
  if (!vectorA) {
    exprsA.push_back(getAffineDimExpr(mDim, context));
    exprsOut.push_back(getAffineDimExpr(mDim, context));
    resultShape.push_back(m);
  }
  exprsA.push_back(getAffineDimExpr(kDim, context));
  exprsB.push_back(getAffineDimExpr(kDim, context));
  if (!vectorB) {
    exprsB.push_back(getAffineDimExpr(nDim, context));
    exprsOut.push_back(getAffineDimExpr(nDim, context));
    resultShape.push_back(n);
  }
  SmallVector<AffineMap> maps = {AffineMap::get(numDims, 0, exprsA, context),
                                 AffineMap::get(numDims, 0, exprsB, context),
                                 AffineMap::get(numDims, 0, exprsOut, context)};
  SmallVector<utils::IteratorType> iterators(numDims, utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;

  ImplicitLocOpBuilder &b = ctx.builder();
  Type elementType = a.type().getElementType();
  Value init = filledTensor(b, resultShape, scalarConstant(b, b.getLoc(), elementType, 0));
  int32_t dtype = a.dtype;
  Value result = buildGeneric(
      b, {a.value, bValue.value}, init, maps, iterators,
      [&](OpBuilder &nested, Location loc, ValueRange args) { return multiplyAccumulate(nested, loc, args, dtype); });
  ctx.setOutput(0, {result, dtype});
  return success();
}

LogicalResult convertGemm(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, kMatMulDTypes)))
    return failure();
  OnnxValue a = ctx.input(0), bValue = ctx.input(1);
  if (a.rank() != 2 || bValue.rank() != 2)
    return ctx.emitError() << "A and B must be 2-D";
  bool transA = ctx.intAttribute("transA", 0), transB = ctx.intAttribute("transB", 0);
  double alpha = ctx.floatAttribute("alpha", 1.0), beta = ctx.floatAttribute("beta", 1.0);
  int64_t m = a.shape()[transA ? 1 : 0], k = a.shape()[transA ? 0 : 1];
  int64_t kB = bValue.shape()[transB ? 1 : 0], n = bValue.shape()[transB ? 0 : 1];
  if (k != kB)
    return ctx.emitError() << "contracted dims differ: A has " << k << ", B has " << kB;

  MLIRContext *context = ctx.context();
  AffineExpr dm = getAffineDimExpr(0, context), dn = getAffineDimExpr(1, context), dk = getAffineDimExpr(2, context);
  SmallVector<AffineMap> maps = {
      AffineMap::get(3, 0, transA ? ArrayRef<AffineExpr>{dk, dm} : ArrayRef<AffineExpr>{dm, dk}, context),
      AffineMap::get(3, 0, transB ? ArrayRef<AffineExpr>{dn, dk} : ArrayRef<AffineExpr>{dk, dn}, context),
      AffineMap::get(3, 0, {dm, dn}, context)};
  SmallVector<utils::IteratorType> iterators = {utils::IteratorType::parallel, utils::IteratorType::parallel,
                                                utils::IteratorType::reduction};
  ImplicitLocOpBuilder &b = ctx.builder();
  Type elementType = a.type().getElementType();
  int32_t dtype = a.dtype;
  SmallVector<int64_t> resultShape = {m, n};
  Value init = filledTensor(b, resultShape, scalarConstant(b, b.getLoc(), elementType, 0));
  Value product = buildGeneric(
      b, {a.value, bValue.value}, init, maps, iterators,
      [&](OpBuilder &nested, Location loc, ValueRange args) { return multiplyAccumulate(nested, loc, args, dtype); });
  bool hasC = ctx.hasInput(2) && beta != 0;
  if (!hasC && alpha == 1) {
    ctx.setOutput(0, {product, dtype});
    return success();
  }
  SmallVector<OnnxValue> operands = {{product, dtype}};
  if (hasC) {
    OnnxValue c = ctx.input(2);
    FailureOr<SmallVector<int64_t>> shape = broadcastShapes({c.shape(), resultShape});
    if (failed(shape) || ArrayRef<int64_t>(*shape) != ArrayRef<int64_t>(resultShape))
      return ctx.emitError() << "C must broadcast to the result shape [" << m << ", " << n << "]";
    operands.push_back(c);
  }
  return emitBroadcastNode(ctx, operands, dtype, [&](OpBuilder &nested, Location loc, ValueRange args) {
    Value result = args[0];
    if (alpha != 1)
      result =
          scalarBinary(nested, loc, BinaryKind::Mul, result, scalarConstant(nested, loc, elementType, alpha), dtype);
    if (args.size() > 1) {
      Value c = args[1];
      if (beta != 1)
        c = scalarBinary(nested, loc, BinaryKind::Mul, c, scalarConstant(nested, loc, elementType, beta), dtype);
      result = scalarBinary(nested, loc, BinaryKind::Add, result, c, dtype);
    }
    return result;
  });
}

} // namespace het::frontend
