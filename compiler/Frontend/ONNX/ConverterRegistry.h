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
#include <utility>
#include <variant>

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
  kBFloat16 = 16,
};

bool isFloatDType(int32_t dtype);
/// float16 and bfloat16: stored as such, computed in f32 (see castScalar).
bool isHalfDType(int32_t dtype);
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

/// A sequence or optional of the ONNX graph, held by the importer as the list of its tensors: the frontend takes
/// sequences and optionals whose structure (length, presence) is known at compile time.
struct OnnxSequence {
  llvm::SmallVector<OnnxValue> elements;
  /// The element type, which an empty sequence has too (undefined for an empty optional).
  int32_t dtype = kUndefined;
  /// An optional of a tensor: one element when it holds a value, none when it is empty.
  bool isOptional = false;
};

class ValueTable;

/// An attribute of a node that a converter builds out of other ops (NodeContext::convertOp).
struct OpAttribute {
  std::string name;
  std::variant<int64_t, float, llvm::SmallVector<int64_t>, std::string> value;
};

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
  /// Input `index` when it is a sequence or optional; null when it is a tensor.
  const OnnxSequence *sequenceInput(unsigned index) const;
  unsigned numOutputs() const;
  bool hasOutput(unsigned index) const;
  void setOutput(unsigned index, OnnxValue value);
  void setSequenceOutput(unsigned index, OnnxSequence sequence);

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
  std::optional<llvm::SmallVector<std::string>> stringsAttribute(llvm::StringRef name) const;
  /// A TENSOR attribute (Constant's value) as a dense attribute and its ONNX dtype; errors name the attribute.
  mlir::FailureOr<OnnxValue> tensorAttributeConstant(llvm::StringRef name);
  /// Names of the attributes the node carries, to refuse ones a converter does not know.
  llvm::SmallVector<std::string> attributeNames() const;

  /// The number of inputs and outputs of GRAPH attribute `name` (If's branches, Loop's and Scan's body); nullopt
  /// when the node has no such attribute.
  std::optional<std::pair<unsigned, unsigned>> subgraphSignature(llvm::StringRef name) const;
  /// Imports GRAPH attribute `name` once, its inputs bound to `inputs`, in a scope that also sees this node's
  /// values; returns its outputs. Loop and Scan import their body once per iteration, `instance` tells which.
  mlir::FailureOr<llvm::SmallVector<OnnxValue>> importSubgraph(llvm::StringRef name, llvm::ArrayRef<OnnxValue> inputs,
                                                               llvm::StringRef instance);
  /// Converts op `opType` (with the newest opset's semantics) on `inputs`, a null value for an omitted optional
  /// input, as if the model held that node; returns its `numResults` outputs. Composite ops (RNNs, quantized
  /// products) are built this way from the converters of the ops that define them.
  mlir::FailureOr<llvm::SmallVector<OnnxValue>> convertOp(llvm::StringRef opType, llvm::ArrayRef<OnnxValue> inputs,
                                                          unsigned numResults = 1,
                                                          llvm::ArrayRef<OpAttribute> attributes = {});

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
/// The domain of the preview training ops, which the frontend converts besides the default one.
inline constexpr llvm::StringLiteral kPreviewTrainingDomain = "ai.onnx.preview.training";
/// The converter of an op of kPreviewTrainingDomain, or null.
const ConverterEntry *findTrainingConverter(llvm::StringRef opType);

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
mlir::LogicalResult convertShrink(NodeContext &ctx);

// MatMul.cpp
mlir::LogicalResult convertMatMul(NodeContext &ctx);
mlir::LogicalResult convertGemm(NodeContext &ctx);
mlir::LogicalResult convertEinsum(NodeContext &ctx);
mlir::LogicalResult convertDet(NodeContext &ctx);

// Convolution.cpp
mlir::LogicalResult convertConv(NodeContext &ctx);
mlir::LogicalResult convertConvTranspose(NodeContext &ctx);

// Pooling.cpp
mlir::LogicalResult convertPool(NodeContext &ctx);
mlir::LogicalResult convertGlobalPool(NodeContext &ctx);
mlir::LogicalResult convertMaxUnpool(NodeContext &ctx);

// Normalization.cpp
mlir::LogicalResult convertBatchNormalization(NodeContext &ctx);
mlir::LogicalResult convertLayerNormalization(NodeContext &ctx);
mlir::LogicalResult convertInstanceNormalization(NodeContext &ctx);
mlir::LogicalResult convertMeanVarianceNormalization(NodeContext &ctx);
mlir::LogicalResult convertLRN(NodeContext &ctx);

