// ONNX data-movement ops: Reshape, Flatten, Transpose, Concat, Split, Slice, Squeeze, Unsqueeze, Gather,
// GatherElements, GatherND, Scatter, ScatterElements, ScatterND, Compress, ReverseSequence, Shape, Size, Expand,
// Tile, Pad, DepthToSpace and SpaceToDepth. Shape computations on constants fold, so Shape -> Gather -> Concat ->
// Reshape chains give static shapes.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/ADT/StringSwitch.h"

#include <numeric>

using namespace mlir;

namespace het::frontend {

namespace {

/// Constant tensors up to this many elements are folded by the shape converters (shape arithmetic is tiny).
constexpr int64_t kFoldLimit = 4096;

DenseElementsAttr constantOf(OnnxValue value) {
  if (auto constant = value.value.getDefiningOp<arith::ConstantOp>())
    return dyn_cast<DenseElementsAttr>(constant.getValue());
  return nullptr;
}

void setConstantOutput(NodeContext &ctx, unsigned index, DenseElementsAttr value, int32_t dtype) {
  ctx.setOutput(index, {arith::ConstantOp::create(ctx.builder(), value), dtype});
}

/// Sets output `index` to an empty constant when `shape` has no elements (see emptyConstant): no kernel, and no
/// extract_slice at an offset past the end.
bool setIfEmpty(NodeContext &ctx, unsigned index, ArrayRef<int64_t> shape, OnnxValue like) {
  if (ShapedType::getNumElements(shape) != 0)
    return false;
  ctx.setOutput(index, {emptyConstant(ctx.builder(), shape, like.type().getElementType()), like.dtype});
  return true;
}

/// Output 0 is input 0 with a new shape (same element count), folded when the input is a constant.
void setReshapedOutput(NodeContext &ctx, OnnxValue input, ArrayRef<int64_t> shape) {
  if (setIfEmpty(ctx, 0, shape, input))
    return;
  if (DenseElementsAttr constant = constantOf(input)) {
    setConstantOutput(ctx, 0, constant.reshape(RankedTensorType::get(shape, constant.getElementType())), input.dtype);
    return;
  }
  ctx.setOutput(0, {reshapeTensor(ctx.builder(), input.value, shape), input.dtype});
}

Value transposeTensor(ImplicitLocOpBuilder &b, Value value, ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t dim : permutation)
    shape.push_back(type.getDimSize(dim));
  Value init = emptyTensor(b, shape, type.getElementType());
  return linalg::TransposeOp::create(b, value, init, permutation).getResult()[0];
}

/// A copy whose element at i reads `value` at inputMap(i): the strided, reversed or wrapped reads.
Value copyThroughMap(ImplicitLocOpBuilder &b, Value value, AffineMap inputMap, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  AffineMap maps[] = {inputMap, AffineMap::getMultiDimIdentityMap(shape.size(), b.getContext())};
  SmallVector<utils::IteratorType> iterators(shape.size(), utils::IteratorType::parallel);
  return buildGeneric(b, {value}, emptyTensor(b, shape, type.getElementType()), maps, iterators,
                      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

/// An index-typed gather index with ONNX's negative indices (counting back from `size`) made non-negative.
Value wrapNegativeIndex(OpBuilder &b, Location loc, Value index, int64_t size) {
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, arith::ConstantIndexOp::create(b, loc, 0));
  Value wrapped = arith::AddIOp::create(b, loc, index, arith::ConstantIndexOp::create(b, loc, size));
  return arith::SelectOp::create(b, loc, negative, wrapped, index);
}

/// A scatter's `reduction` attribute: how an update meets the element it lands on (none: replaces it).
FailureOr<std::optional<BinaryKind>> scatterReduction(NodeContext &ctx) {
  std::string reduction = ctx.stringAttribute("reduction", "none");
  if (reduction == "none")
    return std::optional<BinaryKind>();
  std::optional<BinaryKind> kind = llvm::StringSwitch<std::optional<BinaryKind>>(reduction)
                                       .Case("add", BinaryKind::Add)
                                       .Case("mul", BinaryKind::Mul)
                                       .Case("max", BinaryKind::Max)
                                       .Case("min", BinaryKind::Min)
                                       .Default(std::nullopt);
  if (!kind)
    return ctx.emitError() << "reduction '" << reduction << "' is not supported; supported: none, add, mul, max, min";
  return kind;
}

/// Scatters as a gather: output element (d...) starts as data and folds in, in order, every update whose target
/// `targetsHere` says is (d...). The iteration space is the output's dims (parallel) then `updateDims` (a
/// reduction over the updates, in order, so the last of duplicate targets wins without a reduction); updates are
/// read through `updatesMap`. The work is output size times update count, with no data-dependent writes, so every
/// target runs it as plain loops. Indices out of range match no element.
Value buildScatter(ImplicitLocOpBuilder &b, OnnxValue data, Value updates, AffineMap updatesMap,
                   ArrayRef<int64_t> updateDims, std::optional<BinaryKind> reduction,
                   llvm::function_ref<Value(OpBuilder &, Location)> targetsHere) {
  int64_t rank = data.rank(), numDims = rank + updateDims.size();
  MLIRContext *context = b.getContext();
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  iterators.append(updateDims.size(), utils::IteratorType::reduction);
  SmallVector<AffineExpr> outputDims;
  for (int64_t dim = 0; dim < rank; ++dim)
    outputDims.push_back(getAffineDimExpr(dim, context));
  AffineMap maps[] = {updatesMap, AffineMap::get(numDims, 0, outputDims, context)};
  int32_t dtype = data.dtype;
  return buildGeneric(b, {updates}, data.value, maps, iterators,
                      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                        Value update = args[0], current = args[1];
                        if (reduction)
                          update = scalarBinary(nested, loc, *reduction, current, update, dtype);
                        return arith::SelectOp::create(nested, loc, targetsHere(nested, loc), update, current);
                      });
}

/// (lhs == rhs) && all, on index values.
Value andEqual(OpBuilder &b, Location loc, Value all, Value lhs, Value rhs) {
  Value equal = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lhs, rhs);
  return all ? Value(arith::AndIOp::create(b, loc, all, equal)) : equal;
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t result = 1;
  for (int64_t dim : dims)
    result *= dim;
  return result;
}

