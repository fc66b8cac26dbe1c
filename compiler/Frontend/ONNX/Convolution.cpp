// ONNX Conv over any number of spatial dims (groups, dilations, strides, explicit pads or auto_pad, bias) as one
// linalg.generic.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace het::frontend {

LogicalResult convertConv(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  OnnxValue x = ctx.input(0), w = ctx.input(1);
  int64_t rank = x.rank(), spatialRank = rank - 2;
  if (rank < 3 || w.rank() != rank)
    return ctx.emitError() << "X must be N x C x spatial... (rank 3 or more) and W of the same rank; got ranks " << rank
                           << " and " << w.rank();
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
  MLIRContext *context = ctx.context();
  Type elementType = x.type().getElementType();
  Value zero = scalarConstant(b, b.getLoc(), elementType, 0);
  Value input = padSpatial(b, x.value, *geometry, zero);
  Value weights = w.value;
  int64_t groupFilters = filters / group;
  bool grouped = group > 1;
  // Grouped convolution gets an explicit group dim (expanded from the channel dims) so every indexing map stays
  // a plain affine function of the loop dims.
  auto withGroup = [&](Value value, int64_t groupDim, int64_t inner) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[groupDim] = inner;
    shape.insert(shape.begin() + groupDim, group);
    SmallVector<ReassociationIndices> reassociation;
    for (int64_t dim = 0, next = 0; dim < type.getRank(); ++dim) {
      if (dim == groupDim)
        reassociation.push_back({next++, next++});
      else
        reassociation.push_back({next++});
    }
    return tensor::ExpandShapeOp::create(b, RankedTensorType::get(shape, elementType), value, reassociation);
  };
  if (grouped) {
    input = withGroup(input, 1, groupChannels);
    weights = withGroup(weights, 0, groupFilters);
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
  int32_t dtype = x.dtype;
  Value result = buildGeneric(b, {input, weights}, filledTensor(b, resultShape, zero), maps, iterators,
                              [&](OpBuilder &nested, Location loc, ValueRange args) {
                                Value product = arith::MulFOp::create(nested, loc, args[0], args[1]);
                                return arith::AddFOp::create(nested, loc, args[2], product);
                              });
  if (grouped) {
    SmallVector<ReassociationIndices> reassociation = {{0}, {1, 2}};
    for (int64_t i = 0; i < spatialRank; ++i)
      reassociation.push_back({3 + i});
    result = tensor::CollapseShapeOp::create(b, result, reassociation);
  }
  if (ctx.hasInput(2)) {
    OnnxValue bias = ctx.input(2);
    if (bias.rank() != 1 || bias.shape()[0] != filters)
      return ctx.emitError() << "B must be 1-D with " << filters << " entries";
    SmallVector<int64_t> biasShape(spatialRank + 1, 1);
    biasShape[0] = filters;
    Value shapedBias = reshapeTensor(b, bias.value, biasShape);
    auto type = cast<RankedTensorType>(result.getType());
    result = buildElementwise(b, {result, shapedBias}, type.getShape(), elementType,
                              [](OpBuilder &nested, Location loc, ValueRange args) -> Value {
                                return arith::AddFOp::create(nested, loc, args[0], args[1]);
                              });
  }
  ctx.setOutput(0, {result, dtype});
  return success();
}

} // namespace het::frontend
