// Building blocks the ONNX converters share: broadcasting linalg.generic, reductions, reshapes, scalar math by
// ONNX dtype.
#ifndef HET_COMPILER_FRONTEND_ONNX_LINALGEMITTER_H
#define HET_COMPILER_FRONTEND_ONNX_LINALGEMITTER_H

#include "ConverterRegistry.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace het::frontend {

/// Computes a scalar from the scalars of a generic's operands (inputs, then the output's current value).
using ScalarBody = llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// numpy broadcasting of `shapes`; failure when two dims differ and neither is 1.
mlir::FailureOr<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);
/// The indexing map that reads an operand of shape `from` broadcast (numpy-style, aligned at the back) to `to`.
mlir::AffineMap broadcastMap(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to, mlir::MLIRContext *context);

mlir::Value emptyTensor(mlir::ImplicitLocOpBuilder &b, llvm::ArrayRef<int64_t> shape, mlir::Type elementType);
/// A constant of `shape`, which has no elements: what a converter gives for an empty result, which holds nothing to
/// compute and so needs no kernel.
mlir::Value emptyConstant(mlir::ImplicitLocOpBuilder &b, llvm::ArrayRef<int64_t> shape, mlir::Type elementType);
/// A scalar of `elementType` holding `value` (converted; integers truncate toward zero).
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type elementType, double value);
/// The smallest (or largest) value of the type: -inf/+inf for floats, the integer limits by signedness.
mlir::Value extremeConstant(mlir::OpBuilder &b, mlir::Location loc, int32_t dtype, bool largest);
mlir::Value filledTensor(mlir::ImplicitLocOpBuilder &b, llvm::ArrayRef<int64_t> shape, mlir::Value scalar);
/// A constant tensor of `shape` holding `values` (row-major) converted to `elementType`.
mlir::Value denseConstant(mlir::ImplicitLocOpBuilder &b, llvm::ArrayRef<int64_t> shape, mlir::Type elementType,
                          llvm::ArrayRef<double> values);
/// The constant `value` read as `shape` (the same element count, row-major) and transposed by `perm`, as a new
/// constant: weights laid out at compile time the way a kernel reads them. None when `value` is not a constant or
/// its elements are narrower than a byte.
std::optional<mlir::Value> transposedConstant(mlir::ImplicitLocOpBuilder &b, mlir::Value value,
                                              llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> perm);

/// A linalg.generic over explicit maps, the last map for the output `init`.
mlir::Value buildGeneric(mlir::ImplicitLocOpBuilder &b, mlir::ValueRange inputs, mlir::Value init,
                         llvm::ArrayRef<mlir::AffineMap> maps, llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                         ScalarBody body);
/// A parallel linalg.generic whose inputs are numpy-broadcast to `shape`; the body sees the input scalars only.
mlir::Value buildElementwise(mlir::ImplicitLocOpBuilder &b, mlir::ValueRange inputs, llvm::ArrayRef<int64_t> shape,
                             mlir::Type resultElementType, ScalarBody body);
/// Reduces `input` over the sorted `dims` with `combine(element, accumulator)`, starting from `init`; the
/// result drops those dims.
mlir::Value buildReduction(mlir::ImplicitLocOpBuilder &b, mlir::Value input, llvm::ArrayRef<int64_t> dims,
                           mlir::Value init, ScalarBody combine);
/// The map reading a tensor whose `dims` were reduced away from the full-rank iteration space.
mlir::AffineMap reducedDimsMap(int64_t rank, llvm::ArrayRef<int64_t> dims, mlir::MLIRContext *context);

/// numpy broadcasting of the node's `inputs`; emits an error naming their shapes when they do not broadcast.
mlir::FailureOr<llvm::SmallVector<int64_t>> broadcastInputs(NodeContext &ctx, llvm::ArrayRef<OnnxValue> inputs);
/// Converts a node whose output 0 is `body` applied elementwise to its numpy-broadcast `inputs`.
mlir::LogicalResult emitBroadcastNode(NodeContext &ctx, llvm::ArrayRef<OnnxValue> inputs, int32_t resultDType,
                                      ScalarBody body);

/// Softmax (or, with `logarithm`, LogSoftmax) of float tensor `x` over `dims`, max-shifted for stability.
mlir::Value buildSoftmax(mlir::ImplicitLocOpBuilder &b, mlir::Value x, llvm::ArrayRef<int64_t> dims, bool logarithm);

/// Where a sliding window (Conv, pooling) reads its input along the spatial dims.
struct WindowGeometry {
  llvm::SmallVector<int64_t> kernel, strides, dilations;
  /// Padding before and after each spatial dim; `padAfter` includes what ceil_mode adds.
  llvm::SmallVector<int64_t> padBefore, padAfter;
  llvm::SmallVector<int64_t> output;
};
/// Reads strides, dilations, pads and auto_pad (SAME_UPPER, SAME_LOWER, VALID, NOTSET) of a windowed node over
/// `spatial` input dims with `kernel`; errors name the attribute at fault.
mlir::FailureOr<WindowGeometry> windowGeometry(NodeContext &ctx, llvm::ArrayRef<int64_t> spatial,
                                               llvm::ArrayRef<int64_t> kernel, bool ceilMode);
