// ONNX resampling: Resize (nearest, linear, cubic; every coordinate transformation mode) and Upsample, as one
// gather-and-weigh linalg.generic per resized axis whose source indices and weights are computed at compile time;
// GridSample and RoiAlign, whose sampling points are data, as one linalg.generic computing its taps per element.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>
#include <array>
#include <cmath>

using namespace mlir;

namespace het::frontend {

namespace {

struct ResizeOptions {
  std::string mode, coordinateMode, nearestMode;
  double cubicA = -0.75;
  bool excludeOutside = false;
};

/// What one output position of an axis reads: source indices (clamped into the input) and their weights, or
/// nothing when tf_crop_and_resize puts it outside the input (it then takes extrapolation_value).
struct AxisTaps {
  SmallVector<SmallVector<std::pair<int64_t, double>>> taps;
  SmallVector<bool> outside;
  int64_t inputSize = 0;

  bool isIdentity() const {
    if (static_cast<int64_t>(taps.size()) != inputSize)
      return false;
    for (auto [o, row] : llvm::enumerate(taps))
      if (outside[o] || row.size() != 1 || row[0].first != static_cast<int64_t>(o) || row[0].second != 1)
        return false;
    return true;
  }
  /// Whether every position reads one element unweighted, as nearest does: no arithmetic on the element type.
  bool isSelection() const {
    return llvm::all_of(taps, [](const auto &row) { return row.size() == 1 && row[0].second == 1; });
  }
};

SmallVector<double> coefficients(const ResizeOptions &options, double ratio) {
  if (options.mode == "nearest") {
    if (ratio == 1)
      return {0, 1};
    bool right = options.nearestMode == "round_prefer_ceil" ? ratio >= 0.5
                 : options.nearestMode == "floor"           ? false
                 : options.nearestMode == "ceil"            ? true
                                                            : ratio > 0.5;
    return {right ? 0.0 : 1.0, right ? 1.0 : 0.0};
  }
  if (options.mode == "linear")
    return {1 - ratio, ratio};
  double a = options.cubicA, r = ratio + 1, s = 2 - ratio;
  return {((a * r - 5 * a) * r + 8 * a) * r - 4 * a, ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
          ((a + 2) * (1 - ratio) - (a + 3)) * (1 - ratio) * (1 - ratio) + 1, ((a * s - 5 * a) * s + 8 * a) * s - 4 * a};
}

/// The taps of one axis, following the ONNX reference: the source coordinate by the transformation mode, then the
/// coefficients' count of nearest neighbours (smaller index first on ties) of an edge-padded input.
AxisTaps axisTaps(const ResizeOptions &options, int64_t inputSize, int64_t outputSize, double scale, double roiStart,
                  double roiEnd) {
  AxisTaps result;
  result.inputSize = inputSize;
  double outputWidth = scale * inputSize;
  const std::string &mode = options.coordinateMode;
  for (int64_t x = 0; x < outputSize; ++x) {
    double source;
    if (mode == "align_corners")
      source = outputWidth == 1 ? 0 : x * (inputSize - 1) / (outputWidth - 1);
    else if (mode == "asymmetric")
      source = x / scale;
    else if (mode == "tf_half_pixel_for_nn")
      source = (x + 0.5) / scale;
    else if (mode == "pytorch_half_pixel")
      source = outputWidth == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    else if (mode == "tf_crop_and_resize")
      source = (outputWidth == 1 ? (roiEnd - roiStart) * (inputSize - 1) / 2
                                 : x * (roiEnd - roiStart) * (inputSize - 1) / (outputWidth - 1)) +
               roiStart * (inputSize - 1);
    else
      source = (x + 0.5) / scale - 0.5;
    if (mode == "tf_crop_and_resize" && (source < 0 || source > inputSize - 1)) {
      result.taps.emplace_back();
      result.outside.push_back(true);
      continue;
    }
    double floorSource = std::floor(source);
    SmallVector<double> coeffs = coefficients(options, source == floorSource ? 1 : source - floorSource);
    int64_t count = coeffs.size(), pad = (count + 1) / 2, limit = inputSize + 2 * pad;
    double padded = source + pad;
    SmallVector<int64_t> candidates;
    for (int64_t i = static_cast<int64_t>(floorSource) + pad - count; i <= floorSource + pad + count; ++i)
      if (i >= 0 && i < limit)
        candidates.push_back(i);
    llvm::sort(candidates, [&](int64_t lhs, int64_t rhs) {
      return std::abs(padded - lhs) < std::abs(padded - rhs) ||
             (std::abs(padded - lhs) == std::abs(padded - rhs) && lhs < rhs);
    });
    candidates.resize(std::min<size_t>(candidates.size(), count));
    llvm::sort(candidates);
    if (options.excludeOutside) {
      double sum = 0;
      for (auto [i, index] : llvm::enumerate(candidates)) {
        if (index - pad < 0 || index - pad >= inputSize)
          coeffs[i] = 0;
        sum += coeffs[i];
      }
      for (double &coeff : coeffs)
        coeff /= sum;
    }
    SmallVector<std::pair<int64_t, double>> row;
    for (auto [i, index] : llvm::enumerate(candidates)) {
      if (coeffs[i] == 0)
        continue;
      int64_t clamped = std::clamp<int64_t>(index - pad, 0, inputSize - 1);
      auto same = llvm::find_if(row, [&](const auto &tap) { return tap.first == clamped; });
      if (same != row.end())
        same->second += coeffs[i];
      else
        row.push_back({clamped, coeffs[i]});
    }
    result.taps.push_back(std::move(row));
    result.outside.push_back(false);
  }
  return result;
}

/// Resamples `input` along `axis` as `taps` say; positions outside the input take `extrapolation`.
Value resampleAxis(ImplicitLocOpBuilder &b, Value input, int64_t axis, const AxisTaps &taps, double extrapolation) {
  MLIRContext *context = b.getContext();
  auto inputType = cast<RankedTensorType>(input.getType());
  Type elementType = inputType.getElementType();
  int64_t rank = inputType.getRank(), outputSize = taps.taps.size();
  SmallVector<int64_t> shape(inputType.getShape());
  shape[axis] = outputSize;
  bool selection = taps.isSelection();
  int64_t width = 1;
  for (const auto &row : taps.taps)
    width = std::max<int64_t>(width, row.size());
  // Index and weight tables: outputSize x width, rows shorter than width padded with weight 0 at index 0.
  SmallVector<double> indices, weights;
  for (const auto &row : taps.taps)
    for (int64_t k = 0; k < width; ++k) {
      indices.push_back(k < static_cast<int64_t>(row.size()) ? row[k].first : 0);
      weights.push_back(k < static_cast<int64_t>(row.size()) ? row[k].second : 0);
    }
  Type indexType = b.getI64Type();
  auto readSource = [&, rank](OpBuilder &nested, Location loc, Value index) -> Value {
    SmallVector<Value> coords;
    for (int64_t dim = 0; dim < rank; ++dim)
      coords.push_back(dim == axis ? arith::IndexCastOp::create(nested, loc, nested.getIndexType(), index)
                                   : Value(linalg::IndexOp::create(nested, loc, dim)));
    return tensor::ExtractOp::create(nested, loc, input, coords);
  };
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, context);
  Value result;
  if (selection) {
    Value table = denseConstant(b, {outputSize}, indexType, indices);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    result = buildGeneric(
        b, {table}, emptyTensor(b, shape, elementType),
        {AffineMap::get(rank, 0, getAffineDimExpr(axis, context)), identity}, iterators,
        [&](OpBuilder &nested, Location loc, ValueRange args) { return readSource(nested, loc, args[0]); });
  } else {
    // Loop dims: the output's, then the tap.
    Value indexTable = denseConstant(b, {outputSize, width}, indexType, indices);
    Value weightTable = denseConstant(b, {outputSize, width}, elementType, weights);
    AffineMap tableMap =
        AffineMap::get(rank + 1, 0, {getAffineDimExpr(axis, context), getAffineDimExpr(rank, context)}, context);
    SmallVector<AffineExpr> outputExprs;
    for (int64_t dim = 0; dim < rank; ++dim)
      outputExprs.push_back(getAffineDimExpr(dim, context));
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    result = buildGeneric(b, {indexTable, weightTable},
                          filledTensor(b, shape, scalarConstant(b, b.getLoc(), elementType, 0)),
                          {tableMap, tableMap, AffineMap::get(rank + 1, 0, outputExprs, context)}, iterators,
                          [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                            Value element = readSource(nested, loc, args[0]);
                            Value weighted = arith::MulFOp::create(nested, loc, element, args[1]);
                            return arith::AddFOp::create(nested, loc, args[2], weighted);
                          });
  }
  if (llvm::none_of(taps.outside, [](bool outside) { return outside; }))
    return result;
  SmallVector<double> mask(taps.outside.begin(), taps.outside.end());
  Value maskTable = denseConstant(b, {outputSize}, b.getI1Type(), mask);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  return buildGeneric(b, {maskTable, result}, emptyTensor(b, shape, elementType),
                      {AffineMap::get(rank, 0, getAffineDimExpr(axis, context)), identity, identity}, iterators,
                      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                        Value fill = scalarConstant(nested, loc, elementType, extrapolation);
                        return arith::SelectOp::create(nested, loc, args[0], fill, args[1]);
                      });
}

