// Building blocks the ONNX converters share: broadcasting linalg.generic, reductions, reshapes, scalar math by
// ONNX dtype.
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;

namespace het::frontend {

FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (ArrayRef<int64_t> shape : shapes) {
    size_t offset = rank - shape.size();
    for (auto [i, dim] : llvm::enumerate(shape)) {
      int64_t &out = result[offset + i];
      if (dim == out || dim == 1)
        continue;
      if (out != 1)
        return failure();
      out = dim;
    }
  }
  return result;
}

AffineMap broadcastMap(ArrayRef<int64_t> from, ArrayRef<int64_t> to, MLIRContext *context) {
  assert(from.size() <= to.size() && "broadcasting never drops dims");
  size_t offset = to.size() - from.size();
  SmallVector<AffineExpr> results;
  for (auto [i, dim] : llvm::enumerate(from)) {
    if (dim == 1 && to[offset + i] != 1)
      results.push_back(getAffineConstantExpr(0, context));
    else
      results.push_back(getAffineDimExpr(offset + i, context));
  }
  return AffineMap::get(to.size(), 0, results, context);
}

Value emptyTensor(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape, Type elementType) {
  return tensor::EmptyOp::create(b, shape, elementType);
}

Value emptyConstant(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape, Type elementType) {
  assert(ShapedType::getNumElements(shape) == 0 && "only an empty tensor is known without its values");
  return arith::ConstantOp::create(
      b, DenseElementsAttr::get(RankedTensorType::get(shape, elementType), ArrayRef<Attribute>{}));
}

Value scalarConstant(OpBuilder &b, Location loc, Type elementType, double value) {
  if (auto floatType = dyn_cast<FloatType>(elementType))
    return arith::ConstantOp::create(b, loc, FloatAttr::get(floatType, value));
  unsigned width = elementType.getIntOrFloatBitWidth();
  APInt bits(width, static_cast<uint64_t>(static_cast<int64_t>(value)), /*isSigned=*/false, /*implicitTrunc=*/true);
  if (width == 1)
    bits = APInt(1, value != 0 ? 1 : 0);
  return arith::ConstantOp::create(b, loc, IntegerAttr::get(elementType, bits));
}

Value extremeConstant(OpBuilder &b, Location loc, int32_t dtype, bool largest) {
  Type type = elementTypeOf(dtype, b.getContext());
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, FloatAttr::get(floatType, APFloat::getInf(floatType.getFloatSemantics(), !largest)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt bits;
  if (isUnsignedDType(dtype) || dtype == kBool)
    bits = largest ? APInt::getMaxValue(width) : APInt::getMinValue(width);
  else
    bits = largest ? APInt::getSignedMaxValue(width) : APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc, IntegerAttr::get(type, bits));
}

Value filledTensor(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape, Value scalar) {
  Value empty = emptyTensor(b, shape, scalar.getType());
  return linalg::FillOp::create(b, ValueRange{scalar}, ValueRange{empty}).getResult(0);
}

Value denseConstant(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape, Type elementType, ArrayRef<double> values) {
  SmallVector<Attribute> attributes;
  for (double value : values) {
    if (isa<FloatType>(elementType))
      attributes.push_back(FloatAttr::get(elementType, value));
    else
      attributes.push_back(IntegerAttr::get(elementType, static_cast<int64_t>(value)));
  }
  return arith::ConstantOp::create(b, DenseElementsAttr::get(RankedTensorType::get(shape, elementType), attributes));
}