/// Axes from the `axes` attribute (before `inputOpset`) or from input 1, normalized to 0..rank-1, no repeats.
FailureOr<std::optional<SmallVector<int64_t>>> readAxes(NodeContext &ctx, int64_t inputOpset, unsigned inputIndex,
                                                        int64_t rank) {
  std::optional<SmallVector<int64_t>> axes;
  if (ctx.opset() < inputOpset) {
    axes = ctx.intsAttribute("axes");
  } else if (ctx.hasInput(inputIndex)) {
    FailureOr<SmallVector<int64_t>> values = ctx.constantIntsInput(inputIndex, "axes");
    if (failed(values))
      return failure();
    axes = *values;
  }
  if (!axes)
    return axes;
  for (int64_t &axis : *axes) {
    FailureOr<int64_t> normalized = ctx.normalizeAxis(axis, rank, "axis");
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(*axes);
  if (std::adjacent_find(axes->begin(), axes->end()) != axes->end())
    return ctx.emitError() << "axes must not repeat";
  return axes;
}

} // namespace

LogicalResult convertReshape(NodeContext &ctx) {
  OnnxValue data = ctx.input(0);
  FailureOr<SmallVector<int64_t>> requested = ctx.constantIntsInput(1, "shape");
  if (failed(requested))
    return failure();
  bool allowZero = ctx.intAttribute("allowzero", 0);
  SmallVector<int64_t> shape;
  int inferred = -1;
  for (auto [i, dim] : llvm::enumerate(*requested)) {
    if (dim == 0 && !allowZero) {
      if (i >= static_cast<size_t>(data.rank()))
        return ctx.emitError() << "shape entry " << i << " is 0 (copy the input dim), but the input has rank "
                               << data.rank();
      dim = data.shape()[i];
    } else if (dim == -1) {
      if (inferred >= 0)
        return ctx.emitError() << "shape has more than one -1";
      inferred = i;
      dim = 1;
    } else if (dim < 0) {
      return ctx.emitError() << "shape entry " << i << " is " << dim << "; accepted: -1, 0 or a size";
    }
    shape.push_back(dim);
  }
  int64_t count = product(data.shape()), known = product(shape);
  if (inferred >= 0) {
    if (known == 0 || count % known != 0)
      return ctx.emitError() << "cannot infer the -1 dim: " << count << " elements do not split by " << known;
    shape[inferred] = count / known;
  } else if (known != count) {
    return ctx.emitError() << "shape holds " << known << " elements, the input " << count;
  }
  setReshapedOutput(ctx, data, shape);
  return success();
}

LogicalResult convertFlatten(NodeContext &ctx) {
  OnnxValue data = ctx.input(0);
  int64_t axis = ctx.intAttribute("axis", 1);
  if (axis < 0)
    axis += data.rank();
  if (axis < 0 || axis > data.rank())
    return ctx.emitError() << "axis " << ctx.intAttribute("axis", 1) << " is out of range for rank " << data.rank();
  SmallVector<int64_t> shape = {product(data.shape().take_front(axis)), product(data.shape().drop_front(axis))};
  setReshapedOutput(ctx, data, shape);
  return success();
}

LogicalResult convertTranspose(NodeContext &ctx) {
  OnnxValue data = ctx.input(0);
  SmallVector<int64_t> permutation =
      ctx.intsAttribute("perm").value_or(llvm::to_vector(llvm::reverse(llvm::seq<int64_t>(0, data.rank()))));
  SmallVector<int64_t> sorted(permutation);
  llvm::sort(sorted);
  if (sorted != llvm::to_vector(llvm::seq<int64_t>(0, data.rank())))
    return ctx.emitError() << "perm is not a permutation of 0.." << data.rank() - 1;
  ctx.setOutput(0, {transposeTensor(ctx.builder(), data.value, permutation), data.dtype});
  return success();
}

