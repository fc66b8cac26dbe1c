// ONNX Conv and ConvTranspose over any number of spatial dims (groups, dilations, strides, explicit pads or
// auto_pad, bias), each as one linalg.generic.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace het::frontend {

namespace {

/// Splits dim `groupDim` of `value` into (group, size / group), so a grouped convolution's maps stay plain affine
/// functions of the loop dims.
Value expandGroupDim(ImplicitLocOpBuilder &b, Value value, int64_t groupDim, int64_t group) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[groupDim] /= group;
  shape.insert(shape.begin() + groupDim, group);
  SmallVector<ReassociationIndices> reassociation;
  for (int64_t dim = 0, next = 0; dim < type.getRank(); ++dim) {
    if (dim == groupDim)
      reassociation.push_back({next++, next++});
    else
      reassociation.push_back({next++});
  }
  return tensor::ExpandShapeOp::create(b, RankedTensorType::get(shape, type.getElementType()), value, reassociation);
}

/// Sets output 0 to a convolution's N x [G x] M/G x spatial... `result`, its group dims merged back (when
/// `grouped`) and the optional per-filter bias (input 2) added.
LogicalResult setGroupedResult(NodeContext &ctx, Value result, bool grouped, int64_t filters) {
  ImplicitLocOpBuilder &b = ctx.builder();
  auto type = cast<RankedTensorType>(result.getType());
  if (grouped) {
    SmallVector<ReassociationIndices> reassociation = {{0}, {1, 2}};
    for (int64_t dim = 3; dim < type.getRank(); ++dim)
      reassociation.push_back({dim});
    result = tensor::CollapseShapeOp::create(b, result, reassociation);
    type = cast<RankedTensorType>(result.getType());
  }
  if (ctx.hasInput(2)) {
    OnnxValue bias = ctx.input(2);
    if (bias.rank() != 1 || bias.shape()[0] != filters)
      return ctx.emitError() << "B must be 1-D with " << filters << " entries";
    SmallVector<int64_t> biasShape(type.getRank() - 1, 1);
    biasShape[0] = filters;
    Value shapedBias = reshapeTensor(b, bias.value, biasShape);
    result = buildElementwise(b, {result, shapedBias}, type.getShape(), type.getElementType(),
                              [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                                return arith::AddFOp::create(nested, loc, args[0], args[1]);
                              });
  }
  ctx.setOutput(0, {result, ctx.input(0).dtype});
  return success();
}

/// Both convolutions take a float X of N x C x spatial... and a W of the same rank.
LogicalResult checkOperands(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  int64_t rank = ctx.input(0).rank(), weightRank = ctx.input(1).rank();
  if (rank < 3 || weightRank != rank)
    return ctx.emitError() << "X must be N x C x spatial... (rank 3 or more) and W of the same rank; got ranks " << rank
                           << " and " << weightRank;
  return success();
}

/// Output rows shorter than this many elements (16 floats: one AVX-512 vector) are too narrow for the micro-kernel's
/// columns.
constexpr int64_t kNarrowRow = 16;

/// Whether a convolution window is a single tap per output: a 1 x ... x 1 kernel, stride 1, no padding.
bool isPointwise(const WindowGeometry &geometry) {
  auto ones = [](ArrayRef<int64_t> values) { return llvm::all_of(values, [](int64_t v) { return v == 1; }); };
  auto zeros = [](ArrayRef<int64_t> values) { return llvm::all_of(values, [](int64_t v) { return v == 0; }); };
  return ones(geometry.kernel) && ones(geometry.strides) && zeros(geometry.padBefore) && zeros(geometry.padAfter);
}

/// acc + a * b on floats, the body of every convolution product.
Value multiplyAccumulate(OpBuilder &b, Location loc, ValueRange args) {
  Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
  return arith::AddFOp::create(b, loc, args[2], product);
}

/// Filters per block of a filter-major product: two AVX-512 vectors, the micro-kernel's widest column block.
constexpr int64_t kFilterBlock = 32;
/// Output maps of fewer pixels than this fill the micro-kernel's vectors poorly when the pixels are its columns (a
/// 7 x 7 map is 49 columns: 64 lanes, 15 of them idle; 14 x 14 uses 196 of 224).
constexpr int64_t kFewPixels = 256;

