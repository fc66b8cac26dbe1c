// ONNX signal processing: DFT and STFT as contractions with a compile-time matrix of twiddle factors, and the
// windows (Hann, Hamming, Blackman) and MelWeightMatrix, which depend on constants only and fold to constants.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <cmath>
#include <numbers>

using namespace mlir;

namespace het::frontend {

namespace {

/// A scalar constant input as a double; errors name `what`.
FailureOr<double> scalarInput(NodeContext &ctx, unsigned index, StringRef what) {
  FailureOr<DenseElementsAttr> values = ctx.constantInput(index, what);
  if (failed(values))
    return failure();
  if (values->getNumElements() != 1)
    return ctx.emitError() << what << " must hold one value; got " << values->getNumElements();
  if (isa<FloatType>(values->getElementType()))
    return (*values->getValues<APFloat>().begin()).convertToDouble();
  return static_cast<double>((*values->getValues<APInt>().begin()).getSExtValue());
}

/// The element type an output_datatype attribute names, or an error.
FailureOr<int32_t> outputDType(NodeContext &ctx) {
  int64_t dtype = ctx.intAttribute("output_datatype", kFloat);
  if (!elementTypeOf(dtype, ctx.context()) || dtype == kBool)
    return ctx.emitError() << "output_datatype " << dtype << " is not a numeric type the frontend takes";
  return static_cast<int32_t>(dtype);
}

/// Twiddle factors bins x used x complexIn x 2: entry (k, n, i, o) multiplies part i (real, imaginary) of input
/// sample n into part o of output bin k of a `length`-point DFT (inverse: conjugated and divided by length).
SmallVector<double> twiddles(int64_t bins, int64_t used, int64_t complexIn, int64_t length, bool inverse) {
  SmallVector<double> values;
  double sign = inverse ? 1 : -1, scale = inverse ? 1.0 / length : 1;
  for (int64_t k = 0; k < bins; ++k)
    for (int64_t n = 0; n < used; ++n) {
      // Reduced modulo length so large products keep the angle's precision.
      double angle = 2 * std::numbers::pi * ((k * n) % length) / length;
      double c = std::cos(angle) * scale, s = sign * std::sin(angle) * scale;
      // (re + i im) * (c + i s) = (re c - im s) + i (re s + im c).
      values.append({c, s});
      if (complexIn == 2)
        values.append({-s, c});
    }
  return values;
}

/// Accumulates in f64 and rounds once: outputs that are exactly zero must come out within the ONNX tolerance of
/// zero, which float accumulation of large samples would miss.
Value contract(ImplicitLocOpBuilder &b, ValueRange inputs, ArrayRef<AffineMap> maps, ArrayRef<int64_t> shape,
               int64_t reductionDims, Type elementType) {
  Type wide = b.getF64Type();
  SmallVector<utils::IteratorType> iterators(shape.size(), utils::IteratorType::parallel);
  iterators.append(reductionDims, utils::IteratorType::reduction);
  Value sum = buildGeneric(b, inputs, filledTensor(b, shape, scalarConstant(b, b.getLoc(), wide, 0)), maps, iterators,
                           [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                             Value product = args[0];
                             if (product.getType() != wide)
                               product = arith::ExtFOp::create(nested, loc, wide, product);
                             for (Value factor : args.drop_front().drop_back()) {
                               if (factor.getType() != wide)
                                 factor = arith::ExtFOp::create(nested, loc, wide, factor);
                               product = arith::MulFOp::create(nested, loc, product, factor);
                             }
                             return arith::AddFOp::create(nested, loc, args.back(), product);
                           });
  if (elementType == wide)
    return sum;
  return buildElementwise(b, {sum}, shape, elementType, [&](OpBuilder &nested, Location loc, ValueRange args) {
    return arith::TruncFOp::create(nested, loc, elementType, args[0]);
  });
}

} // namespace

LogicalResult convertDFT(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  OnnxValue x = ctx.input(0);
  int64_t rank = x.rank(), complexIn = x.shape().back();
  if (rank < 3 || (complexIn != 1 && complexIn != 2))
    return ctx.emitError() << "input must be [batch, signal..., 1 or 2] (rank 3 or more, last dim real or complex)";
  int64_t axis = ctx.intAttribute("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 1 || axis >= rank - 1)
    return ctx.emitError() << "axis must name a signal dim, 1 to " << rank - 2 << "; got "
                           << ctx.intAttribute("axis", 1);
  bool inverse = ctx.intAttribute("inverse", 0), onesided = ctx.intAttribute("onesided", 0);
  if (onesided && (inverse || complexIn == 2))
    return ctx.emitError() << "onesided = 1 takes a real forward transform only";
  int64_t samples = x.shape()[axis], length = samples;
  if (ctx.hasInput(1)) {
    FailureOr<double> value = scalarInput(ctx, 1, "dft_length");
    if (failed(value))
      return failure();
    length = static_cast<int64_t>(*value);
    if (length <= 0)
      return ctx.emitError() << "dft_length must be positive; got " << length;
  }
  int64_t bins = onesided ? length / 2 + 1 : length, used = std::min(samples, length);

  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  // Loop dims: the output's (bin at `axis`, part last), then the sample and the input part.
  int64_t numDims = rank + 2, sampleDim = rank, partDim = rank + 1;
  auto dim = [&](int64_t index) { return getAffineDimExpr(index, context); };
  SmallVector<AffineExpr> inputExprs, outputExprs;
  for (int64_t d = 0; d < rank; ++d) {
    outputExprs.push_back(dim(d));
    inputExprs.push_back(d == axis ? dim(sampleDim) : d == rank - 1 ? dim(partDim) : dim(d));
  }
  Value matrix =
      denseConstant(b, {bins, used, complexIn, 2}, b.getF64Type(), twiddles(bins, used, complexIn, length, inverse));
  SmallVector<AffineMap> maps = {
      AffineMap::get(numDims, 0, inputExprs, context),
      AffineMap::get(numDims, 0, {dim(axis), dim(sampleDim), dim(partDim), dim(rank - 1)}, context),
      AffineMap::get(numDims, 0, outputExprs, context)};
  SmallVector<int64_t> shape(x.shape());
  shape[axis] = bins;
  shape.back() = 2;
  Value input = x.value;
  // Samples past dft_length are dropped; missing ones are zeros, which the contraction simply leaves out.
  if (used < samples) {
    SmallVector<int64_t> kept(x.shape());
    kept[axis] = used;
    SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
    input =
        tensor::ExtractSliceOp::create(b, x.value, getAsIndexOpFoldResult(context, offsets),
                                       getAsIndexOpFoldResult(context, kept), getAsIndexOpFoldResult(context, strides));
  }
  ctx.setOutput(0, {contract(b, {input, matrix}, maps, shape, 2, x.type().getElementType()), x.dtype});
  return success();
}

LogicalResult convertSTFT(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  OnnxValue signal = ctx.input(0);
  if (signal.rank() != 3 || (signal.shape()[2] != 1 && signal.shape()[2] != 2))
    return ctx.emitError() << "signal must be [batch, length, 1 or 2]";
  int64_t batch = signal.shape()[0], samples = signal.shape()[1], complexIn = signal.shape()[2];
  FailureOr<double> step = scalarInput(ctx, 1, "frame_step");
  if (failed(step))
    return failure();
  int64_t frameStep = static_cast<int64_t>(*step), frameLength = 0;
  if (ctx.hasInput(2)) {
    OnnxValue window = ctx.input(2);
    if (window.rank() != 1)
      return ctx.emitError() << "window must be 1-D";
    frameLength = window.shape()[0];
  }
  if (ctx.hasInput(3)) {
    FailureOr<double> length = scalarInput(ctx, 3, "frame_length");
    if (failed(length))
      return failure();
    if (frameLength && frameLength != static_cast<int64_t>(*length))
      return ctx.emitError() << "frame_length " << *length << " disagrees with the window's " << frameLength;
    frameLength = static_cast<int64_t>(*length);
  }
  if (frameLength <= 0 || frameLength > samples || frameStep <= 0)
    return ctx.emitError() << "needs a window or frame_length of 1 to " << samples
                           << " samples and a positive frame_step";
  bool onesided = ctx.intAttribute("onesided", 1);
  if (onesided && complexIn == 2)
    return ctx.emitError() << "onesided = 1 takes a real signal only";
  int64_t bins = onesided ? frameLength / 2 + 1 : frameLength, frames = (samples - frameLength) / frameStep + 1;

  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  // Loop dims: batch, frame, bin, part, then the sample within the frame and the input part.
  auto dim = [&](int64_t index) { return getAffineDimExpr(index, context); };
  SmallVector<Value> inputs = {signal.value};
  SmallVector<AffineMap> maps = {AffineMap::get(6, 0, {dim(0), dim(1) * frameStep + dim(4), dim(5)}, context)};
  if (ctx.hasInput(2)) {
    inputs.push_back(ctx.input(2).value);
    maps.push_back(AffineMap::get(6, 0, {dim(4)}, context));
  }
  inputs.push_back(denseConstant(b, {bins, frameLength, complexIn, 2}, b.getF64Type(),
                                 twiddles(bins, frameLength, complexIn, frameLength, /*inverse=*/false)));
  maps.push_back(AffineMap::get(6, 0, {dim(2), dim(4), dim(5), dim(3)}, context));
  maps.push_back(AffineMap::get(6, 0, {dim(0), dim(1), dim(2), dim(3)}, context));
  ctx.setOutput(0,
                {contract(b, inputs, maps, {batch, frames, bins, 2}, 2, signal.type().getElementType()), signal.dtype});
  return success();
}

LogicalResult convertWindow(NodeContext &ctx) {
  FailureOr<double> size = scalarInput(ctx, 0, "size");
  FailureOr<int32_t> dtype = outputDType(ctx);
  if (failed(size) || failed(dtype))
    return failure();
  int64_t count = static_cast<int64_t>(*size);
  if (count <= 0)
    return ctx.emitError() << "size must be positive; got " << count;
  // The cosine-sum windows: a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N), N = size (periodic) or size - 1.
  double a0 = 0.5, a1 = 0.5, a2 = 0;
  if (ctx.opType() == "HammingWindow") {
    a0 = 25.0 / 46;
    a1 = 21.0 / 46;
  } else if (ctx.opType() == "BlackmanWindow") {
    a0 = 0.42;
    a2 = 0.08;
  }
  double period = ctx.intAttribute("periodic", 1) ? count : count - 1;
  SmallVector<double> values;
  for (int64_t n = 0; n < count; ++n) {
    double angle = period == 0 ? 0 : 2 * std::numbers::pi * n / period;
    values.push_back(a0 - a1 * std::cos(angle) + a2 * std::cos(2 * angle));
  }
  ctx.setOutput(0, {denseConstant(ctx.builder(), {count}, elementTypeOf(*dtype, ctx.context()), values), *dtype});
  return success();
}

LogicalResult convertMelWeightMatrix(NodeContext &ctx) {
  FailureOr<double> melBins = scalarInput(ctx, 0, "num_mel_bins"), dftLength = scalarInput(ctx, 1, "dft_length"),
                    sampleRate = scalarInput(ctx, 2, "sample_rate"), lower = scalarInput(ctx, 3, "lower_edge_hertz"),
                    upper = scalarInput(ctx, 4, "upper_edge_hertz");
  FailureOr<int32_t> dtype = outputDType(ctx);
  if (failed(melBins) || failed(dftLength) || failed(sampleRate) || failed(lower) || failed(upper) || failed(dtype))
    return failure();
  int64_t bins = static_cast<int64_t>(*melBins), length = static_cast<int64_t>(*dftLength);
  if (bins <= 0 || length <= 0 || *sampleRate <= 0 || *lower < 0 || *upper <= *lower)
    return ctx.emitError() << "needs positive num_mel_bins, dft_length and sample_rate, and 0 <= lower_edge_hertz "
                              "< upper_edge_hertz";
  int64_t spectrogramBins = length / 2 + 1;
  // Triangular filters between mel-spaced points, converted back to spectrogram bin indices.
  auto toMel = [](double hertz) { return 2595 * std::log10(1 + hertz / 700); };
  double lowMel = toMel(*lower), step = (toMel(*upper) - lowMel) / (bins + 2);
  SmallVector<int64_t> points;
  for (int64_t i = 0; i < bins + 2; ++i) {
    double hertz = 700 * (std::pow(10, (i * step + lowMel) / 2595) - 1);
    int64_t point = static_cast<int64_t>(std::floor((length + 1) * hertz / *sampleRate));
    if (point < 0 || point >= spectrogramBins)
      return ctx.emitError() << "upper_edge_hertz maps past the last spectrogram bin (" << spectrogramBins - 1 << ")";
    points.push_back(point);
  }
  SmallVector<double> values(spectrogramBins * bins, 0);
  for (int64_t i = 0; i < bins; ++i) {
    int64_t left = points[i], center = points[i + 1], right = points[i + 2];
    if (center == left)
      values[center * bins + i] = 1;
    for (int64_t j = left; center > left && j <= center; ++j)
      values[j * bins + i] = static_cast<double>(j - left) / (center - left);
    for (int64_t j = center; j < right; ++j)
      values[j * bins + i] = static_cast<double>(right - j) / (right - center);
  }
  ctx.setOutput(
      0, {denseConstant(ctx.builder(), {spectrogramBins, bins}, elementTypeOf(*dtype, ctx.context()), values), *dtype});
  return success();
}

} // namespace het::frontend