LogicalResult convertConcat(NodeContext &ctx) {
  OnnxValue first = ctx.input(0);
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", 0), first.rank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.shape());
  shape[*axis] = 0;
  bool allConstant = true;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    OnnxValue input = ctx.input(i);
    for (int64_t dim = 0; dim < first.rank(); ++dim)
      if (dim != *axis && (input.rank() != first.rank() || input.shape()[dim] != first.shape()[dim]))
        return ctx.emitError() << "input " << i << " differs from input 0 in a dim other than the axis";
    shape[*axis] += input.shape()[*axis];
    allConstant &= constantOf(input) != nullptr;
  }
  Type elementType = first.type().getElementType();
  auto resultType = RankedTensorType::get(shape, elementType);
  if (allConstant && resultType.getNumElements() <= kFoldLimit && !elementType.isInteger(1)) {
    // Row-major: the axis splits each input into `outer` blocks of equal size, interleaved in the result.
    int64_t outer = product(ArrayRef<int64_t>(shape).take_front(*axis));
    SmallVector<SmallVector<Attribute>> blocks;
    for (unsigned i = 0; i < ctx.numInputs(); ++i)
      blocks.push_back(llvm::to_vector(constantOf(ctx.input(i)).getValues<Attribute>()));
    SmallVector<Attribute> values;
    for (int64_t o = 0; o < outer; ++o)
      for (const SmallVector<Attribute> &block : blocks) {
        size_t blockSize = block.size() / outer;
        values.append(block.begin() + o * blockSize, block.begin() + (o + 1) * blockSize);
      }
    setConstantOutput(ctx, 0, DenseElementsAttr::get(resultType, values), first.dtype);
    return success();
  }
  ImplicitLocOpBuilder &b = ctx.builder();
  Value result = emptyTensor(b, shape, elementType);
  int64_t offset = 0;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    OnnxValue input = ctx.input(i);
    SmallVector<int64_t> offsets(first.rank(), 0), strides(first.rank(), 1);
    offsets[*axis] = offset;
    result = tensor::InsertSliceOp::create(b, input.value, result, getAsIndexOpFoldResult(ctx.context(), offsets),
                                           getAsIndexOpFoldResult(ctx.context(), input.shape()),
                                           getAsIndexOpFoldResult(ctx.context(), strides));
    offset += input.shape()[*axis];
  }
  ctx.setOutput(0, {result, first.dtype});
  return success();
}

LogicalResult convertSlice(NodeContext &ctx) {
  OnnxValue data = ctx.input(0);
  SmallVector<int64_t> starts, ends, axes, steps;
  if (ctx.opset() < 10) {
    starts = ctx.intsAttribute("starts").value_or(SmallVector<int64_t>{});
    ends = ctx.intsAttribute("ends").value_or(SmallVector<int64_t>{});
    axes = ctx.intsAttribute("axes").value_or(llvm::to_vector(llvm::seq<int64_t>(0, starts.size())));
  } else {
    FailureOr<SmallVector<int64_t>> startValues = ctx.constantIntsInput(1, "starts");
    FailureOr<SmallVector<int64_t>> endValues = ctx.constantIntsInput(2, "ends");
    if (failed(startValues) || failed(endValues))
      return failure();
    starts = *startValues;
    ends = *endValues;
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts.size()));
    if (ctx.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> axisValues = ctx.constantIntsInput(3, "axes");
      if (failed(axisValues))
        return failure();
      axes = *axisValues;
    }
    if (ctx.hasInput(4)) {
      FailureOr<SmallVector<int64_t>> stepValues = ctx.constantIntsInput(4, "steps");
      if (failed(stepValues))
        return failure();
      steps = *stepValues;
    }
  }
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    return ctx.emitError() << "starts, ends, axes and steps must have the same length";

  int64_t rank = data.rank();
  SmallVector<int64_t> offsets(rank, 0), sizes(data.shape()), strides(rank, 1);
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    FailureOr<int64_t> axis = ctx.normalizeAxis(axes[i], rank, "axis");
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return ctx.emitError() << "axis " << axes[i] << " appears twice";
    seen[*axis] = true;
    int64_t dim = data.shape()[*axis], step = steps[i];
    if (step == 0)
      return ctx.emitError() << "steps must not be 0";
    int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t end = ends[i] < 0 ? std::max<int64_t>(ends[i], -dim - 1) + dim : ends[i];
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      sizes[*axis] = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      sizes[*axis] = start > end ? (start - end - step - 1) / -step : 0;
    }
    offsets[*axis] = start;
    strides[*axis] = step;
  }
  if (setIfEmpty(ctx, 0, sizes, data))
    return success();
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  Value result;
  if (llvm::all_of(strides, [](int64_t stride) { return stride > 0; })) {
    result = tensor::ExtractSliceOp::create(b, data.value, getAsIndexOpFoldResult(context, offsets),
                                            getAsIndexOpFoldResult(context, sizes),
                                            getAsIndexOpFoldResult(context, strides));
  } else {
    // extract_slice takes no negative strides: read element offset + stride * i in a copy.
    SmallVector<AffineExpr> exprs;
    for (int64_t dim = 0; dim < rank; ++dim)
      exprs.push_back(getAffineDimExpr(dim, context) * strides[dim] + offsets[dim]);
    result = copyThroughMap(b, data.value, AffineMap::get(rank, 0, exprs, context), sizes);
  }
  ctx.setOutput(0, {result, data.dtype});
  return success();
}

LogicalResult convertSqueeze(NodeContext &ctx) {
  OnnxValue data = ctx.input(0);
  FailureOr<std::optional<SmallVector<int64_t>>> axes = readAxes(ctx, 13, 1, data.rank());
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [dim, size] : llvm::enumerate(data.shape())) {
    bool listed = *axes && llvm::is_contained(**axes, static_cast<int64_t>(dim));
    if (listed && size != 1)
      return ctx.emitError() << "cannot squeeze dim " << dim << " of size " << size;
    if (listed || (!*axes && size == 1))
      continue;
    shape.push_back(size);
  }
  setReshapedOutput(ctx, data, shape);
  return success();
}