/// Resamples every axis of `x` whose taps are not the identity, innermost first as the reference does (so an
/// inner axis's extrapolated positions take part in the outer axes' interpolation).
LogicalResult emitResample(NodeContext &ctx, OnnxValue x, const ResizeOptions &options, ArrayRef<int64_t> outputShape,
                           ArrayRef<double> scales, ArrayRef<double> roi, double extrapolation) {
  int64_t rank = x.rank();
  SmallVector<AxisTaps> axes;
  for (int64_t axis = 0; axis < rank; ++axis) {
    if (outputShape[axis] <= 0)
      return ctx.emitError() << "output dim " << axis << " would be " << outputShape[axis]
                             << "; scales and sizes must give every dim at least one element";
    double roiStart = roi.empty() ? 0 : roi[axis], roiEnd = roi.empty() ? 1 : roi[rank + axis];
    axes.push_back(axisTaps(options, x.shape()[axis], outputShape[axis], scales[axis], roiStart, roiEnd));
  }
  bool floatType = isFloatDType(x.dtype);
  Value result = x.value;
  for (int64_t axis = rank - 1; axis >= 0; --axis) {
    if (axes[axis].isIdentity())
      continue;
    if (!floatType && !axes[axis].isSelection())
      return ctx.emitError() << "mode '" << options.mode << "' needs a float input; got " << dtypeName(x.dtype);
    result = resampleAxis(ctx.builder(), result, axis, axes[axis], extrapolation);
  }
  ctx.setOutput(0, {result, x.dtype});
  return success();
}