std::optional<Value> transposedConstant(ImplicitLocOpBuilder &b, Value value, ArrayRef<int64_t> shape,
                                        ArrayRef<int64_t> perm) {
  DenseElementsAttr dense;
  if (!matchPattern(value, m_Constant(&dense)))
    return std::nullopt;
  auto type = cast<RankedTensorType>(dense.getType());
  unsigned bits = type.getElementTypeBitWidth();
  if (bits % 8 != 0 || computeProduct(shape) != type.getNumElements())
    return std::nullopt;
  auto resultType = RankedTensorType::get(applyPermutation(shape, perm), type.getElementType());
  if (dense.isSplat())
    return arith::ConstantOp::create(b, dense.reshape(resultType)).getResult();
  // Walks the result in order; `index` is its position, read from the source through the permuted strides.
  SmallVector<int64_t> sourceStrides = applyPermutation(computeSuffixProduct(shape), perm);
  ArrayRef<int64_t> resultShape = resultType.getShape();
  size_t bytes = bits / 8;
  ArrayRef<char> raw = dense.getRawData();
  std::vector<char> transposed(raw.size());
  SmallVector<int64_t> index(shape.size(), 0);
  for (size_t element = 0; element * bytes < transposed.size(); ++element) {
    int64_t source = linearize(index, sourceStrides);
    std::memcpy(&transposed[element * bytes], &raw[source * bytes], bytes);
    for (int64_t dim = static_cast<int64_t>(index.size()) - 1; dim >= 0 && ++index[dim] == resultShape[dim]; --dim)
      index[dim] = 0;
  }
  return arith::ConstantOp::create(b, DenseElementsAttr::getFromRawBuffer(resultType, transposed)).getResult();
}

Value buildGeneric(ImplicitLocOpBuilder &b, ValueRange inputs, Value init, ArrayRef<AffineMap> maps,
                   ArrayRef<utils::IteratorType> iterators, ScalarBody body) {
  auto generic =
      linalg::GenericOp::create(b, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators, /*doc=*/"",
                                /*libraryCall=*/"", [&](OpBuilder &nested, Location loc, ValueRange args) {
                                  linalg::YieldOp::create(nested, loc, body(nested, loc, args));
                                });
  return generic.getResult(0);
}

Value buildElementwise(ImplicitLocOpBuilder &b, ValueRange inputs, ArrayRef<int64_t> shape, Type resultElementType,
                       ScalarBody body) {
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(broadcastMap(cast<RankedTensorType>(input.getType()).getShape(), shape, b.getContext()));
  maps.push_back(AffineMap::getMultiDimIdentityMap(shape.size(), b.getContext()));
  SmallVector<utils::IteratorType> iterators(shape.size(), utils::IteratorType::parallel);
  size_t count = inputs.size();
  return buildGeneric(
      b, inputs, emptyTensor(b, shape, resultElementType), maps, iterators,
      [&](OpBuilder &nested, Location loc, ValueRange args) { return body(nested, loc, args.take_front(count)); });
}

FailureOr<SmallVector<int64_t>> broadcastInputs(NodeContext &ctx, ArrayRef<OnnxValue> inputs) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (const OnnxValue &input : inputs)
    shapes.push_back(input.shape());
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(shapes);
  if (succeeded(shape))
    return shape;
  auto diagnostic = ctx.emitError() << "input shapes do not broadcast:";
  for (ArrayRef<int64_t> inputShape : shapes) {
    diagnostic << " [";
    llvm::interleaveComma(inputShape, diagnostic);
    diagnostic << "]";
  }
  return diagnostic;
}

LogicalResult emitBroadcastNode(NodeContext &ctx, ArrayRef<OnnxValue> inputs, int32_t resultDType, ScalarBody body) {
  FailureOr<SmallVector<int64_t>> shape = broadcastInputs(ctx, inputs);
  if (failed(shape))
    return failure();
  ImplicitLocOpBuilder &b = ctx.builder();
  if (ShapedType::getNumElements(*shape) == 0) {
    ctx.setOutput(0, {emptyConstant(b, *shape, elementTypeOf(resultDType, ctx.context())), resultDType});
    return success();
  }
  // float16 and bfloat16 are computed in f32 (see castScalar): half inputs are widened, a half result narrowed.
  SmallVector<Value> values;
  for (const OnnxValue &input : inputs)
    values.push_back(isHalfDType(input.dtype) ? castTensor(b, input, kFloat).value : input.value);
  int32_t computeDType = isHalfDType(resultDType) ? kFloat : resultDType;
  Value result = buildElementwise(b, values, *shape, elementTypeOf(computeDType, ctx.context()), body);
  ctx.setOutput(0, castTensor(b, {result, computeDType}, resultDType));
  return success();
}