LogicalResult convertUnsqueeze(NodeContext &ctx) {
  OnnxValue data = ctx.input(0);
  std::optional<SmallVector<int64_t>> rawAxes;
  if (ctx.opset() < 13) {
    rawAxes = ctx.intsAttribute("axes");
  } else {
    FailureOr<SmallVector<int64_t>> values = ctx.constantIntsInput(1, "axes");
    if (failed(values))
      return failure();
    rawAxes = *values;
  }
  if (!rawAxes)
    return ctx.emitError() << "axes are required";
  int64_t rank = data.rank() + rawAxes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : *rawAxes) {
    FailureOr<int64_t> normalized = ctx.normalizeAxis(axis, rank, "axis");
    if (failed(normalized))
      return failure();
    if (inserted[*normalized])
      return ctx.emitError() << "axis " << axis << " appears twice";
    inserted[*normalized] = true;
  }
  SmallVector<int64_t> shape;
  size_t next = 0;
  for (int64_t dim = 0; dim < rank; ++dim)
    shape.push_back(inserted[dim] ? 1 : data.shape()[next++]);
  setReshapedOutput(ctx, data, shape);
  return success();
}

LogicalResult convertGather(NodeContext &ctx) {
  OnnxValue data = ctx.input(0), indices = ctx.input(1);
  if (failed(ctx.requireDType(1, {kInt32, kInt64})))
    return failure();
  if (data.rank() == 0)
    return ctx.emitError() << "data must have rank 1 or more";
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", 0), data.rank(), "axis");
  if (failed(axis))
    return failure();
  int64_t axisSize = data.shape()[*axis], indexRank = indices.rank();
  SmallVector<int64_t> shape(data.shape().take_front(*axis));
  llvm::append_range(shape, indices.shape());
  llvm::append_range(shape, data.shape().drop_front(*axis + 1));
  auto resultType = RankedTensorType::get(shape, data.type().getElementType());

  DenseElementsAttr constantData = constantOf(data), constantIndices = constantOf(indices);
  if (constantData && constantIndices && resultType.getNumElements() <= kFoldLimit) {
    SmallVector<Attribute> source = llvm::to_vector(constantData.getValues<Attribute>());
    SmallVector<int64_t> picks;
    for (const APInt &index : constantIndices.getValues<APInt>()) {
      int64_t pick = index.getSExtValue();
      if (pick < -axisSize || pick >= axisSize)
        return ctx.emitError() << "index " << pick << " is out of range for a dim of size " << axisSize;
      picks.push_back(pick < 0 ? pick + axisSize : pick);
    }
    int64_t outer = product(data.shape().take_front(*axis)), inner = product(data.shape().drop_front(*axis + 1));
    SmallVector<Attribute> values;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t pick : picks)
        for (int64_t i = 0; i < inner; ++i)
          values.push_back(source[(o * axisSize + pick) * inner + i]);
    setConstantOutput(ctx, 0, DenseElementsAttr::get(resultType, values), data.dtype);
    return success();
  }

  // Each result element reads data at (its outer coords, the index it finds in `indices`, its inner coords).
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  int64_t rank = shape.size();
  SmallVector<AffineExpr> indexExprs;
  for (int64_t dim = *axis; dim < *axis + indexRank; ++dim)
    indexExprs.push_back(getAffineDimExpr(dim, context));
  AffineMap maps[] = {AffineMap::get(rank, 0, indexExprs, context), AffineMap::getMultiDimIdentityMap(rank, context)};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  Value source = data.value;
  int64_t dataRank = data.rank(), gatherAxis = *axis;
  Value result = buildGeneric(
      b, {indices.value}, emptyTensor(b, shape, resultType.getElementType()), maps, iterators,
      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        Value index = wrapNegativeIndex(
            nested, loc, arith::IndexCastOp::create(nested, loc, nested.getIndexType(), args[0]), axisSize);
        SmallVector<Value> coords;
        for (int64_t dim = 0; dim < dataRank; ++dim) {
          if (dim == gatherAxis)
            coords.push_back(index);
          else
            coords.push_back(linalg::IndexOp::create(nested, loc, dim < gatherAxis ? dim : dim - 1 + indexRank));
        }
        return tensor::ExtractOp::create(nested, loc, source, coords);
      });
  ctx.setOutput(0, {result, data.dtype});
  return success();
}

