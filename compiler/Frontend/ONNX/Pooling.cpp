// ONNX pooling: MaxPool (with its optional Indices output) and AveragePool (pads, auto_pad, strides, dilations,
// ceil_mode, count_include_pad), GlobalAveragePool / GlobalMaxPool, and MaxUnpool.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

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

/// MaxPool with its Indices output: one generic keeps each window's maximum and, for the first element reaching
/// it, that element's row-major index into X (or, with storage_order = 1, with the last two dims swapped).
LogicalResult emitMaxPoolWithIndices(NodeContext &ctx, OnnxValue x, Value padded, Value window,
                                     const WindowGeometry &geometry, ArrayRef<AffineMap> maps,
                                     ArrayRef<utils::IteratorType> iterators, ArrayRef<int64_t> resultShape) {
  int64_t storageOrder = ctx.intAttribute("storage_order", 0);
  if (storageOrder != 0 && storageOrder != 1)
    return ctx.emitError() << "storage_order must be 0 (row major) or 1 (column major); got " << storageOrder;
  if (storageOrder == 1 && x.rank() != 4)
    return ctx.emitError() << "storage_order = 1 is supported for 2-D pooling only";
  ImplicitLocOpBuilder &b = ctx.builder();
  int64_t spatialRank = x.rank() - 2;
  Value lowest = extremeConstant(b, b.getLoc(), x.dtype, /*largest=*/false);
  Value noIndex = scalarConstant(b, b.getLoc(), b.getI64Type(), -1);
  SmallVector<Value> inits = {filledTensor(b, resultShape, lowest), filledTensor(b, resultShape, noIndex)};
  ArrayRef<int64_t> shape = x.shape();
  int32_t dtype = x.dtype;
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(maps.back());
  auto generic = linalg::GenericOp::create(
      b, TypeRange{inits[0].getType(), inits[1].getType()}, ValueRange{padded, window}, inits, allMaps, iterators,
      /*doc=*/"", /*libraryCall=*/"", [&](OpBuilder &nested, Location loc, ValueRange args) {
        auto constant = [&](int64_t value) { return arith::ConstantIndexOp::create(nested, loc, value); };
        // The element's coordinates in X: n, c, then output * stride + window * dilation - pad per spatial dim.
        SmallVector<Value> coords = {linalg::IndexOp::create(nested, loc, 0), linalg::IndexOp::create(nested, loc, 1)};
        for (int64_t i = 0; i < spatialRank; ++i) {
          Value start = arith::MulIOp::create(nested, loc, linalg::IndexOp::create(nested, loc, 2 + i),
                                              constant(geometry.strides[i]));
          Value offset = arith::MulIOp::create(nested, loc, linalg::IndexOp::create(nested, loc, 2 + spatialRank + i),
                                               constant(geometry.dilations[i]));
          Value position = arith::AddIOp::create(nested, loc, start, offset);
          coords.push_back(arith::SubIOp::create(nested, loc, position, constant(geometry.padBefore[i])));
        }
        SmallVector<int64_t> strides(shape.size(), 1);
        for (int64_t dim = shape.size() - 2; dim >= 0; --dim)
          strides[dim] = strides[dim + 1] * shape[dim + 1];
        if (storageOrder == 1) {
          strides[2] = 1;
          strides[3] = shape[2];
        }
        Value flat = constant(0);
        for (auto [coord, stride] : llvm::zip(coords, strides))
          flat = arith::AddIOp::create(nested, loc, flat, arith::MulIOp::create(nested, loc, coord, constant(stride)));
        Value index = arith::IndexCastOp::create(nested, loc, nested.getI64Type(), flat);
        Value larger =
            isFloatDType(dtype)
                ? Value(arith::CmpFOp::create(nested, loc, arith::CmpFPredicate::OGT, args[0], args[2]))
                : Value(arith::CmpIOp::create(
                      nested, loc, isUnsignedDType(dtype) ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt,
                      args[0], args[2]));
        // Padding never becomes the index: the first element inside X sets it, later ones only when larger.
        Value inside = arith::ConstantIntOp::create(nested, loc, 1, 1);
        for (int64_t i = 0; i < spatialRank; ++i) {
          Value coord = coords[2 + i];
          Value low = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::sge, coord, constant(0));
          Value high = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::slt, coord, constant(shape[2 + i]));
          inside = arith::AndIOp::create(nested, loc, inside, arith::AndIOp::create(nested, loc, low, high));
        }
        Value unset = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::slt, args[3],
                                            scalarConstant(nested, loc, nested.getI64Type(), 0));
        Value take = arith::AndIOp::create(nested, loc, inside, arith::OrIOp::create(nested, loc, larger, unset));
        linalg::YieldOp::create(nested, loc,
                                ValueRange{arith::SelectOp::create(nested, loc, take, args[0], args[2]),
                                           arith::SelectOp::create(nested, loc, take, index, args[3])});
      });
  ctx.setOutput(0, {generic.getResult(0), dtype});
  ctx.setOutput(1, {generic.getResult(1), kInt64});
  return success();
}

} // namespace

