// ONNX pooling: MaxPool and AveragePool (pads, auto_pad, strides, dilations, ceil_mode, count_include_pad) and
// GlobalAveragePool / GlobalMaxPool.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace het::frontend {

namespace {

const int32_t kPoolDTypes[] = {kFloat, kDouble, kInt8, kUInt8};

/// How many input elements (or, with `includePad`, input plus explicit padding elements) each output position's
/// window covers; the ceil_mode overhang never counts.
SmallVector<double> windowCounts(const WindowGeometry &geometry, ArrayRef<int64_t> spatial, bool includePad,
                                 ArrayRef<int64_t> explicitPadAfter) {
  SmallVector<double> counts = {1};
  for (size_t i = 0; i < spatial.size(); ++i) {
    int64_t low = includePad ? -geometry.padBefore[i] : 0;
    int64_t high = spatial[i] + (includePad ? explicitPadAfter[i] : 0);
    SmallVector<double> next;
    for (double outer : counts)
      for (int64_t o = 0; o < geometry.output[i]; ++o) {
        int64_t inside = 0;
        for (int64_t r = 0; r < geometry.kernel[i]; ++r) {
          int64_t position = o * geometry.strides[i] + r * geometry.dilations[i] - geometry.padBefore[i];
          inside += position >= low && position < high;
        }
        next.push_back(outer * inside);
      }
    counts = std::move(next);
  }
  return counts;
}

} // namespace

LogicalResult convertPool(NodeContext &ctx) {
  bool isMax = ctx.opType() == "MaxPool";
  if (failed(ctx.requireDType(0, isMax ? ArrayRef<int32_t>(kPoolDTypes) : ArrayRef<int32_t>({kFloat, kDouble}))))
    return failure();
  if (ctx.hasOutput(1))
    return ctx.emitError() << "the Indices output is not supported";
  OnnxValue x = ctx.input(0);
  int64_t rank = x.rank(), spatialRank = rank - 2;
  if (rank < 3)
    return ctx.emitError() << "X must be N x C x spatial... (rank 3 or more)";
  std::optional<SmallVector<int64_t>> kernel = ctx.intsAttribute("kernel_shape");
  if (!kernel || static_cast<int64_t>(kernel->size()) != spatialRank)
    return ctx.emitError() << "kernel_shape must give one size per spatial dim (" << spatialRank << ")";
  ArrayRef<int64_t> spatial = x.shape().drop_front(2);
  FailureOr<WindowGeometry> geometry = windowGeometry(ctx, spatial, *kernel, ctx.intAttribute("ceil_mode", 0));
  if (failed(geometry))
    return failure();

  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  Type elementType = x.type().getElementType();
  int32_t dtype = x.dtype;
  Value init =
      isMax ? extremeConstant(b, b.getLoc(), dtype, /*largest=*/false) : scalarConstant(b, b.getLoc(), elementType, 0);
  Value input = padSpatial(b, x.value, *geometry, init);
  // Loop dims: n, c, spatial outputs..., window...; the window operand only gives the window loops their sizes.
  int64_t numDims = 2 + 2 * spatialRank;
  SmallVector<AffineExpr> windowExprs, outputExprs;
  for (int64_t dim = 0; dim < 2 + spatialRank; ++dim)
    outputExprs.push_back(getAffineDimExpr(dim, context));
  for (int64_t dim = 2 + spatialRank; dim < numDims; ++dim)
    windowExprs.push_back(getAffineDimExpr(dim, context));
  SmallVector<AffineMap> maps = {windowInputMap({0, 1}, 2, 2 + spatialRank, numDims, *geometry, context),
                                 AffineMap::get(numDims, 0, windowExprs, context),
                                 AffineMap::get(numDims, 0, outputExprs, context)};
  SmallVector<utils::IteratorType> iterators(2 + spatialRank, utils::IteratorType::parallel);
  iterators.append(spatialRank, utils::IteratorType::reduction);
  SmallVector<int64_t> resultShape = {x.shape()[0], x.shape()[1]};
  llvm::append_range(resultShape, geometry->output);
  Value window = emptyTensor(b, *kernel, elementType);
  Value result = buildGeneric(b, {input, window}, filledTensor(b, resultShape, init), maps, iterators,
                              [&](OpBuilder &nested, Location loc, ValueRange args) {
                                return scalarBinary(nested, loc, isMax ? BinaryKind::Max : BinaryKind::Add, args[2],
                                                    args[0], dtype);
                              });
  if (!isMax) {
    SmallVector<int64_t> explicitPadAfter = ctx.intsAttribute("pads").value_or(SmallVector<int64_t>(2 * spatialRank));
    if (ctx.stringAttribute("auto_pad", "NOTSET") != "NOTSET")
      explicitPadAfter.assign(geometry->padAfter.begin(), geometry->padAfter.end());
    else
      explicitPadAfter.erase(explicitPadAfter.begin(), explicitPadAfter.begin() + spatialRank);
    SmallVector<double> counts =
        windowCounts(*geometry, spatial, ctx.intAttribute("count_include_pad", 0), explicitPadAfter);
    Value divisor;
    if (llvm::all_equal(counts)) {
      divisor = filledTensor(b, {}, scalarConstant(b, b.getLoc(), elementType, counts.front()));
    } else {
      auto countType = RankedTensorType::get(geometry->output, elementType);
      SmallVector<Attribute> values;
      for (double count : counts)
        values.push_back(FloatAttr::get(elementType, count));
      divisor = arith::ConstantOp::create(b, DenseElementsAttr::get(countType, values));
    }
    result = buildElementwise(b, {result, divisor}, resultShape, elementType,
                              [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                                return arith::DivFOp::create(nested, loc, args[0], args[1]);
                              });
  }
  ctx.setOutput(0, {result, dtype});
  return success();
}

LogicalResult convertGlobalPool(NodeContext &ctx) {
  bool isMax = ctx.opType() == "GlobalMaxPool";
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  OnnxValue x = ctx.input(0);
  if (x.rank() < 3)
    return ctx.emitError() << "X must be N x C x spatial... (rank 3 or more)";
  ImplicitLocOpBuilder &b = ctx.builder();
  Type elementType = x.type().getElementType();
  int32_t dtype = x.dtype;
  SmallVector<int64_t> dims = llvm::to_vector(llvm::seq<int64_t>(2, x.rank()));
  Value init =
      isMax ? extremeConstant(b, b.getLoc(), dtype, /*largest=*/false) : scalarConstant(b, b.getLoc(), elementType, 0);
  Value result = buildReduction(b, x.value, dims, init, [&](OpBuilder &nested, Location loc, ValueRange args) {
    return scalarBinary(nested, loc, isMax ? BinaryKind::Max : BinaryKind::Add, args[1], args[0], dtype);
  });
  SmallVector<int64_t> shape = {x.shape()[0], x.shape()[1]};
  if (!isMax) {
    int64_t count = 1;
    for (int64_t dim : x.shape().drop_front(2))
      count *= dim;
    result = buildElementwise(b, {result}, shape, elementType, [&](OpBuilder &nested, Location loc, ValueRange args) {
      return arith::DivFOp::create(nested, loc, args[0], scalarConstant(nested, loc, elementType, count));
    });
  }
  shape.append(x.rank() - 2, 1);
  ctx.setOutput(0, {reshapeTensor(b, result, shape), dtype});
  return success();
}

} // namespace het::frontend