LogicalResult convertShape(NodeContext &ctx) {
  OnnxValue data = ctx.input(0);
  int64_t rank = data.rank();
  int64_t start = ctx.intAttribute("start", 0), end = ctx.intAttribute("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  SmallVector<int64_t> dims;
  for (int64_t dim = start; dim < end; ++dim)
    dims.push_back(data.shape()[dim]);
  auto type = RankedTensorType::get({static_cast<int64_t>(dims.size())}, ctx.builder().getI64Type());
  setConstantOutput(ctx, 0, DenseElementsAttr::get(type, ArrayRef<int64_t>(dims)), kInt64);
  return success();
}

LogicalResult convertExpand(NodeContext &ctx) {
  OnnxValue data = ctx.input(0);
  FailureOr<SmallVector<int64_t>> requested = ctx.constantIntsInput(1, "shape");
  if (failed(requested))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes({data.shape(), *requested});
  if (failed(shape))
    return ctx.emitError() << "the input does not broadcast to the requested shape";
  ImplicitLocOpBuilder &b = ctx.builder();
  Value result = buildElementwise(b, {data.value}, *shape, data.type().getElementType(),
                                  [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  ctx.setOutput(0, {result, data.dtype});
  return success();
}

LogicalResult convertPad(NodeContext &ctx) {
  OnnxValue data = ctx.input(0);
  int64_t rank = data.rank();
  std::string mode = ctx.stringAttribute("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return ctx.emitError() << "mode '" << mode << "' is not supported; supported: constant, reflect, edge";
  ImplicitLocOpBuilder &b = ctx.builder();
  Type elementType = data.type().getElementType();
  SmallVector<int64_t> pads;
  OnnxValue padValue{filledTensor(b, {}, scalarConstant(b, b.getLoc(), elementType, 0)), data.dtype};
  if (ctx.opset() < 11) {
    pads = ctx.intsAttribute("pads").value_or(SmallVector<int64_t>{});
    padValue.value = filledTensor(b, {}, scalarConstant(b, b.getLoc(), elementType, ctx.floatAttribute("value", 0)));
  } else {
    FailureOr<SmallVector<int64_t>> values = ctx.constantIntsInput(1, "pads");
    if (failed(values))
      return failure();
    pads = *values;
    if (ctx.hasInput(2)) {
      padValue = ctx.input(2);
      if (padValue.rank() > 1 || padValue.type().getNumElements() != 1)
        return ctx.emitError() << "constant_value must hold one element";
      padValue.value = reshapeTensor(b, padValue.value, {});
    }
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return ctx.emitError() << "pads has " << pads.size() << " entries; the input of rank " << rank << " needs "
                           << 2 * rank;
  SmallVector<int64_t> shape;
  for (int64_t dim = 0; dim < rank; ++dim) {
    shape.push_back(data.shape()[dim] + pads[dim] + pads[rank + dim]);
    if (shape.back() < 0)
      return ctx.emitError() << "pads remove more than dim " << dim << " holds";
    if (mode != "constant" && data.shape()[dim] == 0 && shape.back() > 0)
      return ctx.emitError() << "mode '" << mode << "' cannot pad the empty dim " << dim;
    if (mode == "reflect" && (pads[dim] >= data.shape()[dim] || pads[rank + dim] >= data.shape()[dim]))
      return ctx.emitError() << "reflect pads of dim " << dim << " must be smaller than its size " << data.shape()[dim];
  }

  // Each result element maps back to a source coordinate; constant mode reads the pad value outside the source,
  // edge clamps, reflect mirrors without repeating the border.
  MLIRContext *context = ctx.context();
  AffineMap maps[] = {AffineMap::get(rank, 0, {}, context), AffineMap::getMultiDimIdentityMap(rank, context)};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  Value source = data.value;
  Value result = buildGeneric(
      b, {padValue.value}, emptyTensor(b, shape, elementType), maps, iterators,
      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        auto index = [&](int64_t value) { return arith::ConstantIndexOp::create(nested, loc, value); };
        Value inside = arith::ConstantOp::create(nested, loc, nested.getBoolAttr(true));
        SmallVector<Value> coords;
        for (int64_t dim = 0; dim < rank; ++dim) {
          Value coord = arith::SubIOp::create(nested, loc, linalg::IndexOp::create(nested, loc, dim), index(pads[dim]));
          Value last = index(std::max<int64_t>(data.shape()[dim] - 1, 0));
          Value zero = index(0);
          if (mode == "reflect") {
            coord = arith::SelectOp::create(nested, loc,
                                            arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::slt, coord, zero),
                                            arith::SubIOp::create(nested, loc, zero, coord), coord);
            coord = arith::SelectOp::create(
                nested, loc, arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::sgt, coord, last),
                arith::SubIOp::create(nested, loc, index(2 * (data.shape()[dim] - 1)), coord), coord);
          } else {
            if (mode == "constant") {
              Value low = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::sge, coord, zero);
              Value high = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::sle, coord, last);
              inside = arith::AndIOp::create(nested, loc, inside, arith::AndIOp::create(nested, loc, low, high));
            }
            coord = arith::MaxSIOp::create(nested, loc, arith::MinSIOp::create(nested, loc, coord, last), zero);
          }
          coords.push_back(coord);
        }
        if (data.type().getNumElements() == 0)
          return args[0];
        Value element = tensor::ExtractOp::create(nested, loc, source, coords);
        if (mode != "constant")
          return element;
        return arith::SelectOp::create(nested, loc, inside, element, args[0]);
      });
  ctx.setOutput(0, {result, data.dtype});
  return success();
}

LogicalResult convertSize(NodeContext &ctx) {
  auto type = RankedTensorType::get({}, ctx.builder().getI64Type());
  setConstantOutput(ctx, 0, DenseElementsAttr::get(type, ctx.input(0).type().getNumElements()), kInt64);
  return success();
}

LogicalResult convertTile(NodeContext &ctx) {
  OnnxValue data = ctx.input(0);
  FailureOr<SmallVector<int64_t>> repeats = ctx.constantIntsInput(1, "repeats");
  if (failed(repeats))
    return failure();
  if (static_cast<int64_t>(repeats->size()) != data.rank())
    return ctx.emitError() << "repeats has " << repeats->size() << " entries; the input has rank " << data.rank();
  MLIRContext *context = ctx.context();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> exprs;
  for (auto [dim, size] : llvm::enumerate(data.shape())) {
    if ((*repeats)[dim] < 0)
      return ctx.emitError() << "repeats must not be negative";
    shape.push_back(size * (*repeats)[dim]);
    AffineExpr expr = getAffineDimExpr(dim, context);
    exprs.push_back(size == 1 ? getAffineConstantExpr(0, context) : (*repeats)[dim] == 1 ? expr : expr % size);
  }
  AffineMap map = AffineMap::get(data.rank(), 0, exprs, context);
  ctx.setOutput(0, {copyThroughMap(ctx.builder(), data.value, map, shape), data.dtype});
  return success();
}