AffineMap reducedDimsMap(int64_t rank, ArrayRef<int64_t> dims, MLIRContext *context) {
  SmallVector<AffineExpr> results;
  for (int64_t dim = 0; dim < rank; ++dim)
    if (!llvm::is_contained(dims, dim))
      results.push_back(getAffineDimExpr(dim, context));
  return AffineMap::get(rank, 0, results, context);
}

Value buildReduction(ImplicitLocOpBuilder &b, Value input, ArrayRef<int64_t> dims, Value init, ScalarBody combine) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> resultShape;
  SmallVector<utils::IteratorType> iterators;
  for (auto [dim, size] : llvm::enumerate(type.getShape())) {
    bool reduced = llvm::is_contained(dims, static_cast<int64_t>(dim));
    iterators.push_back(reduced ? utils::IteratorType::reduction : utils::IteratorType::parallel);
    if (!reduced)
      resultShape.push_back(size);
  }
  AffineMap maps[] = {AffineMap::getMultiDimIdentityMap(type.getRank(), b.getContext()),
                      reducedDimsMap(type.getRank(), dims, b.getContext())};
  return buildGeneric(b, ValueRange{input}, filledTensor(b, resultShape, init), maps, iterators, combine);
}

FailureOr<WindowGeometry> windowGeometry(NodeContext &ctx, ArrayRef<int64_t> spatial, ArrayRef<int64_t> kernel,
                                         bool ceilMode) {
  size_t count = spatial.size();
  WindowGeometry geometry;
  geometry.kernel.assign(kernel.begin(), kernel.end());
  auto readList = [&](StringRef name, int64_t defaultValue, size_t size,
                      SmallVector<int64_t> &values) -> LogicalResult {
    values = ctx.intsAttribute(name).value_or(SmallVector<int64_t>(size, defaultValue));
    if (values.size() != size)
      return ctx.emitError() << name << " has " << values.size() << " entries; the input needs " << size;
    return success();
  };
  SmallVector<int64_t> pads;
  if (failed(readList("strides", 1, count, geometry.strides)) ||
      failed(readList("dilations", 1, count, geometry.dilations)) || failed(readList("pads", 0, 2 * count, pads)))
    return failure();
  std::string autoPad = ctx.stringAttribute("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return ctx.emitError() << "auto_pad '" << autoPad << "' is not supported; supported: NOTSET, VALID, SAME_UPPER, "
                           << "SAME_LOWER";
  for (size_t i = 0; i < count; ++i) {
    int64_t stride = geometry.strides[i], dilation = geometry.dilations[i], size = spatial[i];
    if (stride <= 0 || dilation <= 0 || kernel[i] <= 0)
      return ctx.emitError() << "strides, dilations and kernel_shape must be positive";
    int64_t extent = (kernel[i] - 1) * dilation + 1;
    int64_t before = 0, after = 0, output = 0;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      output = (size + stride - 1) / stride;
      int64_t total = std::max<int64_t>((output - 1) * stride + extent - size, 0);
      before = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      after = total - before;
    } else {
      if (autoPad == "NOTSET") {
        before = pads[i];
        after = pads[count + i];
      }
      int64_t available = size + before + after - extent;
      if (available < 0)
        return ctx.emitError() << "the window (extent " << extent << ") is larger than the padded input (" << size
                               << " + " << before + after << ") in spatial dim " << i;
      output = (ceilMode ? (available + stride - 1) / stride : available / stride) + 1;
      // A window that would start in the trailing padding only is dropped, as in PyTorch and ONNX Runtime.
      if (ceilMode && (output - 1) * stride >= size + before)
        --output;
    }
    after += std::max<int64_t>((output - 1) * stride + extent - (size + before + after), 0);
    geometry.padBefore.push_back(before);
    geometry.padAfter.push_back(after);
    geometry.output.push_back(output);
  }
  return geometry;
}