/// Reads a float list input (scales, roi); an empty tensor reads as an empty list.
FailureOr<SmallVector<double>> floatsInput(NodeContext &ctx, unsigned index, StringRef what) {
  FailureOr<DenseElementsAttr> values = ctx.constantInput(index, what);
  if (failed(values))
    return failure();
  if (!isa<FloatType>(values->getElementType()))
    return ctx.emitError() << what << " must be a float tensor";
  SmallVector<double> result;
  for (const APFloat &value : values->getValues<APFloat>())
    result.push_back(value.convertToDouble());
  return result;
}

FailureOr<ResizeOptions> readOptions(NodeContext &ctx, bool upsample) {
  ResizeOptions options;
  options.mode = ctx.stringAttribute("mode", "nearest");
  bool linear = options.mode == "linear" || (upsample && options.mode == "bilinear");
  if (options.mode != "nearest" && !linear && (upsample || options.mode != "cubic"))
    return ctx.emitError() << "mode '" << options.mode << "' is not supported; accepted: nearest, linear"
                           << (upsample ? "" : ", cubic");
  if (linear)
    options.mode = "linear";
  // Upsample and Resize-10 place pixels asymmetrically; Upsample's nearest takes the floor.
  if (upsample || ctx.opset() < 11) {
    options.coordinateMode = "asymmetric";
    options.nearestMode = upsample ? "floor" : "round_prefer_floor";
    return options;
  }
  options.coordinateMode = ctx.stringAttribute("coordinate_transformation_mode", "half_pixel");
  static const char *const kCoordinateModes[] = {"half_pixel", "pytorch_half_pixel", "align_corners",
                                                 "asymmetric", "tf_crop_and_resize", "tf_half_pixel_for_nn"};
  if (!llvm::is_contained(kCoordinateModes, options.coordinateMode) ||
      (options.coordinateMode == "tf_half_pixel_for_nn" && ctx.opset() > 11))
    return ctx.emitError() << "coordinate_transformation_mode '" << options.coordinateMode
                           << "' is not supported; accepted: half_pixel, pytorch_half_pixel, align_corners, "
                              "asymmetric, tf_crop_and_resize"
                           << (ctx.opset() == 11 ? ", tf_half_pixel_for_nn" : "");
  options.nearestMode = ctx.stringAttribute("nearest_mode", "round_prefer_floor");
  static const char *const kNearestModes[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
  if (!llvm::is_contained(kNearestModes, options.nearestMode))
    return ctx.emitError() << "nearest_mode '" << options.nearestMode
                           << "' is not supported; accepted: round_prefer_floor, round_prefer_ceil, floor, ceil";
  options.cubicA = ctx.floatAttribute("cubic_coeff_a", -0.75f);
  options.excludeOutside = ctx.intAttribute("exclude_outside", 0);
  return options;
}

} // namespace

