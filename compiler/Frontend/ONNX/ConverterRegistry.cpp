// The one table of ONNX converters: op type, the opsets whose semantics the converter implements, its family.
#include "ConverterRegistry.h"
#include "ONNXImporter.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cassert>

namespace het::frontend {

namespace {

constexpr int kNewest = kNewestOpset;

// Opset ranges start where the current semantics start: older versions carried attributes (consumed_inputs,
// broadcast/axis, is_test, string-typed Cast) that the converters do not take.
const ConverterEntry kConverters[] = {
    {"Abs", 6, kNewest, "elementwise", convertUnaryMath},
    {"Acos", 7, kNewest, "elementwise", convertUnaryMath},
    {"Acosh", 9, kNewest, "elementwise", convertUnaryMath},
    {"Add", 7, kNewest, "elementwise", convertBinaryArithmetic},
    {"And", 7, kNewest, "elementwise", convertLogical},
    {"ArgMax", 1, kNewest, "reduction", convertArgExtreme},
    {"ArgMin", 1, kNewest, "reduction", convertArgExtreme},
    {"Asin", 7, kNewest, "elementwise", convertUnaryMath},
    {"Asinh", 9, kNewest, "elementwise", convertUnaryMath},
    {"Atan", 7, kNewest, "elementwise", convertUnaryMath},
    {"Atanh", 9, kNewest, "elementwise", convertUnaryMath},
    {"AveragePool", 7, kNewest, "pooling", convertPool},
    {"BatchNormalization", 7, kNewest, "normalization", convertBatchNormalization},
    {"BitShift", 11, kNewest, "elementwise", convertBitShift},
    {"Cast", 6, kNewest, "elementwise", convertCast},
    {"CastLike", 15, kNewest, "elementwise", convertCastLike},
    {"Ceil", 6, kNewest, "elementwise", convertUnaryMath},
    {"Celu", 12, kNewest, "activation", convertActivation},
    {"Clip", 6, kNewest, "activation", convertClip},
    {"Concat", 4, kNewest, "shape", convertConcat},
    {"Constant", 1, kNewest, "creation", convertConstant},
    {"ConstantOfShape", 9, kNewest, "creation", convertConstantOfShape},
    {"Conv", 1, kNewest, "convolution", convertConv},
    {"Cos", 7, kNewest, "elementwise", convertUnaryMath},
    {"Cosh", 9, kNewest, "elementwise", convertUnaryMath},
    {"CumSum", 11, kNewest, "reduction", convertCumSum},
    {"DepthToSpace", 11, kNewest, "shape", convertSpaceDepth},
    {"Div", 7, kNewest, "elementwise", convertBinaryArithmetic},
    {"Dropout", 7, kNewest, "elementwise", convertDropout},
    {"Elu", 6, kNewest, "activation", convertActivation},
    {"Equal", 7, kNewest, "elementwise", convertComparison},
    {"Erf", 9, kNewest, "elementwise", convertUnaryMath},
    {"Exp", 6, kNewest, "elementwise", convertUnaryMath},
    {"Expand", 8, kNewest, "shape", convertExpand},
    {"EyeLike", 9, kNewest, "creation", convertEyeLike},
    {"Flatten", 1, kNewest, "shape", convertFlatten},
    {"Floor", 6, kNewest, "elementwise", convertUnaryMath},
    {"Gather", 1, kNewest, "shape", convertGather},
    {"GatherElements", 11, kNewest, "shape", convertGatherElements},
    {"GatherND", 12, kNewest, "shape", convertGatherND},
    {"Gemm", 7, kNewest, "matmul", convertGemm},
    {"GlobalAveragePool", 1, kNewest, "pooling", convertGlobalPool},
    {"GlobalMaxPool", 1, kNewest, "pooling", convertGlobalPool},
    {"Greater", 7, kNewest, "elementwise", convertComparison},
    {"GreaterOrEqual", 12, kNewest, "elementwise", convertComparison},
    {"HardSigmoid", 6, kNewest, "activation", convertActivation},
    {"HardSwish", 14, kNewest, "activation", convertActivation},
    {"Hardmax", 13, kNewest, "activation", convertHardmax},
    {"Identity", 1, kNewest, "elementwise", convertIdentity},
    {"IsInf", 10, kNewest, "elementwise", convertFloatTest},
    {"IsNaN", 9, kNewest, "elementwise", convertFloatTest},
    {"LayerNormalization", 17, kNewest, "normalization", convertLayerNormalization},
    {"LeakyRelu", 6, kNewest, "activation", convertActivation},
    {"Less", 7, kNewest, "elementwise", convertComparison},
    {"LessOrEqual", 12, kNewest, "elementwise", convertComparison},
    {"Log", 6, kNewest, "elementwise", convertUnaryMath},
    {"LogSoftmax", 1, kNewest, "activation", convertSoftmax},
    {"MatMul", 1, kNewest, "matmul", convertMatMul},
    {"Max", 8, kNewest, "elementwise", convertVariadic},
    {"MaxPool", 1, kNewest, "pooling", convertPool},
    {"Mean", 8, kNewest, "elementwise", convertVariadic},
    {"Min", 8, kNewest, "elementwise", convertVariadic},
    {"Mod", 10, kNewest, "elementwise", convertMod},
    {"Mul", 7, kNewest, "elementwise", convertBinaryArithmetic},
    {"Neg", 6, kNewest, "elementwise", convertUnaryMath},
    {"NegativeLogLikelihoodLoss", 12, kNewest, "loss", convertNegativeLogLikelihoodLoss},
    {"Not", 1, kNewest, "elementwise", convertLogical},
    {"OneHot", 11, kNewest, "creation", convertOneHot},
    {"Or", 7, kNewest, "elementwise", convertLogical},
    {"PRelu", 7, kNewest, "activation", convertPRelu},
    {"Pad", 2, kNewest, "shape", convertPad},
    {"Pow", 7, kNewest, "elementwise", convertPow},
    {"Range", 11, kNewest, "creation", convertRange},
    {"Reciprocal", 6, kNewest, "elementwise", convertUnaryMath},
    {"ReduceL1", 1, kNewest, "reduction", convertReduce},
    {"ReduceL2", 1, kNewest, "reduction", convertReduce},
    {"ReduceLogSum", 1, kNewest, "reduction", convertReduce},
    {"ReduceLogSumExp", 1, kNewest, "reduction", convertReduce},
    {"ReduceMax", 1, kNewest, "reduction", convertReduce},
    {"ReduceMean", 1, kNewest, "reduction", convertReduce},
    {"ReduceMin", 1, kNewest, "reduction", convertReduce},
    {"ReduceProd", 1, kNewest, "reduction", convertReduce},
    {"ReduceSum", 1, kNewest, "reduction", convertReduce},
    {"ReduceSumSquare", 1, kNewest, "reduction", convertReduce},
    {"Relu", 6, kNewest, "activation", convertActivation},
    {"Reshape", 5, kNewest, "shape", convertReshape},
    {"Round", 11, kNewest, "elementwise", convertUnaryMath},
    {"Selu", 6, kNewest, "activation", convertActivation},
    {"Shape", 1, kNewest, "shape", convertShape},
    {"Sigmoid", 6, kNewest, "activation", convertActivation},
    {"Sign", 9, kNewest, "elementwise", convertUnaryMath},
    {"Sin", 7, kNewest, "elementwise", convertUnaryMath},
    {"Sinh", 9, kNewest, "elementwise", convertUnaryMath},
    {"Size", 1, kNewest, "shape", convertSize},
    {"Slice", 1, kNewest, "shape", convertSlice},
    {"Softmax", 1, kNewest, "activation", convertSoftmax},
    {"SoftmaxCrossEntropyLoss", 12, kNewest, "loss", convertSoftmaxCrossEntropyLoss},
    {"Softplus", 1, kNewest, "activation", convertActivation},
    {"Softsign", 1, kNewest, "activation", convertActivation},
    {"SpaceToDepth", 1, kNewest, "shape", convertSpaceDepth},
    {"Split", 2, kNewest, "shape", convertSplit},
    {"Sqrt", 6, kNewest, "elementwise", convertUnaryMath},
    {"Squeeze", 1, kNewest, "shape", convertSqueeze},
    {"Sub", 7, kNewest, "elementwise", convertBinaryArithmetic},
    {"Sum", 8, kNewest, "elementwise", convertVariadic},
    {"Tan", 7, kNewest, "elementwise", convertUnaryMath},
    {"Tanh", 6, kNewest, "activation", convertActivation},
    {"ThresholdedRelu", 10, kNewest, "activation", convertActivation},
    {"Tile", 6, kNewest, "shape", convertTile},
    {"Transpose", 1, kNewest, "shape", convertTranspose},
    {"Trilu", 14, kNewest, "elementwise", convertTrilu},
    {"Unsqueeze", 1, kNewest, "shape", convertUnsqueeze},
    {"Where", 9, kNewest, "elementwise", convertWhere},
    {"Xor", 7, kNewest, "elementwise", convertLogical},
};

} // namespace

llvm::ArrayRef<ConverterEntry> converterTable() { return kConverters; }

const ConverterEntry *findConverter(llvm::StringRef opType) {
  assert(llvm::is_sorted(kConverters, [](const ConverterEntry &lhs,
                                         const ConverterEntry &rhs) { return lhs.opType < rhs.opType; }) &&
         "the converter table is searched by bisection");
  auto it = std::lower_bound(std::begin(kConverters), std::end(kConverters), opType,
                             [](const ConverterEntry &entry, llvm::StringRef type) { return entry.opType < type; });
  if (it == std::end(kConverters) || it->opType != opType)
    return nullptr;
  return it;
}

std::vector<SupportedOp> supportedOps() {
  std::vector<SupportedOp> ops;
  for (const ConverterEntry &entry : kConverters)
    ops.push_back({"ai.onnx", entry.opType.str(), entry.sinceVersion, entry.untilVersion, entry.family.str()});
  return ops;
}

} // namespace het::frontend