Value padSpatial(ImplicitLocOpBuilder &b, Value input, const WindowGeometry &geometry, Value value) {
  if (llvm::all_of(geometry.padBefore, [](int64_t pad) { return pad == 0; }) &&
      llvm::all_of(geometry.padAfter, [](int64_t pad) { return pad == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> low = {0, 0}, high = {0, 0};
  llvm::append_range(low, geometry.padBefore);
  llvm::append_range(high, geometry.padAfter);
  SmallVector<int64_t> shape(type.getShape());
  for (size_t dim = 0; dim < shape.size(); ++dim)
    shape[dim] += low[dim] + high[dim];
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, resultType, input, getAsIndexOpFoldResult(b.getContext(), low),
                               getAsIndexOpFoldResult(b.getContext(), high), value);
}

AffineMap windowInputMap(ArrayRef<int64_t> leadingDims, int64_t firstOutputDim, int64_t firstWindowDim, int64_t numDims,
                         const WindowGeometry &geometry, MLIRContext *context) {
  SmallVector<AffineExpr> exprs;
  for (int64_t dim : leadingDims)
    exprs.push_back(getAffineDimExpr(dim, context));
  for (size_t i = 0; i < geometry.kernel.size(); ++i)
    exprs.push_back(getAffineDimExpr(firstOutputDim + i, context) * geometry.strides[i] +
                    getAffineDimExpr(firstWindowDim + i, context) * geometry.dilations[i]);
  return AffineMap::get(numDims, 0, exprs, context);
}

Value reshapeTensor(ImplicitLocOpBuilder &b, Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  Type elementType = type.getElementType();
  auto flatType = RankedTensorType::get({type.getNumElements()}, elementType);
  Value flat = value;
  if (type.getRank() == 0)
    flat = tensor::ExpandShapeOp::create(b, flatType, value, ArrayRef<ReassociationIndices>{});
  else if (type.getRank() > 1)
    flat = tensor::CollapseShapeOp::create(
        b, flatType, value, ArrayRef<ReassociationIndices>{llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()))});
  auto resultType = RankedTensorType::get(shape, elementType);
  if (shape.size() == 1)
    return flat;
  if (shape.empty())
    return tensor::CollapseShapeOp::create(b, resultType, flat, ArrayRef<ReassociationIndices>{});
  return tensor::ExpandShapeOp::create(
      b, resultType, flat,
      ArrayRef<ReassociationIndices>{llvm::to_vector(llvm::seq<int64_t>(0, static_cast<int64_t>(shape.size())))});
}

Value scalarBinary(OpBuilder &b, Location loc, BinaryKind kind, Value lhs, Value rhs, int32_t dtype) {
  if (isFloatDType(dtype)) {
    switch (kind) {
    case BinaryKind::Add:
      return arith::AddFOp::create(b, loc, lhs, rhs);
    case BinaryKind::Sub:
      return arith::SubFOp::create(b, loc, lhs, rhs);
    case BinaryKind::Mul:
      return arith::MulFOp::create(b, loc, lhs, rhs);
    case BinaryKind::Div:
      return arith::DivFOp::create(b, loc, lhs, rhs);
    case BinaryKind::Max:
      return arith::MaximumFOp::create(b, loc, lhs, rhs);
    case BinaryKind::Min:
      return arith::MinimumFOp::create(b, loc, lhs, rhs);
    case BinaryKind::Pow:
      return math::PowFOp::create(b, loc, lhs, rhs);
    }
  }
  bool isUnsigned = isUnsignedDType(dtype) || dtype == kBool;
  switch (kind) {
  case BinaryKind::Add:
    return arith::AddIOp::create(b, loc, lhs, rhs);
  case BinaryKind::Sub:
    return arith::SubIOp::create(b, loc, lhs, rhs);
  case BinaryKind::Mul:
    return arith::MulIOp::create(b, loc, lhs, rhs);
  case BinaryKind::Div:
    return isUnsigned ? Value(arith::DivUIOp::create(b, loc, lhs, rhs))
                      : Value(arith::DivSIOp::create(b, loc, lhs, rhs));
  case BinaryKind::Max:
    return isUnsigned ? Value(arith::MaxUIOp::create(b, loc, lhs, rhs))
                      : Value(arith::MaxSIOp::create(b, loc, lhs, rhs));
  case BinaryKind::Min:
    return isUnsigned ? Value(arith::MinUIOp::create(b, loc, lhs, rhs))
                      : Value(arith::MinSIOp::create(b, loc, lhs, rhs));
  case BinaryKind::Pow: {
    // numpy computes an integer power exactly; a double holds every result these tests can produce.
    Value base = castScalar(b, loc, lhs, dtype, kDouble);
    Value exponent = castScalar(b, loc, rhs, dtype, kDouble);
    return castScalar(b, loc, math::PowFOp::create(b, loc, base, exponent), kDouble, dtype);
  }
  }
  llvm_unreachable("unknown binary kind");
}