LogicalResult convertResize(NodeContext &ctx) {
  bool upsample = ctx.opType() == "Upsample";
  FailureOr<ResizeOptions> options = readOptions(ctx, upsample);
  if (failed(options))
    return failure();
  OnnxValue x = ctx.input(0);
  int64_t rank = x.rank();
  // Where scales and sizes come from: Upsample-7's attribute, Upsample-9's and Resize-10's input 1, Resize-11's
  // inputs 2 (scales) and 3 (sizes), one of which may be left out or empty.
  SmallVector<double> scales, roi;
  SmallVector<int64_t> sizes;
  if (upsample && ctx.opset() < 9) {
    std::optional<SmallVector<float>> attribute = ctx.floatsAttribute("scales");
    if (!attribute)
      return ctx.emitError() << "the scales attribute is required";
    scales.assign(attribute->begin(), attribute->end());
  } else if (upsample || ctx.opset() < 11) {
    FailureOr<SmallVector<double>> values = floatsInput(ctx, 1, "scales");
    if (failed(values))
      return failure();
    scales = std::move(*values);
  } else {
    if (ctx.hasInput(2)) {
      FailureOr<SmallVector<double>> values = floatsInput(ctx, 2, "scales");
      if (failed(values))
        return failure();
      scales = std::move(*values);
    }
    if (ctx.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> values = ctx.constantIntsInput(3, "sizes");
      if (failed(values))
        return failure();
      sizes = std::move(*values);
    }
    if (options->coordinateMode == "tf_crop_and_resize") {
      if (!ctx.hasInput(1))
        return ctx.emitError() << "tf_crop_and_resize needs roi (input 1)";
      FailureOr<SmallVector<double>> values = floatsInput(ctx, 1, "roi");
      if (failed(values))
        return failure();
      roi = std::move(*values);
      if (static_cast<int64_t>(roi.size()) != 2 * rank)
        return ctx.emitError() << "roi must have 2 * rank (" << 2 * rank << ") entries; got " << roi.size();
    }
  }
  if (scales.empty() == sizes.empty())
    return ctx.emitError() << "exactly one of scales and sizes must be given (non-empty)";
  SmallVector<int64_t> outputShape;
  if (!scales.empty()) {
    if (static_cast<int64_t>(scales.size()) != rank)
      return ctx.emitError() << "scales must have one entry per dim of X (" << rank << "); got " << scales.size();
    for (int64_t axis = 0; axis < rank; ++axis) {
      if (!(scales[axis] > 0))
        return ctx.emitError() << "scales must be positive; entry " << axis << " is " << scales[axis];
      outputShape.push_back(static_cast<int64_t>(std::floor(scales[axis] * x.shape()[axis])));
    }
  } else {
    if (static_cast<int64_t>(sizes.size()) != rank)
      return ctx.emitError() << "sizes must have one entry per dim of X (" << rank << "); got " << sizes.size();
    outputShape = sizes;
    for (int64_t axis = 0; axis < rank; ++axis)
      scales.push_back(static_cast<double>(sizes[axis]) / x.shape()[axis]);
  }
  return emitResample(ctx, x, *options, outputShape, scales, roi, ctx.floatAttribute("extrapolation_value", 0));
}

