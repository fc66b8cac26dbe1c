// The ONNX converter table and the view of one node that every converter works through.
#ifndef HET_COMPILER_FRONTEND_ONNX_CONVERTERREGISTRY_H
#define HET_COMPILER_FRONTEND_ONNX_CONVERTERREGISTRY_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace onnx {
class NodeProto;
class AttributeProto;
} // namespace onnx

namespace het::frontend {

/// ONNX element types (TensorProto::DataType), spelled out so converters need no protobuf header.
enum DType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kUInt16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUInt32 = 12,
  kUInt64 = 13,
};

bool isFloatDType(int32_t dtype);
bool isUnsignedDType(int32_t dtype);
/// The name ONNX gives the type ("float", "int64", ...), for diagnostics.
llvm::StringRef dtypeName(int32_t dtype);
/// The MLIR element type the frontend computes in: signless integers (signedness stays with the ONNX dtype),
/// i1 for bool. Null for types the frontend does not take.
mlir::Type elementTypeOf(int32_t dtype, mlir::MLIRContext *context);

/// A value of the ONNX graph: the tensor, and its ONNX element type, which keeps the signedness that MLIR's
/// signless integers drop.
struct OnnxValue {
  mlir::Value value;
  int32_t dtype = kUndefined;

  mlir::RankedTensorType type() const { return mlir::cast<mlir::RankedTensorType>(value.getType()); }
  llvm::ArrayRef<int64_t> shape() const { return type().getShape(); }
  int64_t rank() const { return type().getRank(); }
};

class ValueTable;

/// One node being converted: its inputs as MLIR values, its attributes, a builder at its location, and the
/// place its results go. Every diagnostic it emits names the node, its op type and opset.
class NodeContext {
public:
  NodeContext(const onnx::NodeProto &node, llvm::StringRef displayName, int64_t opset, mlir::ImplicitLocOpBuilder &b,
              ValueTable &values)
      : node(node), displayName(displayName), opsetVersion(opset), b(b), values(values) {}

  int64_t opset() const { return opsetVersion; }
  llvm::StringRef opType() const;
  mlir::ImplicitLocOpBuilder &builder() { return b; }
  mlir::MLIRContext *context() { return b.getContext(); }

  /// "node 'conv1' (Conv, opset 13): " followed by the caller's text.
  mlir::InFlightDiagnostic emitError();

  unsigned numInputs() const;
  /// Whether optional input `index` was given (ONNX leaves out an optional input by an empty name).
  bool hasInput(unsigned index) const;
  OnnxValue input(unsigned index) const;
  unsigned numOutputs() const;
  bool hasOutput(unsigned index) const;
  void setOutput(unsigned index, OnnxValue value);

  /// A compile-time value of input `index`: an initializer, a Constant node, or anything the frontend folded
  /// (Shape). Emits "input N (what) must be a constant ..." when it is not.
  mlir::FailureOr<mlir::DenseElementsAttr> constantInput(unsigned index, llvm::StringRef what);
  /// The same, as integers (shapes, axes, pads, indices).
  mlir::FailureOr<llvm::SmallVector<int64_t>> constantIntsInput(unsigned index, llvm::StringRef what);

  bool hasAttribute(llvm::StringRef name) const;
  int64_t intAttribute(llvm::StringRef name, int64_t defaultValue) const;
  float floatAttribute(llvm::StringRef name, float defaultValue) const;
  std::string stringAttribute(llvm::StringRef name, llvm::StringRef defaultValue) const;
  std::optional<llvm::SmallVector<int64_t>> intsAttribute(llvm::StringRef name) const;
  std::optional<llvm::SmallVector<float>> floatsAttribute(llvm::StringRef name) const;
  /// A TENSOR attribute (Constant's value) as a dense attribute and its ONNX dtype; errors name the attribute.
  mlir::FailureOr<OnnxValue> tensorAttributeConstant(llvm::StringRef name);
  /// Names of the attributes the node carries, to refuse ones a converter does not know.
  llvm::SmallVector<std::string> attributeNames() const;

  /// Refuses an input dtype outside `accepted`, naming the input and the accepted types.
  mlir::LogicalResult requireDType(unsigned index, llvm::ArrayRef<int32_t> accepted);
  /// Turns an ONNX axis (negative counts from the back) into 0..rank-1, or emits an error naming `what`.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank, llvm::StringRef what);

private:
  const onnx::AttributeProto *findAttribute(llvm::StringRef name) const;
  /// The ONNX name of a graph input `value` is computed from, to suggest binding it with --input-constant.
  std::optional<std::string> firstGraphInputOf(mlir::Value value) const;

  const onnx::NodeProto &node;
  std::string displayName;
  int64_t opsetVersion;
  mlir::ImplicitLocOpBuilder &b;
  ValueTable &values;
};

using ConvertFn = mlir::LogicalResult (*)(NodeContext &);

