// ONNX MatMul (numpy matmul: 1-D operands, batched and broadcast batch dims), Gemm (alpha, beta, transA,
// transB, C broadcast) and Einsum, as linalg.generic contractions, and Det by the Leibniz formula.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>
#include <map>
#include <numeric>

using namespace mlir;

namespace het::frontend {

namespace {

const int32_t kMatMulDTypes[] = {kFloat, kDouble, kInt32, kInt64, kUInt32, kUInt64};

/// acc + lhs * rhs in the ONNX dtype.
Value multiplyAccumulate(OpBuilder &b, Location loc, ValueRange args, int32_t dtype) {
  Value product = scalarBinary(b, loc, BinaryKind::Mul, args[0], args[1], dtype);
  return scalarBinary(b, loc, BinaryKind::Add, args[2], product, dtype);
}

/// Columns per block of a blocked constant right-hand side: two AVX-512 vectors, the CPU micro-kernel's widest
/// column block (as for the filter-major convolutions).
constexpr int64_t kColumnBlock = 32;

/// A constant right-hand side (K x N, or N x K when `transposed`) laid out at compile time as
/// (N / kColumnBlock) x K x kColumnBlock: each reduction step reads one block of columns in a row, which the CPU
/// micro-kernel takes in place instead of packing it on every call. None when it is not a constant or N is not
/// a multiple of the block.
std::optional<Value> columnBlocks(ImplicitLocOpBuilder &b, Value rhs, bool transposed) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(rhs.getType()).getShape();
  int64_t k = shape[transposed ? 1 : 0], n = shape[transposed ? 0 : 1];
  if (n % kColumnBlock != 0)
    return std::nullopt;
  if (transposed)
    return transposedConstant(b, rhs, {n / kColumnBlock, kColumnBlock, k}, {0, 2, 1});
  return transposedConstant(b, rhs, {k, n / kColumnBlock, kColumnBlock}, {1, 0, 2});
}

/// `lhs` (batch... x M x K, or K x M when `lhsTransposed`) times column `blocks` (columnBlocks), as
/// batch... x M x N. The loops put the column block outside the rows, so tiles split the columns and each reads
/// its blocks of the right-hand side once.
Value blockedProduct(ImplicitLocOpBuilder &b, Value lhs, bool lhsTransposed, Value blocks, int32_t dtype) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  int64_t rank = lhsType.getRank(), batchRank = rank - 2;
  int64_t m = lhsType.getDimSize(lhsTransposed ? rank - 1 : rank - 2);
  int64_t columnBlockCount = cast<RankedTensorType>(blocks.getType()).getDimSize(0);
  MLIRContext *context = b.getContext();
  // Loop dims: batch..., column block, m, column in block, k.
  auto dim = [&](int64_t index) { return getAffineDimExpr(index, context); };
  AffineExpr blockDim = dim(batchRank), mDim = dim(batchRank + 1), inBlock = dim(batchRank + 2),
             kDim = dim(batchRank + 3);
  int64_t numDims = batchRank + 4;
  SmallVector<AffineExpr> lhsExprs, outExprs;
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < batchRank; ++i) {
    lhsExprs.push_back(dim(i));
    outExprs.push_back(dim(i));
    shape.push_back(lhsType.getDimSize(i));
  }
  lhsExprs.append(lhsTransposed ? SmallVector<AffineExpr>{kDim, mDim} : SmallVector<AffineExpr>{mDim, kDim});
  outExprs.append({mDim, blockDim, inBlock});
  shape.append({m, columnBlockCount, kColumnBlock});
  SmallVector<AffineMap> maps = {AffineMap::get(numDims, 0, lhsExprs, context),
                                 AffineMap::get(numDims, 0, {blockDim, kDim, inBlock}, context),
                                 AffineMap::get(numDims, 0, outExprs, context)};
  SmallVector<utils::IteratorType> iterators(numDims - 1, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value init = filledTensor(b, shape, scalarConstant(b, b.getLoc(), lhsType.getElementType(), 0));
  Value result =
      buildGeneric(b, {lhs, blocks}, init, maps, iterators, [&](OpBuilder &nested, Location loc, ValueRange args) {
        return multiplyAccumulate(nested, loc, args, dtype);
      });
  shape.pop_back();
  shape.back() *= kColumnBlock;
  return reshapeTensor(b, result, shape);
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

  ImplicitLocOpBuilder &b = ctx.builder();
  if (!vectorA && bValue.rank() == 2)
    if (std::optional<Value> blocks = columnBlocks(b, bValue.value, /*transposed=*/false)) {
      ctx.setOutput(0, {blockedProduct(b, a.value, /*lhsTransposed=*/false, *blocks, a.dtype), a.dtype});
      return success();
    }
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
  ImplicitLocOpBuilder &b = ctx.builder();
  Type elementType = a.type().getElementType();
  int32_t dtype = a.dtype;
  SmallVector<int64_t> resultShape = {m, n};
  Value product;
  // A constant B is laid out once, here: in column blocks the kernel reads in place, or at least transposed, so
  // that the kernel reads it row by row instead of gathering it each run.
  if (std::optional<Value> blocks = columnBlocks(b, bValue.value, transB)) {
    product = blockedProduct(b, a.value, transA, *blocks, dtype);
  } else {
    if (transB)
      if (std::optional<Value> transposed = transposedConstant(b, bValue.value, bValue.shape(), {1, 0})) {
        bValue.value = *transposed;
        transB = false;
      }
    MLIRContext *context = ctx.context();
    AffineExpr dm = getAffineDimExpr(0, context), dn = getAffineDimExpr(1, context), dk = getAffineDimExpr(2, context);
    SmallVector<AffineMap> maps = {
        AffineMap::get(3, 0, transA ? ArrayRef<AffineExpr>{dk, dm} : ArrayRef<AffineExpr>{dm, dk}, context),
        AffineMap::get(3, 0, transB ? ArrayRef<AffineExpr>{dn, dk} : ArrayRef<AffineExpr>{dk, dn}, context),
        AffineMap::get(3, 0, {dm, dn}, context)};
    SmallVector<utils::IteratorType> iterators = {utils::IteratorType::parallel, utils::IteratorType::parallel,
                                                  utils::IteratorType::reduction};
    Value init = filledTensor(b, resultShape, scalarConstant(b, b.getLoc(), elementType, 0));
    product = buildGeneric(
        b, {a.value, bValue.value}, init, maps, iterators,
        [&](OpBuilder &nested, Location loc, ValueRange args) { return multiplyAccumulate(nested, loc, args, dtype); });
  }
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

namespace {

/// Splits "ab,bc->ac" (spaces ignored) into operand terms and the result term (empty optional when implicit),
/// expanding "..." to as many '.' as the operand's rank leaves over; `ranks` holds the operands' ranks.
FailureOr<std::pair<SmallVector<std::string>, std::optional<std::string>>>
parseEinsum(NodeContext &ctx, StringRef equation, ArrayRef<int64_t> ranks) {
  std::string text;
  for (char c : equation)
    if (c != ' ')
      text.push_back(c);
  auto [lhs, rhs] = StringRef(text).split("->");
  bool explicitResult = StringRef(text).contains("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != ranks.size())
    return ctx.emitError() << "equation '" << equation << "' names " << terms.size() << " operands, the node has "
                           << ranks.size();
  auto expand = [&](StringRef term, std::optional<int64_t> rank, int64_t ellipsisRank) -> FailureOr<std::string> {
    size_t dots = term.find("...");
    std::string labels = term.str();
    if (dots != StringRef::npos)
      labels = (term.take_front(dots) + std::string(ellipsisRank, '.') + term.drop_front(dots + 3)).str();
    bool valid = llvm::all_of(term.take_front(dots == StringRef::npos ? term.size() : dots), llvm::isAlpha) &&
                 (dots == StringRef::npos || llvm::all_of(term.drop_front(dots + 3), llvm::isAlpha));
    if (!valid || (rank && static_cast<int64_t>(labels.size()) != *rank))
      return ctx.emitError() << "equation '" << equation << "': term '" << term << "' does not match "
                             << (rank ? "an operand of rank " + std::to_string(*rank) : std::string("the operands"))
                             << "; terms are letters with at most one '...'";
    return labels;
  };
  SmallVector<std::string> operands;
  int64_t ellipsisRank = 0;
  for (auto [term, rank] : llvm::zip_equal(terms, ranks)) {
    int64_t letters = llvm::count_if(term, llvm::isAlpha);
    int64_t covered = term.contains("...") ? rank - letters : 0;
    if (covered < 0)
      return ctx.emitError() << "equation '" << equation << "': term '" << term << "' has more labels than its "
                             << "operand's rank " << rank;
    ellipsisRank = std::max(ellipsisRank, covered);
    FailureOr<std::string> labels = expand(term, rank, covered);
    if (failed(labels))
      return failure();
    operands.push_back(*labels);
  }
  if (!explicitResult)
    return std::make_pair(operands, std::optional<std::string>());
  FailureOr<std::string> result = expand(rhs, std::nullopt, ellipsisRank);
  if (failed(result))
    return failure();
  return std::make_pair(operands, std::optional<std::string>(*result));
}

} // namespace

LogicalResult convertEinsum(NodeContext &ctx) {
  for (unsigned i = 0; i < ctx.numInputs(); ++i)
    if (failed(ctx.requireDType(i, kMatMulDTypes)))
      return failure();
  int32_t dtype = ctx.input(0).dtype;
  SmallVector<OnnxValue> inputs;
  SmallVector<int64_t> ranks;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    inputs.push_back(ctx.input(i));
    ranks.push_back(inputs.back().rank());
  }
  std::string equation = ctx.stringAttribute("equation", "");
  auto parsed = parseEinsum(ctx, equation, ranks);
  if (failed(parsed))
    return failure();
  auto &[operandLabels, resultLabels] = *parsed;
  // "..." dims align at the back across operands (numpy broadcasting); each gets its own label, '0' + k for the
  // k-th from the back, so that every iteration dim has one label.
  std::map<char, int64_t> sizes;
  SmallVector<std::string> named;
  int64_t ellipsisRank = 0;
  for (auto [labels, input] : llvm::zip_equal(operandLabels, inputs)) {
    int64_t dots = llvm::count(labels, '.');
    ellipsisRank = std::max(ellipsisRank, dots);
    std::string renamed = labels;
    int64_t seen = 0;
    for (char &label : renamed)
      if (label == '.')
        label = static_cast<char>('0' + (dots - 1 - seen++));
    for (auto [label, size] : llvm::zip_equal(renamed, input.shape())) {
      auto [it, inserted] = sizes.emplace(label, size);
      if (inserted || it->second == size || size == 1)
        continue;
      if (it->second == 1 && isdigit(label)) {
        it->second = size;
        continue;
      }
      return ctx.emitError() << "equation '" << equation << "': label '" << (isdigit(label) ? '.' : label)
                             << "' has sizes " << it->second << " and " << size;
    }
    named.push_back(renamed);
  }
  std::string result;
  if (resultLabels) {
    int64_t seen = 0, dots = llvm::count(*resultLabels, '.');
    result = *resultLabels;
    for (char &label : result)
      if (label == '.')
        label = static_cast<char>('0' + (dots - 1 - seen++));
  } else {
    // Implicit result: the "..." dims, then the letters used exactly once, in alphabetical order.
    for (int64_t k = ellipsisRank - 1; k >= 0; --k)
      result.push_back(static_cast<char>('0' + k));
    std::map<char, int> uses;
    for (const std::string &labels : named)
      for (char label : labels)
        if (isalpha(label))
          ++uses[label];
    for (auto [label, count] : uses)
      if (count == 1)
        result.push_back(label);
  }
  for (char label : result)
    if (!sizes.count(label) || llvm::count(result, label) != 1)
      return ctx.emitError() << "equation '" << equation << "': the result names '" << (isdigit(label) ? '.' : label)
                             << "' twice or without an operand having it";
  // Iteration dims: the result's labels (parallel), then the summed ones (reduction).
  std::string order = result;
  for (const std::string &labels : named)
    for (char label : labels)
      if (!llvm::is_contained(order, label))
        order.push_back(label);
  MLIRContext *context = ctx.context();
  auto dimOf = [&](char label) { return getAffineDimExpr(order.find(label), context); };
  SmallVector<AffineMap> maps;
  SmallVector<Value> values;
  for (auto [labels, input] : llvm::zip_equal(named, inputs)) {
    SmallVector<AffineExpr> exprs;
    for (auto [label, size] : llvm::zip_equal(labels, input.shape()))
      exprs.push_back(size == 1 && sizes[label] != 1 ? getAffineConstantExpr(0, context) : dimOf(label));
    maps.push_back(AffineMap::get(order.size(), 0, exprs, context));
    values.push_back(input.value);
  }
  SmallVector<AffineExpr> resultExprs;
  SmallVector<int64_t> shape;
  for (char label : result) {
    resultExprs.push_back(dimOf(label));
    shape.push_back(sizes[label]);
  }
  maps.push_back(AffineMap::get(order.size(), 0, resultExprs, context));
  SmallVector<utils::IteratorType> iterators(result.size(), utils::IteratorType::parallel);
  iterators.append(order.size() - result.size(), utils::IteratorType::reduction);
  ImplicitLocOpBuilder &b = ctx.builder();
  Type elementType = elementTypeOf(dtype, context);
  Value init = filledTensor(b, shape, scalarConstant(b, b.getLoc(), elementType, 0));
  Value product = buildGeneric(b, values, init, maps, iterators, [&](OpBuilder &nested, Location loc, ValueRange args) {
    Value term = args[0];
    for (Value factor : args.drop_front().drop_back())
      term = scalarBinary(nested, loc, BinaryKind::Mul, term, factor, dtype);
    return scalarBinary(nested, loc, BinaryKind::Add, args.back(), term, dtype);
  });
  ctx.setOutput(0, {product, dtype});
  return success();
}

LogicalResult convertDet(NodeContext &ctx) {
  OnnxValue x = ctx.input(0);
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  // The Leibniz formula sums n! signed products: cheap for the small matrices Det sees in models.
  constexpr int64_t kLargestOrder = 5;
  int64_t rank = x.rank();
  if (rank < 2 || x.shape()[rank - 1] != x.shape()[rank - 2] || x.shape()[rank - 1] > kLargestOrder)
    return ctx.emitError() << "the input must be [..., n, n] with n at most " << kLargestOrder;
  int64_t order = x.shape()[rank - 1];
  SmallVector<int64_t> permutation(order);
  std::iota(permutation.begin(), permutation.end(), 0);
  ImplicitLocOpBuilder &b = ctx.builder();
  Value matrices = x.value;
  SmallVector<int64_t> shape(x.shape().drop_back(2));
  Type elementType = x.type().getElementType();
  Value result = buildGeneric(b, {}, emptyTensor(b, shape, elementType),
                              {AffineMap::getMultiDimIdentityMap(shape.size(), ctx.context())},
                              SmallVector<utils::IteratorType>(shape.size(), utils::IteratorType::parallel),
                              [&](OpBuilder &nested, Location loc, ValueRange) -> Value {
                                SmallVector<Value> coords;
                                for (int64_t dim = 0; dim < static_cast<int64_t>(shape.size()); ++dim)
                                  coords.push_back(linalg::IndexOp::create(nested, loc, dim));
                                SmallVector<Value> constants;
                                for (int64_t i = 0; i < order; ++i)
                                  constants.push_back(arith::ConstantIndexOp::create(nested, loc, i));
                                auto element = [&](int64_t row, int64_t column) -> Value {
                                  SmallVector<Value> at(coords);
                                  at.push_back(constants[row]);
                                  at.push_back(constants[column]);
                                  return tensor::ExtractOp::create(nested, loc, matrices, at);
                                };
                                Value sum = scalarConstant(nested, loc, elementType, 0);
                                SmallVector<int64_t> p(permutation);
                                do {
                                  // The sign of p: the parity of its inversions.
                                  int64_t inversions = 0;
                                  for (int64_t i = 0; i < order; ++i)
                                    for (int64_t j = i + 1; j < order; ++j)
                                      inversions += p[i] > p[j];
                                  Value term = element(0, p[0]);
                                  for (int64_t row = 1; row < order; ++row)
                                    term = arith::MulFOp::create(nested, loc, term, element(row, p[row]));
                                  sum = inversions % 2 ? Value(arith::SubFOp::create(nested, loc, sum, term))
                                                       : Value(arith::AddFOp::create(nested, loc, sum, term));
                                } while (std::next_permutation(p.begin(), p.end()));
                                return sum;
                              });
  ctx.setOutput(0, {result, x.dtype});
  return success();
}

} // namespace het::frontend