namespace {

/// The scalar math of one GridSample output element, in the input's float type; follows PyTorch's grid_sampler,
/// which the ONNX op is defined by.
class GridSampler {
public:
  GridSampler(OpBuilder &b, Location loc, Type type, bool alignCorners, StringRef padding)
      : b(b), loc(loc), type(type), alignCorners(alignCorners), padding(padding) {}

  Value constant(double value) { return scalarConstant(b, loc, type, value); }
  Value add(Value lhs, Value rhs) { return arith::AddFOp::create(b, loc, lhs, rhs); }
  Value sub(Value lhs, Value rhs) { return arith::SubFOp::create(b, loc, lhs, rhs); }
  Value mul(Value lhs, Value rhs) { return arith::MulFOp::create(b, loc, lhs, rhs); }
  Value floor(Value value) { return math::FloorOp::create(b, loc, value); }
  Value clamp(Value value, int64_t size) {
    Value low = arith::MaximumFOp::create(b, loc, value, constant(0));
    return arith::MinimumFOp::create(b, loc, low, constant(size - 1));
  }

  /// A grid coordinate in [-1, 1] to a pixel coordinate along a dim of `size`.
  Value unnormalize(Value coordinate, int64_t size) {
    Value shifted = add(coordinate, constant(1));
    if (alignCorners)
      return mul(shifted, constant((size - 1) / 2.0));
    return mul(sub(mul(shifted, constant(size)), constant(1)), constant(0.5));
  }

  /// Border clamps into the input; reflection mirrors at the borders (pixel centres with align_corners, pixel
  /// edges without), then clamps; zeros leaves the coordinate for the taps' bounds test.
  Value pad(Value coordinate, int64_t size) {
    if (padding == "border")
      return clamp(coordinate, size);
    if (padding != "reflection")
      return coordinate;
    double low = alignCorners ? 0 : -0.5, span = alignCorners ? size - 1 : size;
    if (span <= 0)
      return constant(0);
    Value distance = math::AbsFOp::create(b, loc, sub(coordinate, constant(low)));
    Value flips = floor(arith::DivFOp::create(b, loc, distance, constant(span)));
    Value extra = sub(distance, mul(flips, constant(span)));
    Value half = mul(flips, constant(0.5));
    Value even = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, floor(half), half);
    Value reflected = arith::SelectOp::create(b, loc, even, add(extra, constant(low)),
                                              add(sub(constant(span), extra), constant(low)));
    return clamp(reflected, size);
  }

  /// X[n, c, y, x] at integral float coordinates, 0 outside the input.
  Value read(Value input, Value x, Value y, int64_t width, int64_t height) {
    Value inside = arith::AndIOp::create(b, loc, within(x, width), within(y, height));
    auto index = [&](Value value, int64_t size) -> Value {
      Value integer = arith::FPToSIOp::create(b, loc, b.getI64Type(), clamp(value, size));
      return arith::IndexCastOp::create(b, loc, b.getIndexType(), integer);
    };
    Value element =
        tensor::ExtractOp::create(b, loc, input,
                                  ValueRange{linalg::IndexOp::create(b, loc, 0), linalg::IndexOp::create(b, loc, 1),
                                             index(y, height), index(x, width)});
    return arith::SelectOp::create(b, loc, inside, element, constant(0));
  }

  /// The four cubic convolution weights (A = -0.75) of the taps at -1, 0, 1, 2 from the floor, for fraction `t`.
  SmallVector<Value> cubicWeights(Value t) {
    double a = -0.75;
    auto near = [&](Value d) { // (A + 2) d^3 - (A + 3) d^2 + 1, for |d| <= 1
      return add(mul(mul(sub(mul(constant(a + 2), d), constant(a + 3)), d), d), constant(1));
    };
    auto far = [&](Value d) { // A d^3 - 5 A d^2 + 8 A d - 4 A, for 1 < |d| < 2
      return sub(mul(add(mul(sub(mul(constant(a), d), constant(5 * a)), d), constant(8 * a)), d), constant(4 * a));
    };
    Value one = constant(1);
    return {far(add(t, one)), near(t), near(sub(one, t)), far(sub(constant(2), t))};
  }

private:
  Value within(Value value, int64_t size) {
    Value low = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, value, constant(0));
    Value high = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, value, constant(size - 1));
    return arith::AndIOp::create(b, loc, low, high);
  }

  OpBuilder &b;
  Location loc;
  Type type;
  bool alignCorners;
  std::string padding;
};

} // namespace