LogicalResult convertSplit(NodeContext &ctx) {
  OnnxValue data = ctx.input(0);
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", 0), data.rank(), "axis");
  if (failed(axis))
    return failure();
  int64_t size = data.shape()[*axis], count = ctx.numOutputs();
  SmallVector<int64_t> parts;
  if (ctx.opset() < 13) {
    parts = ctx.intsAttribute("split").value_or(SmallVector<int64_t>{});
  } else if (ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> values = ctx.constantIntsInput(1, "split");
    if (failed(values))
      return failure();
    parts = *values;
  }
  if (parts.empty()) {
    if (size % count != 0)
      return ctx.emitError() << "dim " << *axis << " of size " << size << " does not split into " << count
                             << " equal parts; give split";
    parts.assign(count, size / count);
  }
  if (static_cast<int64_t>(parts.size()) != count || product(parts) < 0 ||
      std::accumulate(parts.begin(), parts.end(), int64_t(0)) != size)
    return ctx.emitError() << "split must give one non-negative size per output, summing to " << size;
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  SmallVector<int64_t> offsets(data.rank(), 0), sizes(data.shape()), strides(data.rank(), 1);
  for (int64_t i = 0; i < count; ++i) {
    sizes[*axis] = parts[i];
    if (ctx.hasOutput(i) && !setIfEmpty(ctx, i, sizes, data))
      ctx.setOutput(i, {tensor::ExtractSliceOp::create(b, data.value, getAsIndexOpFoldResult(context, offsets),
                                                       getAsIndexOpFoldResult(context, sizes),
                                                       getAsIndexOpFoldResult(context, strides)),
                        data.dtype});
    offsets[*axis] += parts[i];
  }
  return success();
}

LogicalResult convertGatherElements(NodeContext &ctx) {
  OnnxValue data = ctx.input(0), indices = ctx.input(1);
  if (failed(ctx.requireDType(1, {kInt32, kInt64})))
    return failure();
  if (data.rank() != indices.rank() || data.rank() == 0)
    return ctx.emitError() << "data and indices must have the same rank, 1 or more";
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", 0), data.rank(), "axis");
  if (failed(axis))
    return failure();
  int64_t rank = data.rank(), axisSize = data.shape()[*axis], gatherAxis = *axis;
  Value source = data.value;
  ImplicitLocOpBuilder &b = ctx.builder();
  // Result element (i...) reads data at (i...) with the axis coordinate replaced by indices[i...].
  Value result = buildElementwise(
      b, {indices.value}, indices.shape(), data.type().getElementType(),
      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        Value index = wrapNegativeIndex(
            nested, loc, arith::IndexCastOp::create(nested, loc, nested.getIndexType(), args[0]), axisSize);
        SmallVector<Value> coords;
        for (int64_t dim = 0; dim < rank; ++dim)
          coords.push_back(dim == gatherAxis ? index : Value(linalg::IndexOp::create(nested, loc, dim)));
        return tensor::ExtractOp::create(nested, loc, source, coords);
      });
  ctx.setOutput(0, {result, data.dtype});
  return success();
}

LogicalResult convertGatherND(NodeContext &ctx) {
  OnnxValue data = ctx.input(0), indices = ctx.input(1);
  if (failed(ctx.requireDType(1, {kInt64})))
    return failure();
  int64_t batchDims = ctx.intAttribute("batch_dims", 0), dataRank = data.rank(), indexRank = indices.rank();
  if (indexRank < 1 || batchDims < 0 || batchDims >= std::min(dataRank, indexRank))
    return ctx.emitError() << "batch_dims " << batchDims << " must be below the ranks of data (" << dataRank
                           << ") and indices (" << indexRank << "), which must be 1 or more";
  if (data.shape().take_front(batchDims) != indices.shape().take_front(batchDims))
    return ctx.emitError() << "data and indices must agree in the leading batch_dims dims";
  int64_t depth = indices.shape().back();
  if (depth < 1 || batchDims + depth > dataRank)
    return ctx.emitError() << "the last dim of indices (" << depth << ") must be between 1 and the rank of data "
                           << "minus batch_dims (" << dataRank - batchDims << ")";
  // Result coords: the leading indices dims (batch dims first), then the data dims the tuples do not address.
  SmallVector<int64_t> shape(indices.shape().drop_back());
  llvm::append_range(shape, data.shape().drop_front(batchDims + depth));
  int64_t rank = shape.size(), leading = indexRank - 1;
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  Value source = data.value, tuples = indices.value;
  ArrayRef<int64_t> dataShape = data.shape();
  Value result = buildGeneric(b, {}, emptyTensor(b, shape, data.type().getElementType()),
                              {AffineMap::getMultiDimIdentityMap(rank, context)}, iterators,
                              [&](OpBuilder &nested, Location loc, ValueRange) -> Value {
                                SmallVector<Value> tupleCoords, coords;
                                for (int64_t dim = 0; dim < leading; ++dim)
                                  tupleCoords.push_back(linalg::IndexOp::create(nested, loc, dim));
                                coords.append(tupleCoords.begin(), tupleCoords.begin() + batchDims);
                                tupleCoords.push_back(nullptr);
                                for (int64_t j = 0; j < depth; ++j) {
                                  tupleCoords.back() = arith::ConstantIndexOp::create(nested, loc, j);
                                  Value index = tensor::ExtractOp::create(nested, loc, tuples, tupleCoords);
                                  index = arith::IndexCastOp::create(nested, loc, nested.getIndexType(), index);
                                  coords.push_back(wrapNegativeIndex(nested, loc, index, dataShape[batchDims + j]));
                                }
                                for (int64_t dim = leading; dim < rank; ++dim)
                                  coords.push_back(linalg::IndexOp::create(nested, loc, dim));
                                return tensor::ExtractOp::create(nested, loc, source, coords);
                              });
  ctx.setOutput(0, {result, data.dtype});
  return success();
}