int64_t product(ArrayRef<int64_t> sizes) {
  int64_t result = 1;
  for (int64_t size : sizes)
    result *= size;
  return result;
}

/// The loop dims of a filter-major product: n, filter block, output dims..., filter in block, reduction dims....
struct FilterMajorDims {
  int64_t firstOutput;
  int64_t firstReduction;
  int64_t count;
};

/// The N x M x output... result of an ungrouped convolution computed with the filters as the micro-kernel's
/// columns, for maps of fewer than kFewPixels pixels: W (a constant; its dims after the first are `reductions`) is
/// laid out at compile time as (M / kFilterBlock) x reductions... x kFilterBlock, each reduction step one block of
/// filters in a row, which the kernel reads in place; `input` is read through `inputMap` of the loop dims; the
/// pixel-major product is transposed back to filters by pixels. None when W is not a constant, its filters do not
/// fill whole blocks, or the map has enough pixels.
std::optional<Value> filterMajorProduct(ImplicitLocOpBuilder &b, OnnxValue w, Value input, ArrayRef<int64_t> outputs,
                                        ArrayRef<int64_t> reductions,
                                        llvm::function_ref<AffineMap(const FilterMajorDims &)> inputMap) {
  int64_t batch = cast<RankedTensorType>(input.getType()).getDimSize(0), filters = w.shape()[0];
  int64_t pixels = product(outputs), outputRank = static_cast<int64_t>(outputs.size());
  if (pixels >= kFewPixels || filters % kFilterBlock != 0)
    return std::nullopt;
  SmallVector<int64_t> blockedShape = {filters / kFilterBlock, kFilterBlock}, perm = {0};
  llvm::append_range(blockedShape, reductions);
  for (int64_t dim = 2; dim < static_cast<int64_t>(blockedShape.size()); ++dim)
    perm.push_back(dim);
  perm.push_back(1);
  std::optional<Value> blocks = transposedConstant(b, w.value, blockedShape, perm);
  if (!blocks)
    return std::nullopt;

  FilterMajorDims dims{2, 3 + outputRank, 3 + outputRank + static_cast<int64_t>(reductions.size())};
  int64_t inBlock = 2 + outputRank;
  MLIRContext *context = b.getContext();
  auto map = [&](int64_t numDims, ArrayRef<int64_t> targets) {
    SmallVector<unsigned> unsignedTargets(targets.begin(), targets.end());
    return AffineMap::getMultiDimMapWithTargets(numDims, unsignedTargets, context);
  };
  SmallVector<int64_t> weightDims = {1}, outputDims = {0}, initShape = {batch};
  for (int64_t dim = dims.firstReduction; dim < dims.count; ++dim)
    weightDims.push_back(dim);
  weightDims.push_back(inBlock);
  for (int64_t dim = 0; dim < outputRank; ++dim)
    outputDims.push_back(dims.firstOutput + dim);
  llvm::append_range(outputDims, ArrayRef<int64_t>{1, inBlock});
  llvm::append_range(initShape, outputs);
  llvm::append_range(initShape, ArrayRef<int64_t>{filters / kFilterBlock, kFilterBlock});
  SmallVector<utils::IteratorType> iterators(dims.firstReduction, utils::IteratorType::parallel);
  iterators.append(reductions.size(), utils::IteratorType::reduction);
  Value zero = scalarConstant(b, b.getLoc(), cast<RankedTensorType>(input.getType()).getElementType(), 0);
  Value result = buildGeneric(b, {input, *blocks}, filledTensor(b, initShape, zero),
                              {inputMap(dims), map(dims.count, weightDims), map(dims.count, outputDims)}, iterators,
                              multiplyAccumulate);
  // The product as n x outputs... x filters, read transposed into n x filters x outputs... (which a bias add then
  // takes as its producer).
  SmallVector<int64_t> pixelMajorShape = {batch}, resultShape = {batch, filters}, transposed = {0};
  llvm::append_range(pixelMajorShape, outputs);
  pixelMajorShape.push_back(filters);
  llvm::append_range(resultShape, outputs);
  for (int64_t dim = 0; dim < outputRank; ++dim)
    transposed.push_back(2 + dim);
  transposed.push_back(1);
  int64_t rank = 2 + outputRank;
  return buildGeneric(b, {reshapeTensor(b, result, pixelMajorShape)},
                      tensor::EmptyOp::create(b, resultShape, zero.getType()),
                      {map(rank, transposed), AffineMap::getMultiDimIdentityMap(rank, context)},
                      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

/// Output 0 of a convolution computed as a matrix product: `columns` (N x R x pixels) by the filters as M x R,
/// reshaped to N x M x `outputSpatial`. Every pixel of a filter's output is a column, so the CPU micro-kernel
/// fills whole vectors (a 7 x 7 map is 49 columns, not 7); a map of few pixels takes the filters as columns.
LogicalResult convertAsProduct(NodeContext &ctx, Value columns, ArrayRef<int64_t> outputSpatial) {
  ImplicitLocOpBuilder &b = ctx.builder();
  OnnxValue w = ctx.input(1);
  auto columnsType = cast<RankedTensorType>(columns.getType());
  int64_t batch = columnsType.getDimSize(0), reduction = columnsType.getDimSize(1);
  int64_t pixels = columnsType.getDimSize(2), filters = w.shape()[0];
  SmallVector<int64_t> resultShape = {batch, filters};
  llvm::append_range(resultShape, outputSpatial);
  // The columns as N x R x outputs..., read at (n, r, outputs...).
  SmallVector<int64_t> columnsShape = {batch, reduction};
  llvm::append_range(columnsShape, outputSpatial);
  auto columnsMap = [&](const FilterMajorDims &dims) {
    SmallVector<unsigned> targets = {0, static_cast<unsigned>(dims.firstReduction)};
    for (size_t dim = 0; dim < outputSpatial.size(); ++dim)
      targets.push_back(static_cast<unsigned>(dims.firstOutput + dim));
    return AffineMap::getMultiDimMapWithTargets(dims.count, targets, ctx.context());
  };
  if (std::optional<Value> result =
          filterMajorProduct(b, w, reshapeTensor(b, columns, columnsShape), outputSpatial, {reduction}, columnsMap))
    return setGroupedResult(ctx, *result, /*grouped=*/false, filters);
  Value weights = reshapeTensor(b, w.value, {filters, reduction});
  // Loop dims: n, m, pixel, r.
  MLIRContext *context = ctx.context();
  auto map = [&](ArrayRef<unsigned> dims) { return AffineMap::getMultiDimMapWithTargets(4, dims, context); };
  SmallVector<AffineMap> maps = {map({0, 3, 2}), map({1, 3}), map({0, 1, 2})};
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value zero = scalarConstant(b, b.getLoc(), columnsType.getElementType(), 0);
  Value result = buildGeneric(b, {columns, weights}, filledTensor(b, {batch, filters, pixels}, zero), maps, iterators,
                              multiplyAccumulate);
  return setGroupedResult(ctx, reshapeTensor(b, result, resultShape), /*grouped=*/false, filters);
}

/// The windows of a convolution laid out as columns (im2col): N x (C x kernel...) x (output pixels...),
/// column (c, k...) of pixel o holding the padded input at o * stride + k * dilation. A strided window moves by the
/// stride from one output to the next, which the micro-kernel cannot stream, and a narrow one gives it short rows;
/// the columns are read in order, every pixel of a filter in one row.
Value windowColumns(ImplicitLocOpBuilder &b, Value padded, const WindowGeometry &geometry) {
  auto type = cast<RankedTensorType>(padded.getType());
  int64_t spatialRank = type.getRank() - 2, batch = type.getDimSize(0), channels = type.getDimSize(1);
  // Loop dims: n, c, kernel..., outputs...
  int64_t numDims = 2 + 2 * spatialRank;
  SmallVector<int64_t> shape = {batch, channels};
  llvm::append_range(shape, geometry.kernel);
  llvm::append_range(shape, geometry.output);
  SmallVector<AffineMap> maps = {windowInputMap({0, 1}, /*firstOutputDim=*/2 + spatialRank, /*firstWindowDim=*/2,
                                                numDims, geometry, b.getContext()),
                                 AffineMap::getMultiDimIdentityMap(numDims, b.getContext())};
  SmallVector<utils::IteratorType> iterators(numDims, utils::IteratorType::parallel);
  Value columns = buildGeneric(b, {padded}, tensor::EmptyOp::create(b, shape, type.getElementType()), maps, iterators,
                               [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  return reshapeTensor(b, columns, {batch, channels * product(geometry.kernel), product(geometry.output)});
}

/// Output 0 of an ungrouped ConvTranspose whose windows tile the output exactly (kernel = strides, no padding,
/// dilation or output padding: the 2x2 stride-2 upsampling of segmentation and detection heads). Each output pixel
/// is then one input pixel times one tap of W, so no zeros need spreading between the input's pixels: the op is the
/// product of W's taps (M x kernel... rows) with the input's pixels (columns), which the CPU micro-kernel takes,
/// followed by a depth-to-space copy that moves each tap to its place in the output and adds the bias.
LogicalResult convertTilingConvTranspose(NodeContext &ctx) {
  ImplicitLocOpBuilder &b = ctx.builder();
  OnnxValue x = ctx.input(0), w = ctx.input(1);
  ArrayRef<int64_t> spatial = x.shape().drop_front(2), kernel = w.shape().drop_front(2);
  int64_t batch = x.shape()[0], channels = x.shape()[1], filters = w.shape()[1];
  int64_t spatialRank = static_cast<int64_t>(spatial.size()), rows = filters * product(kernel);
  MLIRContext *context = ctx.context();
  auto map = [&](int64_t numDims, ArrayRef<int64_t> targets) {
    SmallVector<unsigned> unsignedTargets(targets.begin(), targets.end());
    return AffineMap::getMultiDimMapWithTargets(numDims, unsignedTargets, context);
  };
  // Loop dims: n, row (filter, tap...), pixel, c.
  Value zero = scalarConstant(b, b.getLoc(), x.type().getElementType(), 0);
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value taps = buildGeneric(
      b, {reshapeTensor(b, x.value, {batch, channels, product(spatial)}), reshapeTensor(b, w.value, {channels, rows})},
      filledTensor(b, {batch, rows, product(spatial)}, zero), {map(4, {0, 3, 2}), map(4, {3, 1}), map(4, {0, 1, 2})},
      iterators, multiplyAccumulate);

  // Loop dims: n, m, then per spatial dim its input pixel and its tap; the taps read as N x M x kernel... x spatial....
  SmallVector<int64_t> tapShape = {batch, filters}, rearranged = {batch, filters}, resultShape = {batch, filters};
  SmallVector<int64_t> tapDims = {0, 1};
  llvm::append_range(tapShape, kernel);
  llvm::append_range(tapShape, spatial);
  for (int64_t i = 0; i < spatialRank; ++i)
    tapDims.push_back(2 + 2 * i + 1);
  for (int64_t i = 0; i < spatialRank; ++i) {
    tapDims.push_back(2 + 2 * i);
    rearranged.append({spatial[i], kernel[i]});
    resultShape.push_back(spatial[i] * kernel[i]);
  }
  int64_t numDims = 2 + 2 * spatialRank;
  SmallVector<Value> inputs = {reshapeTensor(b, taps, tapShape)};
  SmallVector<AffineMap> maps = {map(numDims, tapDims)};
  if (ctx.hasInput(2)) {
    OnnxValue bias = ctx.input(2);
    if (bias.rank() != 1 || bias.shape()[0] != filters)
      return ctx.emitError() << "B must be 1-D with " << filters << " entries";
    inputs.push_back(bias.value);
    maps.push_back(map(numDims, {1}));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(numDims, context));
  Value result = buildGeneric(b, inputs, tensor::EmptyOp::create(b, rearranged, zero.getType()), maps,
                              SmallVector<utils::IteratorType>(numDims, utils::IteratorType::parallel),
                              [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                                if (args.size() == 2)
                                  return args[0];
                                return arith::AddFOp::create(nested, loc, args[0], args[1]);
                              });
  ctx.setOutput(0, {reshapeTensor(b, result, resultShape), x.dtype});
  return success();
}

} // namespace

LogicalResult convertConv(NodeContext &ctx) {
  if (failed(checkOperands(ctx)))
    return failure();
  OnnxValue x = ctx.input(0), w = ctx.input(1);
  int64_t rank = x.rank(), spatialRank = rank - 2;
  int64_t group = ctx.intAttribute("group", 1);
  int64_t batch = x.shape()[0], channels = x.shape()[1], filters = w.shape()[0], groupChannels = w.shape()[1];
  if (group <= 0 || channels != group * groupChannels || filters % group != 0)
    return ctx.emitError() << "group " << group << " does not fit " << channels << " input channels, " << filters
                           << " filters of " << groupChannels << " channels";
  ArrayRef<int64_t> kernel = w.shape().drop_front(2);
  if (std::optional<SmallVector<int64_t>> kernelShape = ctx.intsAttribute("kernel_shape"))
    if (ArrayRef<int64_t>(*kernelShape) != kernel)
      return ctx.emitError() << "kernel_shape disagrees with the shape of W";
  FailureOr<WindowGeometry> geometry = windowGeometry(ctx, x.shape().drop_front(2), kernel, /*ceilMode=*/false);
  if (failed(geometry))
    return failure();

  ImplicitLocOpBuilder &b = ctx.builder();
  if (group == 1 && isPointwise(*geometry))
    return convertAsProduct(ctx, reshapeTensor(b, x.value, {batch, channels, product(geometry->output)}),
                            geometry->output);
  MLIRContext *context = ctx.context();
  Type elementType = x.type().getElementType();
  Value zero = scalarConstant(b, b.getLoc(), elementType, 0);
  Value input = padSpatial(b, x.value, *geometry, zero);
  // Columns also pay for a stride-1 window whose output rows are shorter than one 512-bit vector (7 or 14 wide):
  // the window form would give the micro-kernel rows of 7 columns, the columns one row of every pixel.
  bool strided = llvm::any_of(geometry->strides, [](int64_t stride) { return stride > 1; });
  bool narrow = geometry->output.back() < kNarrowRow;
  if (group == 1 && narrow && !strided) {
    // With the filters as columns, the window reads the padded input in place: no columns to write and read back.
    SmallVector<int64_t> reductions = {channels};
    llvm::append_range(reductions, kernel);
    auto windowMap = [&](const FilterMajorDims &dims) {
      return windowInputMap({0, dims.firstReduction}, dims.firstOutput, dims.firstReduction + 1, dims.count, *geometry,
                            context);
    };
    if (std::optional<Value> result = filterMajorProduct(b, w, input, geometry->output, reductions, windowMap))
      return setGroupedResult(ctx, *result, /*grouped=*/false, filters);
  }
  if (group == 1 && (strided || narrow))
    return convertAsProduct(ctx, windowColumns(b, input, *geometry), geometry->output);
  Value weights = w.value;
  int64_t groupFilters = filters / group;
  bool grouped = group > 1;
  if (grouped) {
    input = expandGroupDim(b, input, 1, group);
    weights = expandGroupDim(b, weights, 0, group);
  }

  // Loop dims: n, [g], m, spatial outputs..., c, window...
  int64_t lead = grouped ? 3 : 2;
  int64_t outputDim = lead, channelDim = lead + spatialRank, windowDim = channelDim + 1;
  int64_t numDims = windowDim + spatialRank;
  auto dim = [&](int64_t index) { return getAffineDimExpr(index, context); };
  SmallVector<int64_t> inputLeading = {0}, weightExprs, outputExprs = {0};
  if (grouped) {
    inputLeading.push_back(1);
    weightExprs.push_back(1);
    outputExprs.push_back(1);
  }
  inputLeading.push_back(channelDim);
  weightExprs.push_back(lead - 1);
  weightExprs.push_back(channelDim);
  outputExprs.push_back(lead - 1);
  for (int64_t i = 0; i < spatialRank; ++i) {
    weightExprs.push_back(windowDim + i);
    outputExprs.push_back(outputDim + i);
  }
  auto mapOf = [&](ArrayRef<int64_t> dims) {
    return AffineMap::get(numDims, 0, llvm::map_to_vector(dims, dim), context);
  };
  SmallVector<AffineMap> maps = {windowInputMap(inputLeading, outputDim, windowDim, numDims, *geometry, context),
                                 mapOf(weightExprs), mapOf(outputExprs)};
  SmallVector<utils::IteratorType> iterators(channelDim, utils::IteratorType::parallel);
  iterators.append(spatialRank + 1, utils::IteratorType::reduction);

  SmallVector<int64_t> resultShape = {batch};
  if (grouped)
    resultShape.push_back(group);
  resultShape.push_back(grouped ? groupFilters : filters);
  llvm::append_range(resultShape, geometry->output);
  Value result =
      buildGeneric(b, {input, weights}, filledTensor(b, resultShape, zero), maps, iterators, multiplyAccumulate);
  return setGroupedResult(ctx, result, grouped, filters);
}

LogicalResult convertConvTranspose(NodeContext &ctx) {
  if (failed(checkOperands(ctx)))
    return failure();
  OnnxValue x = ctx.input(0), w = ctx.input(1);
  int64_t rank = x.rank(), spatialRank = rank - 2;
  int64_t group = ctx.intAttribute("group", 1);
  int64_t batch = x.shape()[0], channels = x.shape()[1], groupFilters = w.shape()[1];
  if (group <= 0 || w.shape()[0] != channels || channels % group != 0)
    return ctx.emitError() << "group " << group << " does not fit " << channels << " input channels and W of "
                           << w.shape()[0] << " x " << groupFilters;
  int64_t filters = group * groupFilters;
  ArrayRef<int64_t> kernel = w.shape().drop_front(2), spatial = x.shape().drop_front(2);
  if (std::optional<SmallVector<int64_t>> kernelShape = ctx.intsAttribute("kernel_shape"))
    if (ArrayRef<int64_t>(*kernelShape) != kernel)
      return ctx.emitError() << "kernel_shape disagrees with the shape of W";
  auto readList = [&](StringRef name, int64_t defaultValue, int64_t size) -> FailureOr<SmallVector<int64_t>> {
    SmallVector<int64_t> values = ctx.intsAttribute(name).value_or(SmallVector<int64_t>(size, defaultValue));
    if (static_cast<int64_t>(values.size()) != size)
      return ctx.emitError() << name << " has " << values.size() << " entries; the input needs " << size;
    return values;
  };
  FailureOr<SmallVector<int64_t>> strides = readList("strides", 1, spatialRank),
                                  dilations = readList("dilations", 1, spatialRank),
                                  outputPadding = readList("output_padding", 0, spatialRank),
                                  pads = readList("pads", 0, 2 * spatialRank);
  if (failed(strides) || failed(dilations) || failed(outputPadding) || failed(pads))
    return failure();
  std::string autoPad = ctx.stringAttribute("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return ctx.emitError() << "auto_pad '" << autoPad << "' is not supported; supported: NOTSET, VALID, SAME_UPPER, "
                           << "SAME_LOWER";
  std::optional<SmallVector<int64_t>> outputShape = ctx.intsAttribute("output_shape");
  if (outputShape && static_cast<int64_t>(outputShape->size()) != spatialRank)
    return ctx.emitError() << "output_shape must give one size per spatial dim (" << spatialRank << ")";
  // Each spatial dim: the full transposed output is stride * (in - 1) + output_padding + extent; output_shape
  // or auto_pad SAME trims it to a requested size, the padding split as the ONNX spec says.
  SmallVector<int64_t> output, padBefore, extents;
  for (int64_t i = 0; i < spatialRank; ++i) {
    int64_t stride = (*strides)[i], dilation = (*dilations)[i];
    if (stride <= 0 || dilation <= 0 || kernel[i] <= 0)
      return ctx.emitError() << "strides, dilations and kernel_shape must be positive";
    int64_t extent = (kernel[i] - 1) * dilation + 1;
    int64_t full = stride * (spatial[i] - 1) + (*outputPadding)[i] + extent;
    int64_t size, before;
    if (outputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      size = outputShape ? (*outputShape)[i] : spatial[i] * stride;
      // A negative total (a requested size beyond the full output) halves toward -inf, so the extra zeros go
      // after the data, as in the ONNX reference.
      int64_t total = full - size, half = llvm::divideFloorSigned(total, 2);
      before = autoPad == "SAME_UPPER" ? half : total - half;
    } else {
      before = autoPad == "VALID" ? 0 : (*pads)[i];
      size = full - before - (autoPad == "VALID" ? 0 : (*pads)[spatialRank + i]);
    }
    if (size <= 0)
      return ctx.emitError() << "spatial dim " << i << " of the output would be " << size << " elements";
    output.push_back(size);
    padBefore.push_back(before);
    extents.push_back(extent);
  }

  bool tiling = group == 1;
  for (int64_t i = 0; i < spatialRank; ++i)
    tiling = tiling && kernel[i] == (*strides)[i] && (*dilations)[i] == 1 && padBefore[i] == 0 &&
             output[i] == spatial[i] * kernel[i];
  if (tiling)
    return convertTilingConvTranspose(ctx);

  ImplicitLocOpBuilder &b = ctx.builder();
  MLIRContext *context = ctx.context();
  Type elementType = x.type().getElementType();
  Value zero = scalarConstant(b, b.getLoc(), elementType, 0);
  // The transposed convolution is a stride-1 convolution with the flipped kernel over the input spread out by the
  // strides (zeros between elements) in a zero buffer: output o reads buffer[o + base + k * dilation] with the
  // input's element i at buffer[offset + i * stride].
  SmallVector<int64_t> bufferShape = {batch, channels}, offsets = {0, 0}, bases, insertStrides = {1, 1};
  for (int64_t i = 0; i < spatialRank; ++i) {
    int64_t offset = std::max<int64_t>(0, extents[i] - 1 - padBefore[i]);
    int64_t base = padBefore[i] - (extents[i] - 1) + offset;
    bufferShape.push_back(std::max(offset + (spatial[i] - 1) * (*strides)[i] + 1, base + output[i] - 1 + extents[i]));
    offsets.push_back(offset);
    bases.push_back(base);
    insertStrides.push_back((*strides)[i]);
  }
  Value buffer = tensor::InsertSliceOp::create(
      b, x.value, filledTensor(b, bufferShape, zero), getAsIndexOpFoldResult(context, offsets),
      getAsIndexOpFoldResult(context, x.shape()), getAsIndexOpFoldResult(context, insertStrides));
  Value input = expandGroupDim(b, buffer, 1, group);
  Value weights = expandGroupDim(b, w.value, 0, group);

  // Loop dims: n, g, m, spatial outputs..., c, window...
  int64_t outputDim = 3, channelDim = 3 + spatialRank, windowDim = channelDim + 1, numDims = windowDim + spatialRank;
  auto dim = [&](int64_t index) { return getAffineDimExpr(index, context); };
  SmallVector<AffineExpr> inputExprs = {dim(0), dim(1), dim(channelDim)};
  SmallVector<AffineExpr> weightExprs = {dim(1), dim(channelDim), dim(2)};
  SmallVector<AffineExpr> outputExprs = {dim(0), dim(1), dim(2)};
  for (int64_t i = 0; i < spatialRank; ++i) {
    inputExprs.push_back(dim(outputDim + i) + dim(windowDim + i) * (*dilations)[i] + bases[i]);
    weightExprs.push_back(getAffineConstantExpr(kernel[i] - 1, context) - dim(windowDim + i));
    outputExprs.push_back(dim(outputDim + i));
  }
  // The flipped kernel's maps are not projections, so a window operand gives the window loops their sizes.
  SmallVector<AffineExpr> windowExprs;
  for (int64_t i = 0; i < spatialRank; ++i)
    windowExprs.push_back(dim(windowDim + i));
  SmallVector<AffineMap> maps = {
      AffineMap::get(numDims, 0, inputExprs, context), AffineMap::get(numDims, 0, weightExprs, context),
      AffineMap::get(numDims, 0, windowExprs, context), AffineMap::get(numDims, 0, outputExprs, context)};
  SmallVector<utils::IteratorType> iterators(channelDim, utils::IteratorType::parallel);
  iterators.append(spatialRank + 1, utils::IteratorType::reduction);
  SmallVector<int64_t> resultShape = {batch, group, groupFilters};
  llvm::append_range(resultShape, output);
  Value result =
      buildGeneric(b, {input, weights, emptyTensor(b, kernel, elementType)}, filledTensor(b, resultShape, zero), maps,
                   iterators, [&](OpBuilder &nested, Location loc, ValueRange args) {
                     Value product = arith::MulFOp::create(nested, loc, args[0], args[1]);
                     return arith::AddFOp::create(nested, loc, args[3], product);
                   });
  return setGroupedResult(ctx, result, /*grouped=*/true, filters);
}

} // namespace het::frontend