namespace {

Value i32Constant(OpBuilder &b, Location loc, uint32_t value) {
  return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(static_cast<int32_t>(value)));
}

/// The f32 a float16 or bfloat16 scalar holds, exactly. The conversions between half types and f32 are integer
/// operations on the bits, so that no target needs half-precision instructions or a runtime library for them (the
/// CPU shared objects link none, HLS C++ has no half type); targets only load, store and bitcast half values.
Value extendHalfToF32(OpBuilder &b, Location loc, Value half, int32_t dtype) {
  Type f32 = b.getF32Type();
  Value bits = arith::ExtUIOp::create(b, loc, b.getI32Type(), arith::BitcastOp::create(b, loc, b.getI16Type(), half));
  if (dtype == kBFloat16)
    return arith::BitcastOp::create(b, loc, f32, arith::ShLIOp::create(b, loc, bits, i32Constant(b, loc, 16)));
  Value sign = arith::ShLIOp::create(b, loc, arith::AndIOp::create(b, loc, bits, i32Constant(b, loc, 0x8000)),
                                     i32Constant(b, loc, 16));
  Value magnitude = arith::AndIOp::create(b, loc, bits, i32Constant(b, loc, 0x7fff));
  Value shifted = arith::ShLIOp::create(b, loc, magnitude, i32Constant(b, loc, 13));
  // A normal number moves its exponent from bias 15 to bias 127; infinity and NaN keep an all-ones exponent.
  Value normal = arith::AddIOp::create(b, loc, shifted, i32Constant(b, loc, 112u << 23));
  Value special = arith::OrIOp::create(b, loc, shifted, i32Constant(b, loc, 0x7f800000));
  // A subnormal is its mantissa times 2^-24, which f32 holds as a normal number: exact without denormal support.
  Value subnormal =
      arith::BitcastOp::create(b, loc, b.getI32Type(),
                               arith::MulFOp::create(b, loc, arith::UIToFPOp::create(b, loc, f32, magnitude),
                                                     arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0x1p-24f))));
  Value isSubnormal = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, magnitude, i32Constant(b, loc, 0x400));
  Value isSpecial = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, magnitude, i32Constant(b, loc, 0x7c00));
  Value result = arith::SelectOp::create(b, loc, isSpecial, special,
                                         arith::SelectOp::create(b, loc, isSubnormal, subnormal, normal));
  return arith::BitcastOp::create(b, loc, f32, arith::OrIOp::create(b, loc, result, sign));
}