LogicalResult convertSpaceDepth(NodeContext &ctx) {
  OnnxValue data = ctx.input(0);
  if (data.rank() != 4)
    return ctx.emitError() << "the input must be N x C x H x W";
  int64_t block = ctx.intAttribute("blocksize", 0);
  if (block <= 0)
    return ctx.emitError() << "blocksize must be positive";
  int64_t n = data.shape()[0], c = data.shape()[1], h = data.shape()[2], w = data.shape()[3];
  ImplicitLocOpBuilder &b = ctx.builder();
  SmallVector<int64_t> split, permutation, merged;
  if (ctx.opType() == "SpaceToDepth") {
    if (h % block || w % block)
      return ctx.emitError() << "H and W must be multiples of blocksize " << block;
    split = {n, c, h / block, block, w / block, block};
    permutation = {0, 3, 5, 1, 2, 4};
    merged = {n, c * block * block, h / block, w / block};
  } else {
    if (c % (block * block))
      return ctx.emitError() << "C must be a multiple of blocksize squared (" << block * block << ")";
    std::string mode = ctx.stringAttribute("mode", "DCR");
    if (mode != "DCR" && mode != "CRD")
      return ctx.emitError() << "mode '" << mode << "' is not supported; supported: DCR, CRD";
    int64_t depth = c / (block * block);
    // DCR orders the input channels (block row, block column, depth); CRD orders them (depth, row, column).
    if (mode == "DCR") {
      split = {n, block, block, depth, h, w};
      permutation = {0, 3, 4, 1, 5, 2};
    } else {
      split = {n, depth, block, block, h, w};
      permutation = {0, 1, 4, 2, 5, 3};
    }
    merged = {n, depth, h * block, w * block};
  }
  Value result = transposeTensor(b, reshapeTensor(b, data.value, split), permutation);
  ctx.setOutput(0, {reshapeTensor(b, result, merged), data.dtype});
  return success();
}

LogicalResult convertScatterElements(NodeContext &ctx) {
  OnnxValue data = ctx.input(0), indices = ctx.input(1), updates = ctx.input(2);
  if (failed(ctx.requireDType(1, {kInt32, kInt64})))
    return failure();
  if (data.rank() == 0 || indices.rank() != data.rank() || indices.shape() != updates.shape())
    return ctx.emitError() << "data, indices and updates must have the same rank, 1 or more, and indices and "
                           << "updates the same shape";
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", 0), data.rank(), "axis");
  FailureOr<std::optional<BinaryKind>> reduction = scatterReduction(ctx);
  if (failed(axis) || failed(reduction))
    return failure();
  int64_t rank = data.rank(), axisSize = data.shape()[*axis], scatterAxis = *axis;
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  // Update (u...) lands on (u...) with the axis coordinate replaced by indices[u...].
  AffineMap updatesMap = AffineMap::getMultiDimIdentityMap(2 * rank, context).getSliceMap(rank, rank);
  Value indexTensor = indices.value;
  Value result = buildScatter(
      b, data, updates.value, updatesMap, updates.shape(), *reduction, [&](OpBuilder &nested, Location loc) -> Value {
        SmallVector<Value> updateCoords;
        for (int64_t dim = 0; dim < rank; ++dim)
          updateCoords.push_back(linalg::IndexOp::create(nested, loc, rank + dim));
        Value index = tensor::ExtractOp::create(nested, loc, indexTensor, updateCoords);
        index = wrapNegativeIndex(nested, loc, arith::IndexCastOp::create(nested, loc, nested.getIndexType(), index),
                                  axisSize);
        Value match;
        for (int64_t dim = 0; dim < rank; ++dim)
          match = andEqual(nested, loc, match, linalg::IndexOp::create(nested, loc, dim),
                           dim == scatterAxis ? index : updateCoords[dim]);
        return match;
      });
  ctx.setOutput(0, {result, data.dtype});
  return success();
}

