// ONNX ops whose output shapes depend on the input's values (NonZero, Unique, NonMaxSuppression). Kernels have
// static shapes, so these take constant inputs (initializers, or graph inputs bound with --input-constant) and
// fold to constants.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>

using namespace mlir;

namespace het::frontend {

namespace {

void setConstantOutput(NodeContext &ctx, unsigned index, DenseElementsAttr value, int32_t dtype) {
  ctx.setOutput(index, {arith::ConstantOp::create(ctx.builder(), value), dtype});
}

DenseElementsAttr int64Attr(MLIRContext *context, ArrayRef<int64_t> shape, ArrayRef<int64_t> values) {
  return DenseElementsAttr::get(RankedTensorType::get(shape, IntegerType::get(context, 64)), values);
}

/// Orders two elements of one tensor by value: floats by IEEE order, integers by the ONNX dtype's signedness.
bool lessThan(Attribute lhs, Attribute rhs, int32_t dtype) {
  if (auto floating = dyn_cast<FloatAttr>(lhs))
    return floating.getValue() < cast<FloatAttr>(rhs).getValue();
  const APInt &a = cast<IntegerAttr>(lhs).getValue(), &b = cast<IntegerAttr>(rhs).getValue();
  return isUnsignedDType(dtype) || dtype == kBool ? a.ult(b) : a.slt(b);
}

/// A float scalar input given as a constant, or `defaultValue` when the optional input is left out.
FailureOr<double> optionalScalarInput(NodeContext &ctx, unsigned index, StringRef what, double defaultValue) {
  if (!ctx.hasInput(index))
    return defaultValue;
  FailureOr<DenseElementsAttr> value = ctx.constantInput(index, what);
  if (failed(value))
    return failure();
  if (value->getNumElements() != 1)
    return ctx.emitError() << "input " << index << " (" << what << ") must hold one value";
  Attribute element = *value->value_begin<Attribute>();
  if (auto floating = dyn_cast<FloatAttr>(element))
    return floating.getValueAsDouble();
  return static_cast<double>(cast<IntegerAttr>(element).getValue().getSExtValue());
}

/// Intersection over union of two boxes given as corners (y1, x1, y2, x2) in either diagonal order.
double intersectionOverUnion(ArrayRef<double> a, ArrayRef<double> b) {
  auto extent = [](double low, double high) { return std::max(0.0, high - low); };
  double aLowY = std::min(a[0], a[2]), aHighY = std::max(a[0], a[2]), aLowX = std::min(a[1], a[3]);
  double aHighX = std::max(a[1], a[3]), bLowY = std::min(b[0], b[2]), bHighY = std::max(b[0], b[2]);
  double bLowX = std::min(b[1], b[3]), bHighX = std::max(b[1], b[3]);
  double intersection = extent(std::max(aLowY, bLowY), std::min(aHighY, bHighY)) *
                        extent(std::max(aLowX, bLowX), std::min(aHighX, bHighX));
  double unionArea = (aHighY - aLowY) * (aHighX - aLowX) + (bHighY - bLowY) * (bHighX - bLowX) - intersection;
  return unionArea > 0 ? intersection / unionArea : 0;
}

} // namespace

LogicalResult convertNonMaxSuppression(NodeContext &ctx) {
  FailureOr<DenseElementsAttr> boxes = ctx.constantInput(0, "boxes");
  if (failed(boxes))
    return failure();
  FailureOr<DenseElementsAttr> scores = ctx.constantInput(1, "scores");
  if (failed(scores))
    return failure();
  FailureOr<double> maxPerClass = optionalScalarInput(ctx, 2, "max_output_boxes_per_class", 0);
  FailureOr<double> iouThreshold = optionalScalarInput(ctx, 3, "iou_threshold", 0);
  FailureOr<double> scoreThreshold =
      optionalScalarInput(ctx, 4, "score_threshold", -std::numeric_limits<double>::infinity());
  if (failed(maxPerClass) || failed(iouThreshold) || failed(scoreThreshold))
    return failure();
  ArrayRef<int64_t> boxShape = boxes->getType().getShape(), scoreShape = scores->getType().getShape();
  if (boxShape.size() != 3 || boxShape[2] != 4 || scoreShape.size() != 3 || scoreShape[0] != boxShape[0] ||
      scoreShape[2] != boxShape[1])
    return ctx.emitError() << "boxes must be [batches, boxes, 4] and scores [batches, classes, boxes]";
  bool centered = ctx.intAttribute("center_point_box", 0);
  SmallVector<double> boxValues =
      llvm::map_to_vector(boxes->getValues<APFloat>(), [](const APFloat &value) { return value.convertToDouble(); });
  SmallVector<double> scoreValues =
      llvm::map_to_vector(scores->getValues<APFloat>(), [](const APFloat &value) { return value.convertToDouble(); });
  int64_t batches = boxShape[0], count = boxShape[1], classes = scoreShape[1];
  // Every box as corners (y1, x1, y2, x2); center_point_box = 1 gives (x center, y center, width, height).
  SmallVector<std::array<double, 4>> corners;
  for (int64_t box = 0; box < batches * count; ++box) {
    const double *v = &boxValues[box * 4];
    if (centered)
      corners.push_back({v[1] - v[3] / 2, v[0] - v[2] / 2, v[1] + v[3] / 2, v[0] + v[2] / 2});
    else
      corners.push_back({v[0], v[1], v[2], v[3]});
  }
  // Per batch and class: the boxes above the score threshold by descending score, each kept unless it overlaps a
  // kept one by more than the IoU threshold, up to max_output_boxes_per_class.
  SmallVector<int64_t> selected;
  for (int64_t batch = 0; batch < batches; ++batch) {
    for (int64_t cls = 0; cls < classes; ++cls) {
      const double *classScores = &scoreValues[(batch * classes + cls) * count];
      SmallVector<int64_t> order;
      for (int64_t box = 0; box < count; ++box)
        if (classScores[box] > *scoreThreshold)
          order.push_back(box);
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t lhs, int64_t rhs) { return classScores[lhs] > classScores[rhs]; });
      SmallVector<int64_t> kept;
      for (int64_t box : order) {
        if (static_cast<double>(kept.size()) >= *maxPerClass)
          break;
        if (llvm::any_of(kept, [&](int64_t other) {
              return intersectionOverUnion(corners[batch * count + box], corners[batch * count + other]) >
                     *iouThreshold;
            }))
          continue;
        kept.push_back(box);
        selected.append({batch, cls, box});
      }
    }
  }
  int64_t numSelected = selected.size() / 3;
  ImplicitLocOpBuilder &b = ctx.builder();
  Value result = numSelected ? Value(arith::ConstantOp::create(b, int64Attr(ctx.context(), {numSelected, 3}, selected)))
                             : emptyConstant(b, {0, 3}, b.getI64Type());
  ctx.setOutput(0, {result, kInt64});
  return success();
}