LogicalResult convertGridSample(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})) || failed(ctx.requireDType(1, {kFloat, kDouble})))
    return failure();
  OnnxValue x = ctx.input(0), grid = ctx.input(1);
  if (x.rank() != 4 || grid.rank() != 4 || grid.shape()[3] != 2 || grid.shape()[0] != x.shape()[0])
    return ctx.emitError() << "X must be N x C x H x W and grid N x H_out x W_out x 2 (2-D sampling)";
  std::string mode = ctx.stringAttribute("mode", "bilinear"), padding = ctx.stringAttribute("padding_mode", "zeros");
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic")
    return ctx.emitError() << "mode '" << mode << "' is not supported; accepted: bilinear, nearest, bicubic";
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return ctx.emitError() << "padding_mode '" << padding << "' is not supported; accepted: zeros, border, reflection";
  bool alignCorners = ctx.intAttribute("align_corners", 0);
  int64_t height = x.shape()[2], width = x.shape()[3];
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  Type elementType = x.type().getElementType();
  Value gridValue = castTensor(b, grid, x.dtype).value;
  // Loop dims: n, c, h_out, w_out; the grid is read twice, for its x and its y.
  auto dim = [&](int64_t index) { return getAffineDimExpr(index, context); };
  auto gridMap = [&](int64_t part) {
    return AffineMap::get(4, 0, {dim(0), dim(2), dim(3), getAffineConstantExpr(part, context)}, context);
  };
  SmallVector<int64_t> shape = {x.shape()[0], x.shape()[1], grid.shape()[1], grid.shape()[2]};
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  Value input = x.value;
  Value result = buildGeneric(b, {gridValue, gridValue}, emptyTensor(b, shape, elementType),
                              {gridMap(0), gridMap(1), AffineMap::getMultiDimIdentityMap(4, context)}, iterators,
                              [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                                GridSampler s(nested, loc, elementType, alignCorners, padding);
                                Value px = s.unnormalize(args[0], width), py = s.unnormalize(args[1], height);
                                if (mode == "nearest") {
                                  Value rx = math::RoundEvenOp::create(nested, loc, s.pad(px, width));
                                  Value ry = math::RoundEvenOp::create(nested, loc, s.pad(py, height));
                                  return s.read(input, rx, ry, width, height);
                                }
                                if (mode == "bilinear") {
                                  px = s.pad(px, width);
                                  py = s.pad(py, height);
                                  Value x0 = s.floor(px), y0 = s.floor(py), one = s.constant(1);
                                  Value tx = s.sub(px, x0), ty = s.sub(py, y0);
                                  Value x1 = s.add(x0, one), y1 = s.add(y0, one);
                                  Value top = s.add(s.mul(s.read(input, x0, y0, width, height), s.sub(one, tx)),
                                                    s.mul(s.read(input, x1, y0, width, height), tx));
                                  Value bottom = s.add(s.mul(s.read(input, x0, y1, width, height), s.sub(one, tx)),
                                                       s.mul(s.read(input, x1, y1, width, height), tx));
                                  return s.add(s.mul(top, s.sub(one, ty)), s.mul(bottom, ty));
                                }
                                // Bicubic pads each of the 16 taps' coordinates rather than the sampling point.
                                Value x0 = s.floor(px), y0 = s.floor(py);
                                SmallVector<Value> wx = s.cubicWeights(s.sub(px, x0)),
                                                   wy = s.cubicWeights(s.sub(py, y0));
                                Value sum = s.constant(0);
                                for (int64_t j = 0; j < 4; ++j) {
                                  Value row = s.constant(0);
                                  Value ty = s.pad(s.add(y0, s.constant(j - 1)), height);
                                  for (int64_t i = 0; i < 4; ++i) {
                                    Value tx = s.pad(s.add(x0, s.constant(i - 1)), width);
                                    row = s.add(row, s.mul(s.read(input, tx, ty, width, height), wx[i]));
                                  }
                                  sum = s.add(sum, s.mul(row, wy[j]));
                                }
                                return sum;
                              });
  ctx.setOutput(0, {result, x.dtype});
  return success();
}