LogicalResult convertScatterND(NodeContext &ctx) {
  OnnxValue data = ctx.input(0), indices = ctx.input(1), updates = ctx.input(2);
  if (failed(ctx.requireDType(1, {kInt64})))
    return failure();
  FailureOr<std::optional<BinaryKind>> reduction = scatterReduction(ctx);
  if (failed(reduction))
    return failure();
  int64_t rank = data.rank(), indexRank = indices.rank();
  int64_t depth = indexRank ? indices.shape().back() : 0;
  if (indexRank < 1 || depth < 1 || depth > rank)
    return ctx.emitError() << "indices must have rank 1 or more and a last dim between 1 and the rank of data (" << rank
                           << ")";
  SmallVector<int64_t> updateShape(indices.shape().drop_back());
  llvm::append_range(updateShape, data.shape().drop_front(depth));
  if (updates.shape() != ArrayRef<int64_t>(updateShape))
    return ctx.emitError() << "updates must have shape indices.shape[:-1] + data.shape[" << depth << ":]";
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  // Iteration dims: the output's (d...), then the tuples' leading dims (i...). Update (i..., d[depth:]...) lands
  // on (indices[i...], d[depth:]...).
  int64_t leading = indexRank - 1;
  SmallVector<AffineExpr> updateExprs;
  for (int64_t dim = 0; dim < leading; ++dim)
    updateExprs.push_back(getAffineDimExpr(rank + dim, context));
  for (int64_t dim = depth; dim < rank; ++dim)
    updateExprs.push_back(getAffineDimExpr(dim, context));
  AffineMap updatesMap = AffineMap::get(rank + leading, 0, updateExprs, context);
  Value tuples = indices.value;
  ArrayRef<int64_t> dataShape = data.shape();
  Value result = buildScatter(
      b, data, updates.value, updatesMap, indices.shape().drop_back(), *reduction,
      [&](OpBuilder &nested, Location loc) -> Value {
        SmallVector<Value> tupleCoords;
        for (int64_t dim = 0; dim < leading; ++dim)
          tupleCoords.push_back(linalg::IndexOp::create(nested, loc, rank + dim));
        tupleCoords.push_back(nullptr);
        Value match;
        for (int64_t j = 0; j < depth; ++j) {
          tupleCoords.back() = arith::ConstantIndexOp::create(nested, loc, j);
          Value index = tensor::ExtractOp::create(nested, loc, tuples, tupleCoords);
          index = wrapNegativeIndex(nested, loc, arith::IndexCastOp::create(nested, loc, nested.getIndexType(), index),
                                    dataShape[j]);
          match = andEqual(nested, loc, match, linalg::IndexOp::create(nested, loc, j), index);
        }
        return match;
      });
  ctx.setOutput(0, {result, data.dtype});
  return success();
}

LogicalResult convertCompress(NodeContext &ctx) {
  OnnxValue input = ctx.input(0);
  // The output's length is the number of true conditions, so the condition must be known at compile time.
  FailureOr<DenseElementsAttr> condition = ctx.constantInput(1, "condition");
  if (failed(condition))
    return failure();
  ImplicitLocOpBuilder &b = ctx.builder();
  int64_t axis = 0;
  if (ctx.hasAttribute("axis")) {
    FailureOr<int64_t> normalized = ctx.normalizeAxis(ctx.intAttribute("axis", 0), input.rank(), "axis");
    if (failed(normalized))
      return failure();
    axis = *normalized;
  } else {
    input = {reshapeTensor(b, input.value, {input.type().getNumElements()}), input.dtype};
  }
  SmallVector<int64_t> selected;
  for (auto [position, keep] : llvm::enumerate(condition->getValues<bool>()))
    if (keep && static_cast<int64_t>(position) < input.shape()[axis])
      selected.push_back(position);
  if (selected.empty())
    return ctx.emitError() << "the condition selects no element; empty tensors are not supported";
  auto indicesType = RankedTensorType::get({static_cast<int64_t>(selected.size())}, b.getI64Type());
  OnnxValue indices{arith::ConstantOp::create(b, DenseElementsAttr::get(indicesType, ArrayRef(selected))), kInt64};
  FailureOr<SmallVector<OnnxValue>> gathered = ctx.convertOp("Gather", {input, indices}, 1, {{"axis", axis}});
  if (failed(gathered))
    return failure();
  ctx.setOutput(0, gathered->front());
  return success();
}

LogicalResult convertReverseSequence(NodeContext &ctx) {
  OnnxValue x = ctx.input(0), lengths = ctx.input(1);
  if (failed(ctx.requireDType(1, {kInt32, kInt64})))
    return failure();
  int64_t batchAxis = ctx.intAttribute("batch_axis", 1), timeAxis = ctx.intAttribute("time_axis", 0);
  if (x.rank() < 2 || batchAxis < 0 || batchAxis > 1 || timeAxis < 0 || timeAxis > 1 || batchAxis == timeAxis)
    return ctx.emitError() << "the input must have rank 2 or more and batch_axis, time_axis must be 0 and 1 in "
                           << "either order";
  if (lengths.rank() != 1 || lengths.shape()[0] != x.shape()[batchAxis])
    return ctx.emitError() << "sequence_lens must be 1-D with one length per batch entry (" << x.shape()[batchAxis]
                           << ")";
  ImplicitLocOpBuilder &b = ctx.builder();
  Value source = x.value, lengthTensor = lengths.value;
  int64_t rank = x.rank();
  // Element (.., t, ..) of batch entry n reads time len[n] - 1 - t while t < len[n], else itself.
  Value result = buildGeneric(
      b, {}, emptyTensor(b, x.shape(), x.type().getElementType()),
      {AffineMap::getMultiDimIdentityMap(rank, ctx.context())},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nested, Location loc, ValueRange) -> Value {
        SmallVector<Value> coords;
        for (int64_t dim = 0; dim < rank; ++dim)
          coords.push_back(linalg::IndexOp::create(nested, loc, dim));
        Value length = arith::IndexCastOp::create(
            nested, loc, nested.getIndexType(),
            tensor::ExtractOp::create(nested, loc, lengthTensor, ValueRange{coords[batchAxis]}));
        Value time = coords[timeAxis];
        Value reversed = arith::SubIOp::create(
            nested, loc, arith::SubIOp::create(nested, loc, length, arith::ConstantIndexOp::create(nested, loc, 1)),
            time);
        Value inside = arith::CmpIOp::create(nested, loc, arith::CmpIPredicate::slt, time, length);
        coords[timeAxis] = arith::SelectOp::create(nested, loc, inside, reversed, time);
        return tensor::ExtractOp::create(nested, loc, source, coords);
      });
  ctx.setOutput(0, {result, x.dtype});
  return success();
}

} // namespace het::frontend