LogicalResult convertPool(NodeContext &ctx) {
  bool isMax = ctx.opType() == "MaxPool";
  if (failed(ctx.requireDType(0, isMax ? ArrayRef<int32_t>(kPoolDTypes) : ArrayRef<int32_t>({kFloat, kDouble}))))
    return failure();
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
  if (isMax && ctx.hasOutput(1))
    return emitMaxPoolWithIndices(ctx, x, input, window, *geometry, maps, iterators, resultShape);
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

LogicalResult convertMaxUnpool(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})) || failed(ctx.requireDType(1, {kInt64})))
    return failure();
  OnnxValue x = ctx.input(0), indices = ctx.input(1);
  int64_t rank = x.rank(), spatialRank = rank - 2;
  if (rank < 3 || indices.shape() != x.shape())
    return ctx.emitError() << "X must be N x C x spatial... (rank 3 or more) and I of the same shape";
  std::optional<SmallVector<int64_t>> kernel = ctx.intsAttribute("kernel_shape");
  SmallVector<int64_t> strides = ctx.intsAttribute("strides").value_or(SmallVector<int64_t>(spatialRank, 1));
  SmallVector<int64_t> pads = ctx.intsAttribute("pads").value_or(SmallVector<int64_t>(2 * spatialRank, 0));
  if (!kernel || static_cast<int64_t>(kernel->size()) != spatialRank ||
      static_cast<int64_t>(strides.size()) != spatialRank || static_cast<int64_t>(pads.size()) != 2 * spatialRank)
    return ctx.emitError() << "kernel_shape and strides need one entry per spatial dim (" << spatialRank
                           << "), pads two";
  // The unpooled shape MaxPool started from; the indices count positions in it (row major over all of N, C,
  // spatial...), also when output_shape asks for a larger result, whose extra positions stay zero.
  SmallVector<int64_t> unpooled = {x.shape()[0], x.shape()[1]};
  for (int64_t i = 0; i < spatialRank; ++i)
    unpooled.push_back((x.shape()[2 + i] - 1) * strides[i] + (*kernel)[i] - pads[i] - pads[spatialRank + i]);
  SmallVector<int64_t> shape = unpooled;
  if (ctx.hasInput(2)) {
    FailureOr<SmallVector<int64_t>> outputShape = ctx.constantIntsInput(2, "output_shape");
    if (failed(outputShape))
      return failure();
    if (static_cast<int64_t>(outputShape->size()) != rank || (*outputShape)[0] != unpooled[0] ||
        (*outputShape)[1] != unpooled[1])
      return ctx.emitError() << "output_shape must give " << rank << " dims, starting with X's N and C";
    shape = *outputShape;
  }
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  Type elementType = x.type().getElementType();
  // Loop dims: n, c, output spatial..., then X's spatial (reduced): each output sums the X elements whose index
  // names it.
  int64_t numDims = 2 + 2 * spatialRank;
  SmallVector<AffineExpr> sourceExprs = {getAffineDimExpr(0, context), getAffineDimExpr(1, context)};
  SmallVector<AffineExpr> outputExprs(sourceExprs);
  for (int64_t i = 0; i < spatialRank; ++i) {
    outputExprs.push_back(getAffineDimExpr(2 + i, context));
    sourceExprs.push_back(getAffineDimExpr(2 + spatialRank + i, context));
  }
  AffineMap sourceMap = AffineMap::get(numDims, 0, sourceExprs, context);
  SmallVector<utils::IteratorType> iterators(2 + spatialRank, utils::IteratorType::parallel);
  iterators.append(spatialRank, utils::IteratorType::reduction);
  Value result = buildGeneric(
      b, {x.value, indices.value}, filledTensor(b, shape, scalarConstant(b, b.getLoc(), elementType, 0)),
      {sourceMap, sourceMap, AffineMap::get(numDims, 0, outputExprs, context)}, iterators,
      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        auto constant = [&](int64_t value) { return arith::ConstantIndexOp::create(nested, loc, value); };
        Value flat = constant(0), inside = arith::ConstantIntOp::create(nested, loc, 1, 1);
        for (int64_t dim = 0; dim < rank; ++dim) {
          Value coord = linalg::IndexOp::create(nested, loc, dim);
          flat = arith::AddIOp::create(nested, loc, arith::MulIOp::create(nested, loc, flat, constant(unpooled[dim])),
                                       coord);
          Value fits = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::slt, coord, constant(unpooled[dim]));
          inside = arith::AndIOp::create(nested, loc, inside, fits);
        }
        Value named = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::eq, args[1],
                                            arith::IndexCastOp::create(nested, loc, nested.getI64Type(), flat));
        Value take = arith::AndIOp::create(nested, loc, inside, named);
        Value added = arith::AddFOp::create(nested, loc, args[2], args[0]);
        return arith::SelectOp::create(nested, loc, take, added, args[2]);
      });
  ctx.setOutput(0, {result, x.dtype});
  return success();
}

} // namespace het::frontend