/// `value` (f32) as a float16 or bfloat16, in integer operations as extendHalfToF32 says. float16 rounds to
/// nearest even (numpy's astype); bfloat16 keeps the upper 16 bits, as the ONNX reference's Cast does (opset 13
/// backend tests), with NaN kept a NaN.
Value truncateF32ToHalf(OpBuilder &b, Location loc, Value value, int32_t dtype) {
  Type i32 = b.getI32Type();
  Value bits = arith::BitcastOp::create(b, loc, i32, value);
  Value sign = arith::AndIOp::create(b, loc, bits, i32Constant(b, loc, 0x80000000));
  Value magnitude = arith::XOrIOp::create(b, loc, bits, sign);
  Value isNaN = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, magnitude, i32Constant(b, loc, 0x7f800000));
  Value result;
  if (dtype == kBFloat16) {
    result = arith::SelectOp::create(b, loc, isNaN, i32Constant(b, loc, 0x7fc0),
                                     arith::ShRUIOp::create(b, loc, magnitude, i32Constant(b, loc, 16)));
  } else {
    // Normal results: rebias the exponent and round the 13 dropped bits to nearest even.
    Value odd = arith::AndIOp::create(b, loc, arith::ShRUIOp::create(b, loc, magnitude, i32Constant(b, loc, 13)),
                                      i32Constant(b, loc, 1));
    Value rounded = arith::AddIOp::create(
        b, loc, arith::AddIOp::create(b, loc, magnitude, i32Constant(b, loc, (uint32_t(-112) << 23) + 0xfff)), odd);
    Value normal = arith::ShRUIOp::create(b, loc, rounded, i32Constant(b, loc, 13));
    // Subnormal results: adding 0.5 lines the f16 mantissa up with f32's low bits, and the f32 addition rounds.
    Value oneHalf = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.5f));
    Value sum = arith::AddFOp::create(b, loc, arith::BitcastOp::create(b, loc, b.getF32Type(), magnitude), oneHalf);
    Value subnormal =
        arith::SubIOp::create(b, loc, arith::BitcastOp::create(b, loc, i32, sum), i32Constant(b, loc, 0x3f000000));
    Value isSubnormal =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, magnitude, i32Constant(b, loc, 113u << 23));
    Value overflows =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, magnitude, i32Constant(b, loc, 143u << 23));
    result = arith::SelectOp::create(b, loc, isSubnormal, subnormal, normal);
    result = arith::SelectOp::create(b, loc, overflows, i32Constant(b, loc, 0x7c00), result);
    result = arith::SelectOp::create(b, loc, isNaN, i32Constant(b, loc, 0x7e00), result);
  }
  result = arith::OrIOp::create(b, loc, result, arith::ShRUIOp::create(b, loc, sign, i32Constant(b, loc, 16)));
  Value half16 = arith::TruncIOp::create(b, loc, b.getI16Type(), result);
  return arith::BitcastOp::create(b, loc, elementTypeOf(dtype, b.getContext()), half16);
}

} // namespace

Value castScalar(OpBuilder &b, Location loc, Value value, int32_t from, int32_t to) {
  if (from == to)
    return value;
  if (isHalfDType(from))
    return castScalar(b, loc, extendHalfToF32(b, loc, value, from), kFloat, to);
  if (isHalfDType(to))
    return truncateF32ToHalf(b, loc, castScalar(b, loc, value, from, kFloat), to);
  Type target = elementTypeOf(to, b.getContext());
  Type source = value.getType();
  bool fromFloat = isFloatDType(from), toFloat = isFloatDType(to);
  bool fromUnsigned = isUnsignedDType(from) || from == kBool;
  if (to == kBool) {
    Value zero = scalarConstant(b, loc, source, 0);
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value, zero);
  }
  if (fromFloat && toFloat) {
    unsigned fromWidth = source.getIntOrFloatBitWidth(), toWidth = target.getIntOrFloatBitWidth();
    if (fromWidth == toWidth)
      return value;
    return fromWidth < toWidth ? Value(arith::ExtFOp::create(b, loc, target, value))
                               : Value(arith::TruncFOp::create(b, loc, target, value));
  }
  if (fromFloat)
    return isUnsignedDType(to) ? Value(arith::FPToUIOp::create(b, loc, target, value))
                               : Value(arith::FPToSIOp::create(b, loc, target, value));
  if (toFloat)
    return fromUnsigned ? Value(arith::UIToFPOp::create(b, loc, target, value))
                        : Value(arith::SIToFPOp::create(b, loc, target, value));
  unsigned fromWidth = source.getIntOrFloatBitWidth(), toWidth = target.getIntOrFloatBitWidth();
  if (fromWidth == toWidth)
    return value;
  if (fromWidth > toWidth)
    return arith::TruncIOp::create(b, loc, target, value);
  return fromUnsigned ? Value(arith::ExtUIOp::create(b, loc, target, value))
                      : Value(arith::ExtSIOp::create(b, loc, target, value));
}

OnnxValue castTensor(ImplicitLocOpBuilder &b, OnnxValue value, int32_t to) {
  if (value.dtype == to)
    return value;
  int32_t from = value.dtype;
  Value result = buildElementwise(
      b, ValueRange{value.value}, value.shape(), elementTypeOf(to, b.getContext()),
      [&](OpBuilder &nested, Location loc, ValueRange args) { return castScalar(nested, loc, args[0], from, to); });
  return {result, to};
}