/// Pads the spatial dims (from dim 2) of an N, C, spatial... tensor with `value` as `geometry` says.
mlir::Value padSpatial(mlir::ImplicitLocOpBuilder &b, mlir::Value input, const WindowGeometry &geometry,
                       mlir::Value value);
/// The input map of a window over dims (leading..., spatial outputs..., window...): output * stride +
/// window * dilation per spatial dim, after `leading` dims read directly.
mlir::AffineMap windowInputMap(llvm::ArrayRef<int64_t> leadingDims, int64_t firstOutputDim, int64_t firstWindowDim,
                               int64_t numDims, const WindowGeometry &geometry, mlir::MLIRContext *context);

/// Any static reshape (same element count): collapse to 1-D, then expand.
mlir::Value reshapeTensor(mlir::ImplicitLocOpBuilder &b, mlir::Value value, llvm::ArrayRef<int64_t> shape);

enum class BinaryKind { Add, Sub, Mul, Div, Max, Min, Pow };
/// `lhs kind rhs` on scalars of ONNX type `dtype` (float, signed or unsigned integer, bool).
mlir::Value scalarBinary(mlir::OpBuilder &b, mlir::Location loc, BinaryKind kind, mlir::Value lhs, mlir::Value rhs,
                         int32_t dtype);
/// Converts a scalar between ONNX dtypes with Cast's semantics (float to int truncates, to bool tests != 0).
/// float16 and bfloat16 go through f32 in integer operations on their bits, which every target runs.
mlir::Value castScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value, int32_t from, int32_t to);
/// Converts every element of `value` to `to`; returns it unchanged when the dtype already matches.
OnnxValue castTensor(mlir::ImplicitLocOpBuilder &b, OnnxValue value, int32_t to);

/// Float scalar arithmetic in `type`, to keep formulas (activations, optimizer updates) readable.
struct ScalarMath {
  mlir::OpBuilder &b;
  mlir::Location loc;
  mlir::Type type;

  mlir::Value constant(double value);
  mlir::Value add(mlir::Value lhs, mlir::Value rhs);
  mlir::Value sub(mlir::Value lhs, mlir::Value rhs);
  mlir::Value mul(mlir::Value lhs, mlir::Value rhs);
  mlir::Value div(mlir::Value lhs, mlir::Value rhs);
  /// NaN-propagating maximum and minimum.
  mlir::Value max(mlir::Value lhs, mlir::Value rhs);
  mlir::Value min(mlir::Value lhs, mlir::Value rhs);
  mlir::Value exp(mlir::Value value);
  mlir::Value sqrt(mlir::Value value);
  /// lhs < rhs, false when either is NaN.
  mlir::Value less(mlir::Value lhs, mlir::Value rhs);
  mlir::Value equal(mlir::Value lhs, mlir::Value rhs);
  mlir::Value select(mlir::Value condition, mlir::Value lhs, mlir::Value rhs);
};

/// Builds ONNX ops through NodeContext::convertOp and remembers the first failure, so that a composite op reads as
/// the formulas of its spec; after a failure every op yields null values and `failed()` tells.
class OpChain {
public:
  explicit OpChain(NodeContext &ctx) : ctx(ctx) {}

  llvm::SmallVector<OnnxValue> ops(llvm::StringRef type, llvm::ArrayRef<OnnxValue> inputs, unsigned numResults,
                                   llvm::ArrayRef<OpAttribute> attributes = {});
  OnnxValue op(llvm::StringRef type, llvm::ArrayRef<OnnxValue> inputs, llvm::ArrayRef<OpAttribute> attributes = {});

  OnnxValue add(OnnxValue lhs, OnnxValue rhs) { return op("Add", {lhs, rhs}); }
  OnnxValue mul(OnnxValue lhs, OnnxValue rhs) { return op("Mul", {lhs, rhs}); }
  OnnxValue matmul(OnnxValue lhs, OnnxValue rhs) { return op("MatMul", {lhs, rhs}); }
  OnnxValue transpose(OnnxValue value, llvm::ArrayRef<int64_t> perm);
  /// Entry `index` of dim `axis` (the direction of a weight, the step of a sequence), without that dim.
  OnnxValue select(OnnxValue value, int64_t index, int64_t axis = 0);
  OnnxValue unsqueeze(OnnxValue value, int64_t axis);
  /// Splits along `axis` into `parts` equal pieces.
  llvm::SmallVector<OnnxValue> split(OnnxValue value, int64_t axis, unsigned parts);
  /// Concatenates along `axis`; one value is returned as it is.
  OnnxValue concat(llvm::ArrayRef<OnnxValue> values, int64_t axis);
  /// Stacks same-shaped values along a new dim `axis`.
  OnnxValue stack(llvm::ArrayRef<OnnxValue> values, int64_t axis);

  /// Constants: integers of ONNX type `dtype` with `shape`, a filled tensor, a 0-d scalar.
  OnnxValue integers(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> values, int32_t dtype = kInt64);
  OnnxValue filled(llvm::ArrayRef<int64_t> shape, double value, int32_t dtype);
  OnnxValue scalar(double value, int32_t dtype) { return filled({}, value, dtype); }

  bool failed() const { return hasFailed; }

private:
  NodeContext &ctx;
  bool hasFailed = false;
};

} // namespace het::frontend

#endif // HET_COMPILER_FRONTEND_ONNX_LINALGEMITTER_H