LogicalResult convertRoiAlign(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})) || failed(ctx.requireDType(1, {kFloat, kDouble})) ||
      failed(ctx.requireDType(2, {kInt64})))
    return failure();
  OnnxValue x = ctx.input(0), rois = ctx.input(1), batchIndices = ctx.input(2);
  if (x.rank() != 4 || rois.rank() != 2 || rois.shape()[1] != 4 || batchIndices.rank() != 1 ||
      batchIndices.shape()[0] != rois.shape()[0])
    return ctx.emitError() << "X must be N x C x H x W, rois num_rois x 4 and batch_indices num_rois";
  std::string mode = ctx.stringAttribute("mode", "avg");
  std::string coordinateMode = ctx.stringAttribute("coordinate_transformation_mode", "half_pixel");
  if (mode != "avg" && mode != "max")
    return ctx.emitError() << "mode '" << mode << "' is not supported; accepted: avg, max";
  if (coordinateMode != "half_pixel" && coordinateMode != "output_half_pixel")
    return ctx.emitError() << "coordinate_transformation_mode '" << coordinateMode
                           << "' is not supported; accepted: half_pixel, output_half_pixel";
  int64_t outputHeight = ctx.intAttribute("output_height", 1), outputWidth = ctx.intAttribute("output_width", 1);
  int64_t samplingRatio = ctx.intAttribute("sampling_ratio", 0);
  // The adaptive sampling_ratio = 0 takes a sample count per roi from the roi's size: a data-dependent loop bound.
  if (samplingRatio <= 0 || outputHeight <= 0 || outputWidth <= 0)
    return ctx.emitError() << "needs a positive sampling_ratio (the adaptive 0 is not supported), output_height "
                              "and output_width";
  bool halfPixel = coordinateMode == "half_pixel", isMax = mode == "max";
  double scale = ctx.floatAttribute("spatial_scale", 1.0f);
  int64_t height = x.shape()[2], width = x.shape()[3];
  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  Type elementType = x.type().getElementType();
  Value input = x.value, boxes = castTensor(b, rois, x.dtype).value, batches = batchIndices.value;
  // Loop dims: roi, c, bin y, bin x, then the sample grid (reduced); the window operand sizes the sample loops.
  SmallVector<int64_t> shape = {rois.shape()[0], x.shape()[1], outputHeight, outputWidth};
  auto dim = [&](int64_t index) { return getAffineDimExpr(index, context); };
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  iterators.append(2, utils::IteratorType::reduction);
  Value init = isMax ? extremeConstant(b, b.getLoc(), x.dtype, /*largest=*/false)
                     : scalarConstant(b, b.getLoc(), elementType, 0);
  Value sums = buildGeneric(
      b, {emptyTensor(b, {samplingRatio, samplingRatio}, elementType)}, filledTensor(b, shape, init),
      {AffineMap::get(6, 0, {dim(4), dim(5)}, context),
       AffineMap::get(6, 0, {dim(0), dim(1), dim(2), dim(3)}, context)},
      iterators, [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        GridSampler s(nested, loc, elementType, /*alignCorners=*/false, "zeros");
        auto index = [&](int64_t d) { return linalg::IndexOp::create(nested, loc, d); };
        auto asFloat = [&](Value value) {
          Value integer = arith::IndexCastOp::create(nested, loc, nested.getI64Type(), value);
          return arith::SIToFPOp::create(nested, loc, elementType, integer);
        };
        auto corner = [&](int64_t k) {
          Value value = tensor::ExtractOp::create(nested, loc, boxes,
                                                  ValueRange{index(0), arith::ConstantIndexOp::create(nested, loc, k)});
          return s.sub(s.mul(value, s.constant(scale)), s.constant(halfPixel ? 0.5 : 0));
        };
        // The sample's coordinate along one axis: start + bin * binSize + (sample + 0.5) * binSize / ratio.
        auto sample = [&](Value start, Value end, int64_t bins, int64_t binDim, int64_t sampleDim) {
          Value size = s.sub(end, start);
          if (!halfPixel)
            size = arith::MaximumFOp::create(nested, loc, size, s.constant(1));
          Value binSize = arith::DivFOp::create(nested, loc, size, s.constant(bins));
          Value offset = s.add(s.mul(asFloat(index(binDim)), binSize),
                               s.mul(s.add(asFloat(index(sampleDim)), s.constant(0.5)),
                                     arith::DivFOp::create(nested, loc, binSize, s.constant(samplingRatio))));
          return s.add(start, offset);
        };
        Value y = sample(corner(1), corner(3), outputHeight, 2, 4);
        Value x = sample(corner(0), corner(2), outputWidth, 3, 5);
        // Bilinear interpolation as ONNX Runtime does it: 0 beyond one pixel outside, else clamped into X.
        auto outside = [&](Value value, int64_t size) {
          Value low = arith::CmpFOp::create(nested, loc, arith::CmpFPredicate::OLT, value, s.constant(-1));
          Value high = arith::CmpFOp::create(nested, loc, arith::CmpFPredicate::OGT, value, s.constant(size));
          return arith::OrIOp::create(nested, loc, low, high);
        };
        Value skip = arith::OrIOp::create(nested, loc, outside(y, height), outside(x, width));
        auto taps = [&](Value value, int64_t size) {
          Value clamped = arith::MaximumFOp::create(nested, loc, value, s.constant(0));
          Value low = arith::MinimumFOp::create(nested, loc, s.floor(clamped), s.constant(size - 1));
          Value high = arith::MinimumFOp::create(nested, loc, s.add(low, s.constant(1)), s.constant(size - 1));
          Value fraction = arith::MaximumFOp::create(nested, loc, s.sub(clamped, low), s.constant(0));
          fraction = arith::SelectOp::create(
              nested, loc, arith::CmpFOp::create(nested, loc, arith::CmpFPredicate::OGE, low, s.constant(size - 1)),
              s.constant(0), fraction);
          return std::array<Value, 3>{low, high, fraction};
        };
        auto [yLow, yHigh, ly] = taps(y, height);
        auto [xLow, xHigh, lx] = taps(x, width);
        Value batch = arith::IndexCastOp::create(nested, loc, nested.getIndexType(),
                                                 tensor::ExtractOp::create(nested, loc, batches, ValueRange{index(0)}));
        auto read = [&](Value row, Value column) -> Value {
          auto toIndex = [&](Value value) {
            Value integer = arith::FPToSIOp::create(nested, loc, nested.getI64Type(), value);
            return arith::IndexCastOp::create(nested, loc, nested.getIndexType(), integer);
          };
          return tensor::ExtractOp::create(nested, loc, input,
                                           ValueRange{batch, index(1), toIndex(row), toIndex(column)});
        };
        Value one = s.constant(1);
        Value hy = s.sub(one, ly), hx = s.sub(one, lx);
        SmallVector<Value> terms = {s.mul(s.mul(hy, hx), read(yLow, xLow)), s.mul(s.mul(hy, lx), read(yLow, xHigh)),
                                    s.mul(s.mul(ly, hx), read(yHigh, xLow)), s.mul(s.mul(ly, lx), read(yHigh, xHigh))};
        Value value = terms[0];
        for (Value term : ArrayRef<Value>(terms).drop_front())
          value = isMax ? Value(arith::MaximumFOp::create(nested, loc, value, term)) : s.add(value, term);
        value = arith::SelectOp::create(nested, loc, skip, s.constant(0), value);
        return isMax ? Value(arith::MaximumFOp::create(nested, loc, args[1], value)) : s.add(args[1], value);
      });
  if (!isMax) {
    double count = samplingRatio * samplingRatio;
    sums = buildElementwise(b, {sums}, shape, elementType, [&](OpBuilder &nested, Location loc, ValueRange args) {
      return arith::DivFOp::create(nested, loc, args[0], scalarConstant(nested, loc, elementType, count));
    });
  }
  ctx.setOutput(0, {sums, x.dtype});
  return success();
}

} // namespace het::frontend
