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
    {"Add", 6, kNewest, "elementwise", convertBinaryArithmetic},
    {"And", 7, kNewest, "elementwise", convertLogical},
    {"ArgMax", 1, kNewest, "reduction", convertArgExtreme},
    {"ArgMin", 1, kNewest, "reduction", convertArgExtreme},
    {"Asin", 7, kNewest, "elementwise", convertUnaryMath},
    {"Asinh", 9, kNewest, "elementwise", convertUnaryMath},
    {"Atan", 7, kNewest, "elementwise", convertUnaryMath},
    {"Atanh", 9, kNewest, "elementwise", convertUnaryMath},
    {"AveragePool", 6, kNewest, "pooling", convertPool},
    {"BatchNormalization", 6, kNewest, "normalization", convertBatchNormalization},
    {"BitShift", 11, kNewest, "elementwise", convertBitShift},
    {"BlackmanWindow", 17, kNewest, "signal", convertWindow},
    {"Cast", 6, kNewest, "elementwise", convertCast},
    {"CastLike", 15, kNewest, "elementwise", convertCastLike},
    {"Ceil", 6, kNewest, "elementwise", convertUnaryMath},
    {"Celu", 12, kNewest, "activation", convertActivation},
    {"Clip", 6, kNewest, "activation", convertClip},
    {"Compress", 9, kNewest, "shape", convertCompress},
    {"Concat", 4, kNewest, "shape", convertConcat},
    {"ConcatFromSequence", 11, kNewest, "sequence", convertConcatFromSequence},
    {"Constant", 1, kNewest, "creation", convertConstant},
    {"ConstantOfShape", 9, kNewest, "creation", convertConstantOfShape},
    {"Conv", 1, kNewest, "convolution", convertConv},
    {"ConvInteger", 10, kNewest, "quantization", convertConvInteger},
    {"ConvTranspose", 1, kNewest, "convolution", convertConvTranspose},
    {"Cos", 7, kNewest, "elementwise", convertUnaryMath},
    {"Cosh", 9, kNewest, "elementwise", convertUnaryMath},
    {"CumSum", 11, kNewest, "reduction", convertCumSum},
    {"DFT", 17, kNewest, "signal", convertDFT},
    {"DepthToSpace", 11, kNewest, "shape", convertSpaceDepth},
    {"DequantizeLinear", 10, kNewest, "quantization", convertDequantizeLinear},
    {"Det", 11, kNewest, "matmul", convertDet},
    {"Div", 6, kNewest, "elementwise", convertBinaryArithmetic},
    {"Dropout", 7, kNewest, "elementwise", convertDropout},
    {"DynamicQuantizeLinear", 11, kNewest, "quantization", convertDynamicQuantizeLinear},
    {"Einsum", 12, kNewest, "matmul", convertEinsum},
    {"Elu", 6, kNewest, "activation", convertActivation},
    {"Equal", 7, kNewest, "elementwise", convertComparison},
    {"Erf", 9, kNewest, "elementwise", convertUnaryMath},
    {"Exp", 6, kNewest, "elementwise", convertUnaryMath},
    {"Expand", 8, kNewest, "shape", convertExpand},
    {"EyeLike", 9, kNewest, "creation", convertEyeLike},
    {"Flatten", 1, kNewest, "shape", convertFlatten},
    {"Floor", 6, kNewest, "elementwise", convertUnaryMath},
    {"GRU", 7, kNewest, "recurrent", convertRecurrent},
    {"Gather", 1, kNewest, "shape", convertGather},
    {"GatherElements", 11, kNewest, "shape", convertGatherElements},
    {"GatherND", 12, kNewest, "shape", convertGatherND},
    {"Gemm", 6, kNewest, "matmul", convertGemm},
    {"GlobalAveragePool", 1, kNewest, "pooling", convertGlobalPool},
    {"GlobalMaxPool", 1, kNewest, "pooling", convertGlobalPool},
    {"Greater", 7, kNewest, "elementwise", convertComparison},
    {"GreaterOrEqual", 12, kNewest, "elementwise", convertComparison},
    {"GridSample", 16, kNewest, "resample", convertGridSample},
    {"HammingWindow", 17, kNewest, "signal", convertWindow},
    {"HannWindow", 17, kNewest, "signal", convertWindow},
    {"HardSigmoid", 6, kNewest, "activation", convertActivation},
    {"HardSwish", 14, kNewest, "activation", convertActivation},
    {"Hardmax", 13, kNewest, "activation", convertHardmax},
    {"Identity", 1, kNewest, "elementwise", convertIdentity},
    {"If", 1, kNewest, "control-flow", convertIf},
    {"InstanceNormalization", 6, kNewest, "normalization", convertInstanceNormalization},
    {"IsInf", 10, kNewest, "elementwise", convertFloatTest},
    {"IsNaN", 9, kNewest, "elementwise", convertFloatTest},
    {"LRN", 1, kNewest, "normalization", convertLRN},
    {"LSTM", 7, kNewest, "recurrent", convertRecurrent},
    {"LayerNormalization", 17, kNewest, "normalization", convertLayerNormalization},
    {"LeakyRelu", 6, kNewest, "activation", convertActivation},
    {"Less", 7, kNewest, "elementwise", convertComparison},
    {"LessOrEqual", 12, kNewest, "elementwise", convertComparison},
    {"Log", 6, kNewest, "elementwise", convertUnaryMath},
    {"LogSoftmax", 1, kNewest, "activation", convertSoftmax},
    {"Loop", 1, kNewest, "control-flow", convertLoop},
    {"MatMul", 1, kNewest, "matmul", convertMatMul},
    {"MatMulInteger", 10, kNewest, "quantization", convertMatMulInteger},
    {"Max", 6, kNewest, "elementwise", convertVariadic},
    {"MaxPool", 1, kNewest, "pooling", convertPool},
    {"MaxUnpool", 11, kNewest, "pooling", convertMaxUnpool},
    {"Mean", 6, kNewest, "elementwise", convertVariadic},
    {"MeanVarianceNormalization", 9, kNewest, "normalization", convertMeanVarianceNormalization},
    {"MelWeightMatrix", 17, kNewest, "signal", convertMelWeightMatrix},
    {"Min", 6, kNewest, "elementwise", convertVariadic},
    {"Mod", 10, kNewest, "elementwise", convertMod},
    {"Mul", 6, kNewest, "elementwise", convertBinaryArithmetic},
    {"Neg", 6, kNewest, "elementwise", convertUnaryMath},
    {"NegativeLogLikelihoodLoss", 12, kNewest, "loss", convertNegativeLogLikelihoodLoss},
    {"NonMaxSuppression", 10, kNewest, "data-dependent", convertNonMaxSuppression},
    {"NonZero", 9, kNewest, "data-dependent", convertNonZero},
    {"Not", 1, kNewest, "elementwise", convertLogical},
    {"OneHot", 11, kNewest, "creation", convertOneHot},
    {"Optional", 15, kNewest, "sequence", convertOptional},
    {"OptionalGetElement", 15, kNewest, "sequence", convertOptionalGetElement},
    {"OptionalHasElement", 15, kNewest, "sequence", convertOptionalHasElement},
    {"Or", 7, kNewest, "elementwise", convertLogical},
    {"PRelu", 6, kNewest, "activation", convertPRelu},
    {"Pad", 2, kNewest, "shape", convertPad},
    {"Pow", 6, kNewest, "elementwise", convertPow},
    {"QLinearConv", 10, kNewest, "quantization", convertQLinearConv},
    {"QLinearMatMul", 10, kNewest, "quantization", convertQLinearMatMul},
    {"QuantizeLinear", 10, kNewest, "quantization", convertQuantizeLinear},
    {"RNN", 7, kNewest, "recurrent", convertRecurrent},
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
    {"Resize", 10, kNewest, "resample", convertResize},
    {"ReverseSequence", 10, kNewest, "shape", convertReverseSequence},
    {"RoiAlign", 16, kNewest, "resample", convertRoiAlign},
    {"Round", 11, kNewest, "elementwise", convertUnaryMath},
    {"STFT", 17, kNewest, "signal", convertSTFT},
    {"Scan", 8, kNewest, "control-flow", convertScan},
    {"Scatter", 9, 10, "shape", convertScatterElements},
    {"ScatterElements", 11, kNewest, "shape", convertScatterElements},
    {"ScatterND", 11, kNewest, "shape", convertScatterND},
    {"Selu", 6, kNewest, "activation", convertActivation},
    {"SequenceAt", 11, kNewest, "sequence", convertSequenceAt},
    {"SequenceConstruct", 11, kNewest, "sequence", convertSequenceConstruct},
    {"SequenceEmpty", 11, kNewest, "sequence", convertSequenceEmpty},
    {"SequenceErase", 11, kNewest, "sequence", convertSequenceErase},
    {"SequenceInsert", 11, kNewest, "sequence", convertSequenceInsert},
    {"SequenceLength", 11, kNewest, "sequence", convertSequenceLength},
    {"Shape", 1, kNewest, "shape", convertShape},
    {"Shrink", 9, kNewest, "activation", convertShrink},
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
    {"SplitToSequence", 11, kNewest, "sequence", convertSplitToSequence},
    {"Sqrt", 6, kNewest, "elementwise", convertUnaryMath},
    {"Squeeze", 1, kNewest, "shape", convertSqueeze},
    {"Sub", 6, kNewest, "elementwise", convertBinaryArithmetic},
    {"Sum", 6, kNewest, "elementwise", convertVariadic},
    {"Tan", 7, kNewest, "elementwise", convertUnaryMath},
    {"Tanh", 6, kNewest, "activation", convertActivation},
    {"ThresholdedRelu", 10, kNewest, "activation", convertActivation},
    {"Tile", 6, kNewest, "shape", convertTile},
    {"TopK", 10, kNewest, "reduction", convertTopK},
    {"Transpose", 1, kNewest, "shape", convertTranspose},
    {"Trilu", 14, kNewest, "elementwise", convertTrilu},
    {"Unique", 11, kNewest, "data-dependent", convertUnique},
    {"Unsqueeze", 1, kNewest, "shape", convertUnsqueeze},
    {"Upsample", 7, 10, "resample", convertResize},
    {"Where", 9, kNewest, "elementwise", convertWhere},
    {"Xor", 7, kNewest, "elementwise", convertLogical},
};

// The optimizers of the ai.onnx.preview.training domain, the one other domain the frontend converts (opset 1).
const ConverterEntry kTrainingConverters[] = {
    {"Adagrad", 1, 1, "training", convertAdagrad},
    {"Adam", 1, 1, "training", convertAdam},
    {"Momentum", 1, 1, "training", convertMomentum},
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

const ConverterEntry *findTrainingConverter(llvm::StringRef opType) {
  const ConverterEntry *found =
      llvm::find_if(kTrainingConverters, [&](const ConverterEntry &entry) { return entry.opType == opType; });
  return found == std::end(kTrainingConverters) ? nullptr : found;
}

std::vector<SupportedOp> supportedOps() {
  std::vector<SupportedOp> ops;
  for (const ConverterEntry &entry : kConverters)
    ops.push_back({"ai.onnx", entry.opType.str(), entry.sinceVersion, entry.untilVersion, entry.family.str()});
  for (const ConverterEntry &entry : kTrainingConverters)
    ops.push_back(
        {kPreviewTrainingDomain.str(), entry.opType.str(), entry.sinceVersion, entry.untilVersion, entry.family.str()});
  return ops;
}

} // namespace het::frontend