SmallVector<OnnxValue> OpChain::ops(StringRef type, ArrayRef<OnnxValue> inputs, unsigned numResults,
                                    ArrayRef<OpAttribute> attributes) {
  if (hasFailed)
    return SmallVector<OnnxValue>(numResults);
  FailureOr<SmallVector<OnnxValue>> results = ctx.convertOp(type, inputs, numResults, attributes);
  if (mlir::failed(results)) {
    hasFailed = true;
    return SmallVector<OnnxValue>(numResults);
  }
  return *results;
}

OnnxValue OpChain::op(StringRef type, ArrayRef<OnnxValue> inputs, ArrayRef<OpAttribute> attributes) {
  return ops(type, inputs, 1, attributes)[0];
}

OnnxValue OpChain::transpose(OnnxValue value, ArrayRef<int64_t> perm) {
  return op("Transpose", {value}, {{"perm", SmallVector<int64_t>(perm)}});
}

OnnxValue OpChain::select(OnnxValue value, int64_t index, int64_t axis) {
  return op("Gather", {value, integers({}, {index})}, {{"axis", axis}});
}

OnnxValue OpChain::unsqueeze(OnnxValue value, int64_t axis) { return op("Unsqueeze", {value, integers({1}, {axis})}); }

SmallVector<OnnxValue> OpChain::split(OnnxValue value, int64_t axis, unsigned parts) {
  if (hasFailed)
    return SmallVector<OnnxValue>(parts);
  SmallVector<int64_t> sizes(parts, value.shape()[axis] / parts);
  return ops("Split", {value, integers({parts}, sizes)}, parts, {{"axis", axis}});
}

OnnxValue OpChain::concat(ArrayRef<OnnxValue> values, int64_t axis) {
  return values.size() == 1 ? values[0] : op("Concat", values, {{"axis", axis}});
}

OnnxValue OpChain::stack(ArrayRef<OnnxValue> values, int64_t axis) {
  SmallVector<OnnxValue> expanded;
  for (const OnnxValue &value : values)
    expanded.push_back(unsqueeze(value, axis));
  return concat(expanded, axis);
}

OnnxValue OpChain::integers(ArrayRef<int64_t> shape, ArrayRef<int64_t> values, int32_t dtype) {
  auto type = RankedTensorType::get(shape, elementTypeOf(dtype, ctx.context()));
  SmallVector<APInt> bits = llvm::map_to_vector(
      values, [&](int64_t value) { return APInt(type.getElementTypeBitWidth(), value, /*isSigned=*/value < 0); });
  return {arith::ConstantOp::create(ctx.builder(), DenseElementsAttr::get(type, bits)), dtype};
}

OnnxValue OpChain::filled(ArrayRef<int64_t> shape, double value, int32_t dtype) {
  ImplicitLocOpBuilder &b = ctx.builder();
  return {filledTensor(b, shape, scalarConstant(b, b.getLoc(), elementTypeOf(dtype, ctx.context()), value)), dtype};
}

Value ScalarMath::constant(double value) { return scalarConstant(b, loc, type, value); }
Value ScalarMath::add(Value lhs, Value rhs) { return arith::AddFOp::create(b, loc, lhs, rhs); }
Value ScalarMath::sub(Value lhs, Value rhs) { return arith::SubFOp::create(b, loc, lhs, rhs); }
Value ScalarMath::mul(Value lhs, Value rhs) { return arith::MulFOp::create(b, loc, lhs, rhs); }
Value ScalarMath::div(Value lhs, Value rhs) { return arith::DivFOp::create(b, loc, lhs, rhs); }
Value ScalarMath::max(Value lhs, Value rhs) { return arith::MaximumFOp::create(b, loc, lhs, rhs); }
Value ScalarMath::min(Value lhs, Value rhs) { return arith::MinimumFOp::create(b, loc, lhs, rhs); }
Value ScalarMath::exp(Value value) { return math::ExpOp::create(b, loc, value); }
Value ScalarMath::sqrt(Value value) { return math::SqrtOp::create(b, loc, value); }
Value ScalarMath::less(Value lhs, Value rhs) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, lhs, rhs);
}
Value ScalarMath::equal(Value lhs, Value rhs) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, lhs, rhs);
}
Value ScalarMath::select(Value condition, Value lhs, Value rhs) {
  return arith::SelectOp::create(b, loc, condition, lhs, rhs);
}

} // namespace het::frontend