// Reduction.cpp
mlir::LogicalResult convertReduce(NodeContext &ctx);
mlir::LogicalResult convertArgExtreme(NodeContext &ctx); // ArgMax ArgMin
mlir::LogicalResult convertCumSum(NodeContext &ctx);
mlir::LogicalResult convertTopK(NodeContext &ctx);

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
mlir::LogicalResult convertScatterElements(NodeContext &ctx); // Scatter ScatterElements
mlir::LogicalResult convertScatterND(NodeContext &ctx);
mlir::LogicalResult convertCompress(NodeContext &ctx);
mlir::LogicalResult convertReverseSequence(NodeContext &ctx);

// Loss.cpp
mlir::LogicalResult convertNegativeLogLikelihoodLoss(NodeContext &ctx);
mlir::LogicalResult convertSoftmaxCrossEntropyLoss(NodeContext &ctx);

// Resample.cpp
mlir::LogicalResult convertResize(NodeContext &ctx); // Resize Upsample
mlir::LogicalResult convertGridSample(NodeContext &ctx);
mlir::LogicalResult convertRoiAlign(NodeContext &ctx);

// Signal.cpp
mlir::LogicalResult convertDFT(NodeContext &ctx);
mlir::LogicalResult convertSTFT(NodeContext &ctx);
mlir::LogicalResult convertWindow(NodeContext &ctx); // BlackmanWindow HammingWindow HannWindow
mlir::LogicalResult convertMelWeightMatrix(NodeContext &ctx);

// TensorCreation.cpp
mlir::LogicalResult convertConstant(NodeContext &ctx);
mlir::LogicalResult convertConstantOfShape(NodeContext &ctx);
mlir::LogicalResult convertRange(NodeContext &ctx);
mlir::LogicalResult convertEyeLike(NodeContext &ctx);
mlir::LogicalResult convertOneHot(NodeContext &ctx);

// DataDependent.cpp
mlir::LogicalResult convertNonZero(NodeContext &ctx);
mlir::LogicalResult convertUnique(NodeContext &ctx);
mlir::LogicalResult convertNonMaxSuppression(NodeContext &ctx);

// Training.cpp (domain ai.onnx.preview.training)
mlir::LogicalResult convertAdagrad(NodeContext &ctx);
mlir::LogicalResult convertAdam(NodeContext &ctx);
mlir::LogicalResult convertMomentum(NodeContext &ctx);

// Quantization.cpp
mlir::LogicalResult convertQuantizeLinear(NodeContext &ctx);
mlir::LogicalResult convertDequantizeLinear(NodeContext &ctx);
mlir::LogicalResult convertDynamicQuantizeLinear(NodeContext &ctx);
mlir::LogicalResult convertMatMulInteger(NodeContext &ctx);
mlir::LogicalResult convertConvInteger(NodeContext &ctx);
mlir::LogicalResult convertQLinearMatMul(NodeContext &ctx);
mlir::LogicalResult convertQLinearConv(NodeContext &ctx);

// Recurrent.cpp
mlir::LogicalResult convertRecurrent(NodeContext &ctx); // RNN GRU LSTM

// ControlFlow.cpp
mlir::LogicalResult convertIf(NodeContext &ctx);
mlir::LogicalResult convertLoop(NodeContext &ctx);
mlir::LogicalResult convertScan(NodeContext &ctx);

// Sequence.cpp
mlir::LogicalResult convertSequenceConstruct(NodeContext &ctx);
mlir::LogicalResult convertSequenceEmpty(NodeContext &ctx);
mlir::LogicalResult convertSequenceAt(NodeContext &ctx);
mlir::LogicalResult convertSequenceInsert(NodeContext &ctx);
mlir::LogicalResult convertSequenceErase(NodeContext &ctx);
mlir::LogicalResult convertSequenceLength(NodeContext &ctx);
mlir::LogicalResult convertSplitToSequence(NodeContext &ctx);
mlir::LogicalResult convertConcatFromSequence(NodeContext &ctx);
mlir::LogicalResult convertOptional(NodeContext &ctx);
mlir::LogicalResult convertOptionalHasElement(NodeContext &ctx);
mlir::LogicalResult convertOptionalGetElement(NodeContext &ctx);

} // namespace het::frontend

#endif // HET_COMPILER_FRONTEND_ONNX_CONVERTERREGISTRY_H