LogicalResult convertNonZero(NodeContext &ctx) {
  FailureOr<DenseElementsAttr> x = ctx.constantInput(0, "X");
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = x->getType().getShape();
  int64_t rank = shape.size();
  SmallVector<SmallVector<int64_t>> coords(std::max<int64_t>(rank, 1));
  SmallVector<int64_t> position(rank, 0);
  for (Attribute element : x->getValues<Attribute>()) {
    bool nonzero = isa<FloatAttr>(element) ? !cast<FloatAttr>(element).getValue().isZero()
                                           : !cast<IntegerAttr>(element).getValue().isZero();
    if (nonzero) {
      for (int64_t dim = 0; dim < rank; ++dim)
        coords[dim].push_back(position[dim]);
      if (rank == 0)
        coords[0].push_back(0);
    }
    for (int64_t dim = rank - 1; dim >= 0 && ++position[dim] == shape[dim]; --dim)
      position[dim] = 0;
  }
  int64_t count = coords[0].size();
  if (count == 0)
    return ctx.emitError() << "the input has no nonzero element; empty tensors are not supported";
  SmallVector<int64_t> flat;
  for (int64_t dim = 0; dim < rank; ++dim)
    llvm::append_range(flat, coords[dim]);
  setConstantOutput(ctx, 0, int64Attr(ctx.context(), {rank, count}, flat), kInt64);
  return success();
}

LogicalResult convertUnique(NodeContext &ctx) {
  FailureOr<DenseElementsAttr> x = ctx.constantInput(0, "X");
  if (failed(x))
    return failure();
  int32_t dtype = ctx.input(0).dtype;
  SmallVector<int64_t> shape(x->getType().getShape());
  // Without an axis, the flattened elements are the slices.
  if (!ctx.hasAttribute("axis"))
    shape = {x->getNumElements()};
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", 0), shape.size(), "axis");
  if (failed(axis))
    return failure();
  // Slice p holds the elements whose coordinate along the axis is p, in row-major order.
  int64_t slices = shape[*axis];
  int64_t inner = std::accumulate(shape.begin() + *axis + 1, shape.end(), int64_t{1}, std::multiplies<>());
  int64_t outer = std::accumulate(shape.begin(), shape.begin() + *axis, int64_t{1}, std::multiplies<>());
  SmallVector<Attribute> elements(x->getValues<Attribute>());
  auto element = [&](int64_t slice, int64_t k) { return elements[(k / inner * slices + slice) * inner + k % inner]; };
  int64_t sliceSize = outer * inner;
  auto sliceLess = [&](int64_t lhs, int64_t rhs) {
    for (int64_t k = 0; k < sliceSize; ++k) {
      if (lessThan(element(lhs, k), element(rhs, k), dtype))
        return true;
      if (lessThan(element(rhs, k), element(lhs, k), dtype))
        return false;
    }
    return false;
  };
  auto sliceEqual = [&](int64_t lhs, int64_t rhs) { return !sliceLess(lhs, rhs) && !sliceLess(rhs, lhs); };
  // The first occurrence of each distinct slice, in order of appearance, then sorted when asked.
  SmallVector<int64_t> firsts;
  for (int64_t slice = 0; slice < slices; ++slice)
    if (llvm::none_of(firsts, [&](int64_t first) { return sliceEqual(first, slice); }))
      firsts.push_back(slice);
  if (ctx.intAttribute("sorted", 1))
    std::stable_sort(firsts.begin(), firsts.end(), sliceLess);
  int64_t count = firsts.size();
  SmallVector<int64_t> inverse, counts(count, 0);
  for (int64_t slice = 0; slice < slices; ++slice) {
    int64_t unique = llvm::find_if(firsts, [&](int64_t first) { return sliceEqual(first, slice); }) - firsts.begin();
    inverse.push_back(unique);
    ++counts[unique];
  }
  SmallVector<int64_t> uniqueShape(shape);
  uniqueShape[*axis] = count;
  SmallVector<Attribute> values;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t first : firsts)
      for (int64_t i = 0; i < inner; ++i)
        values.push_back(element(first, o * inner + i));
  auto type = RankedTensorType::get(uniqueShape, x->getElementType());
  setConstantOutput(ctx, 0, DenseElementsAttr::get(type, values), dtype);
  setConstantOutput(ctx, 1, int64Attr(ctx.context(), {count}, firsts), kInt64);
  setConstantOutput(ctx, 2, int64Attr(ctx.context(), {slices}, inverse), kInt64);
  setConstantOutput(ctx, 3, int64Attr(ctx.context(), {count}, counts), kInt64);
  return success();
}

} // namespace het::frontend