struct ConverterEntry {
  llvm::StringRef opType;
  int sinceVersion;
  int untilVersion;
  llvm::StringRef family;
  ConvertFn convert;
};

/// The newest opset whose semantics the converters implement (that of the ONNX library the frontend links).
constexpr int kNewestOpset = 17;

/// Every converter, sorted by op type. The one place an op is registered.
llvm::ArrayRef<ConverterEntry> converterTable();
const ConverterEntry *findConverter(llvm::StringRef opType);

// Converters, one group per op family file.

// Elementwise.cpp
mlir::LogicalResult convertBinaryArithmetic(NodeContext &ctx); // Add Sub Mul Div
mlir::LogicalResult convertPow(NodeContext &ctx);
mlir::LogicalResult convertVariadic(NodeContext &ctx); // Max Min Sum Mean
mlir::LogicalResult convertUnaryMath(NodeContext &ctx);
mlir::LogicalResult convertComparison(NodeContext &ctx);
mlir::LogicalResult convertLogical(NodeContext &ctx);
mlir::LogicalResult convertWhere(NodeContext &ctx);
mlir::LogicalResult convertFloatTest(NodeContext &ctx); // IsInf IsNaN
mlir::LogicalResult convertMod(NodeContext &ctx);
mlir::LogicalResult convertBitShift(NodeContext &ctx);
mlir::LogicalResult convertTrilu(NodeContext &ctx);
mlir::LogicalResult convertCast(NodeContext &ctx);
mlir::LogicalResult convertCastLike(NodeContext &ctx);
mlir::LogicalResult convertDropout(NodeContext &ctx);
mlir::LogicalResult convertIdentity(NodeContext &ctx);

// Activation.cpp
mlir::LogicalResult convertActivation(NodeContext &ctx);
mlir::LogicalResult convertPRelu(NodeContext &ctx);
mlir::LogicalResult convertClip(NodeContext &ctx);
mlir::LogicalResult convertSoftmax(NodeContext &ctx);
mlir::LogicalResult convertHardmax(NodeContext &ctx);

// MatMul.cpp
mlir::LogicalResult convertMatMul(NodeContext &ctx);
mlir::LogicalResult convertGemm(NodeContext &ctx);

// Convolution.cpp
mlir::LogicalResult convertConv(NodeContext &ctx);

// Pooling.cpp
mlir::LogicalResult convertPool(NodeContext &ctx);
mlir::LogicalResult convertGlobalPool(NodeContext &ctx);

// Normalization.cpp
mlir::LogicalResult convertBatchNormalization(NodeContext &ctx);
mlir::LogicalResult convertLayerNormalization(NodeContext &ctx);

// Reduction.cpp
mlir::LogicalResult convertReduce(NodeContext &ctx);
mlir::LogicalResult convertArgExtreme(NodeContext &ctx); // ArgMax ArgMin
mlir::LogicalResult convertCumSum(NodeContext &ctx);

// Shape.cpp
mlir::LogicalResult convertReshape(NodeContext &ctx);
mlir::LogicalResult convertFlatten(NodeContext &ctx);
mlir::LogicalResult convertTranspose(NodeContext &ctx);
mlir::LogicalResult convertConcat(NodeContext &ctx);
mlir::LogicalResult convertSlice(NodeContext &ctx);
mlir::LogicalResult convertSqueeze(NodeContext &ctx);
mlir::LogicalResult convertUnsqueeze(NodeContext &ctx);
mlir::LogicalResult convertGather(NodeContext &ctx);
mlir::LogicalResult convertShape(NodeContext &ctx);
mlir::LogicalResult convertSize(NodeContext &ctx);
mlir::LogicalResult convertExpand(NodeContext &ctx);
mlir::LogicalResult convertTile(NodeContext &ctx);
mlir::LogicalResult convertSplit(NodeContext &ctx);
mlir::LogicalResult convertGatherElements(NodeContext &ctx);
mlir::LogicalResult convertGatherND(NodeContext &ctx);
mlir::LogicalResult convertSpaceDepth(NodeContext &ctx); // DepthToSpace SpaceToDepth
mlir::LogicalResult convertPad(NodeContext &ctx);

// Loss.cpp
mlir::LogicalResult convertNegativeLogLikelihoodLoss(NodeContext &ctx);
mlir::LogicalResult convertSoftmaxCrossEntropyLoss(NodeContext &ctx);

// TensorCreation.cpp
mlir::LogicalResult convertConstant(NodeContext &ctx);
mlir::LogicalResult convertConstantOfShape(NodeContext &ctx);
mlir::LogicalResult convertRange(NodeContext &ctx);
mlir::LogicalResult convertEyeLike(NodeContext &ctx);
mlir::LogicalResult convertOneHot(NodeContext &ctx);

} // namespace het::frontend

#endif // HET_COMPILER_FRONTEND_ONNX_CONVERTERREGISTRY_H
