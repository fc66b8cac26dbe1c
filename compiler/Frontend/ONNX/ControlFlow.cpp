// ONNX If, Loop and Scan, resolved at import time: the host graph runs no branches or loops yet, so a branch is
// taken on a compile-time condition (or both are computed and selected between), and loops and scans are unrolled
// over their compile-time trip counts, each iteration a copy of the body.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <string>

using namespace mlir;

namespace het::frontend {

namespace {

/// Most iterations a Loop or Scan is unrolled to: each one copies the body into the graph.
constexpr int64_t kMaxUnrolledIterations = 1024;

/// The value of a one-element integer or boolean tensor known at compile time.
std::optional<int64_t> constantScalar(OnnxValue value) {
  auto constant = value.value.getDefiningOp<arith::ConstantOp>();
  auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : nullptr;
  if (!dense || dense.getNumElements() != 1 || !dense.getElementType().isInteger())
    return std::nullopt;
  APInt scalar = *dense.getValues<APInt>().begin();
  return scalar.getBitWidth() == 1 ? static_cast<int64_t>(scalar.getZExtValue()) : scalar.getSExtValue();
}

std::string formatType(OnnxValue value) {
  std::string text = dtypeName(value.dtype).str() + "[";
  for (auto [i, dim] : llvm::enumerate(value.shape()))
    text += (i ? ", " : "") + std::to_string(dim);
  return text + "]";
}

/// What to do about a control decision that depends on a graph input.
constexpr StringLiteral kRunTimeHint =
    ": the host graph does not run branches or loops yet; bind the graph inputs it depends on at compile time "
    "with --input-constant NAME=FILE.pb";

/// Checks that a subgraph has the arity its node needs.
LogicalResult requireSignature(NodeContext &ctx, StringRef name, unsigned inputs, unsigned minOutputs) {
  std::optional<std::pair<unsigned, unsigned>> signature = ctx.subgraphSignature(name);
  if (!signature)
    return ctx.emitError() << "needs the graph attribute '" << name << "'";
  if (signature->first != inputs || signature->second < minOutputs)
    return ctx.emitError() << "subgraph '" << name << "' has " << signature->first << " inputs and "
                           << signature->second << " outputs; the node needs " << inputs << " inputs and at least "
                           << minOutputs << " outputs";
  return success();
}

/// The scan attributes of Scan: one entry per scan input or output, axes normalized against `ranks`, defaults 0.
FailureOr<SmallVector<int64_t>> scanList(NodeContext &ctx, StringRef name, ArrayRef<int64_t> ranks, bool isAxis) {
  SmallVector<int64_t> values = ctx.intsAttribute(name).value_or(SmallVector<int64_t>(ranks.size(), 0));
  if (values.size() != ranks.size())
    return ctx.emitError() << name << " has " << values.size() << " entries; expected " << ranks.size();
  for (auto [value, rank] : llvm::zip(values, ranks)) {
    if (!isAxis) {
      if (value != 0 && value != 1)
        return ctx.emitError() << name << " entries must be 0 (forward) or 1 (reverse), not " << value;
      continue;
    }
    FailureOr<int64_t> axis = ctx.normalizeAxis(value, rank, name);
    if (failed(axis))
      return failure();
    value = *axis;
  }
  return values;
}

/// Runs the Scan body over the scan inputs (opset 9 semantics): the state threads through the iterations, the scan
/// outputs are stacked. Returns the final states, then the scan outputs.
FailureOr<SmallVector<OnnxValue>> runScan(NodeContext &ctx, SmallVector<OnnxValue> states, ArrayRef<OnnxValue> scans,
                                          unsigned numScanOutputs, StringRef instancePrefix, bool legacy) {
  SmallVector<int64_t> inputRanks = llvm::map_to_vector(scans, [](const OnnxValue &v) { return v.rank(); });
  for (int64_t rank : inputRanks)
    if (rank == 0)
      return ctx.emitError() << "scan inputs must have rank 1 or more";
  FailureOr<SmallVector<int64_t>> inputAxes = scanList(ctx, "scan_input_axes", inputRanks, true);
  FailureOr<SmallVector<int64_t>> inputDirections =
      scanList(ctx, legacy ? "directions" : "scan_input_directions", inputRanks, false);
  if (failed(inputAxes) || failed(inputDirections))
    return failure();
  int64_t steps = scans[0].shape()[(*inputAxes)[0]];
  for (auto [scan, axis] : llvm::zip(scans, *inputAxes))
    if (scan.shape()[axis] != steps)
      return ctx.emitError() << "scan inputs differ in length along their scan axes (" << steps << " and "
                             << scan.shape()[axis] << ")";
  if (steps > kMaxUnrolledIterations)
    return ctx.emitError() << "scans " << steps << " steps; the frontend unrolls at most " << kMaxUnrolledIterations;
  if (steps == 0 && numScanOutputs > 0)
    return ctx.emitError() << "scans no step, so its scan outputs have no static shape";
  OpChain c(ctx);
  SmallVector<SmallVector<OnnxValue>> collected(numScanOutputs);
  for (int64_t i = 0; i < steps; ++i) {
    SmallVector<OnnxValue> bodyInputs(states);
    for (auto [scan, axis, reverse] : llvm::zip(scans, *inputAxes, *inputDirections))
      bodyInputs.push_back(c.select(scan, reverse ? steps - 1 - i : i, axis));
    if (c.failed())
      return failure();
    FailureOr<SmallVector<OnnxValue>> outputs =
        ctx.importSubgraph("body", bodyInputs, (instancePrefix + "[" + std::to_string(i) + "]").str());
    if (failed(outputs))
      return failure();
    states.assign(outputs->begin(), outputs->begin() + states.size());
    for (unsigned k = 0; k < numScanOutputs; ++k)
      collected[k].push_back((*outputs)[states.size() + k]);
  }
  SmallVector<int64_t> outputRanks;
  for (const SmallVector<OnnxValue> &elements : collected)
    outputRanks.push_back(elements.front().rank() + 1);
  FailureOr<SmallVector<int64_t>> outputAxes = scanList(ctx, "scan_output_axes", outputRanks, true);
  FailureOr<SmallVector<int64_t>> outputDirections = scanList(ctx, "scan_output_directions", outputRanks, false);
  if (failed(outputAxes) || failed(outputDirections))
    return failure();
  SmallVector<OnnxValue> results(states);
  for (auto [elements, axis, reverse] : llvm::zip(collected, *outputAxes, *outputDirections)) {
    if (reverse)
      std::reverse(elements.begin(), elements.end());
    results.push_back(c.stack(elements, axis));
  }
  if (c.failed())
    return failure();
  return results;
}

} // namespace

LogicalResult convertIf(NodeContext &ctx) {
  if (failed(ctx.requireDType(0, {kBool})) || failed(requireSignature(ctx, "then_branch", 0, ctx.numOutputs())) ||
      failed(requireSignature(ctx, "else_branch", 0, ctx.numOutputs())))
    return failure();
  OnnxValue condition = ctx.input(0);
  if (condition.type().getNumElements() != 1)
    return ctx.emitError() << "the condition must hold one element, not " << formatType(condition);
  if (std::optional<int64_t> taken = constantScalar(condition)) {
    FailureOr<SmallVector<OnnxValue>> outputs = ctx.importSubgraph(*taken ? "then_branch" : "else_branch", {}, "");
    if (failed(outputs))
      return failure();
    for (auto [i, output] : llvm::enumerate(*outputs))
      ctx.setOutput(i, output);
    return success();
  }
  // A run-time condition: both branches run and every output is selected elementwise, which gives the taken
  // branch's values because ONNX ops have no side effects; it needs outputs of one type in both branches.
  FailureOr<SmallVector<OnnxValue>> thenOutputs = ctx.importSubgraph("then_branch", {}, "");
  if (failed(thenOutputs))
    return failure();
  FailureOr<SmallVector<OnnxValue>> elseOutputs = ctx.importSubgraph("else_branch", {}, "");
  if (failed(elseOutputs))
    return failure();
  OpChain c(ctx);
  if (condition.rank() != 0)
    condition = c.op("Reshape", {condition, c.integers({0}, {})});
  for (auto [i, pair] : llvm::enumerate(llvm::zip(*thenOutputs, *elseOutputs))) {
    auto [thenValue, elseValue] = pair;
    if (thenValue.dtype != elseValue.dtype || thenValue.shape() != elseValue.shape())
      return ctx.emitError() << "the condition depends on a run-time value and output " << i
                             << " differs between the branches (then " << formatType(thenValue) << ", else "
                             << formatType(elseValue) << ")" << kRunTimeHint;
    ctx.setOutput(i, c.op("Where", {condition, thenValue, elseValue}));
  }
  return c.failed() ? failure() : success();
}

LogicalResult convertLoop(NodeContext &ctx) {
  // Inputs: M (trip count), cond, carried values. Body: (iteration, cond, carried...) -> (cond, carried...,
  // scan outputs...).
  unsigned numCarried = ctx.numInputs() - 2;
  if (ctx.numInputs() < 2 || failed(requireSignature(ctx, "body", numCarried + 2, numCarried + 1)))
    return failure();
  unsigned numScanOutputs = ctx.subgraphSignature("body")->second - 1 - numCarried;
  std::optional<int64_t> tripCount;
  if (ctx.hasInput(0)) {
    tripCount = constantScalar(ctx.input(0));
    if (!tripCount)
      return ctx.emitError() << "the trip count M depends on a run-time value" << kRunTimeHint;
    if (*tripCount > kMaxUnrolledIterations)
      return ctx.emitError() << "the trip count M is " << *tripCount << "; the frontend unrolls at most "
                             << kMaxUnrolledIterations << " iterations";
  }
  bool running = true;
  if (ctx.hasInput(1)) {
    std::optional<int64_t> condition = constantScalar(ctx.input(1));
    if (!condition)
      return ctx.emitError() << "the loop condition cond depends on a run-time value" << kRunTimeHint;
    running = *condition;
  }
  if (!tripCount && !ctx.hasInput(1))
    return ctx.emitError() << "has neither a trip count M nor a condition cond: it would never end";

  OpChain c(ctx);
  SmallVector<OnnxValue> carried;
  for (unsigned i = 0; i < numCarried; ++i)
    carried.push_back(ctx.input(2 + i));
  SmallVector<SmallVector<OnnxValue>> scans(numScanOutputs);
  int64_t iteration = 0;
  for (; running && (!tripCount || iteration < *tripCount); ++iteration) {
    if (iteration == kMaxUnrolledIterations)
      return ctx.emitError() << "the loop condition still holds after " << kMaxUnrolledIterations
                             << " iterations, the most the frontend unrolls";
    SmallVector<OnnxValue> bodyInputs = {c.integers({}, {iteration}), c.integers({}, {1}, kBool)};
    bodyInputs.append(carried);
    FailureOr<SmallVector<OnnxValue>> outputs =
        ctx.importSubgraph("body", bodyInputs, "[" + std::to_string(iteration) + "]");
    if (failed(outputs))
      return failure();
    std::optional<int64_t> next = constantScalar((*outputs)[0]);
    if (!next)
      return ctx.emitError() << "the condition the body computes in iteration " << iteration
                             << " depends on a run-time value" << kRunTimeHint;
    running = *next;
    carried.assign(outputs->begin() + 1, outputs->begin() + 1 + numCarried);
    for (unsigned k = 0; k < numScanOutputs; ++k)
      scans[k].push_back((*outputs)[1 + numCarried + k]);
  }
  if (iteration == 0 && numScanOutputs > 0)
    return ctx.emitError() << "runs no iteration, so its scan outputs have no static shape";
  for (auto [i, value] : llvm::enumerate(carried))
    ctx.setOutput(i, value);
  for (auto [k, elements] : llvm::enumerate(scans))
    ctx.setOutput(numCarried + k, c.stack(elements, 0));
  return c.failed() ? failure() : success();
}

LogicalResult convertScan(NodeContext &ctx) {
  // Opset 8 takes sequence_lens first and a batch dim 0 on every input and output; the body sees one batch entry.
  bool legacy = ctx.opset() < 9;
  unsigned first = legacy ? 1 : 0;
  int64_t numScanInputs = ctx.intAttribute("num_scan_inputs", 0);
  if (numScanInputs < 1 || first + numScanInputs > ctx.numInputs())
    return ctx.emitError() << "num_scan_inputs " << numScanInputs << " must be between 1 and the number of inputs";
  unsigned numStates = ctx.numInputs() - first - numScanInputs;
  if (failed(requireSignature(ctx, "body", numStates + numScanInputs, numStates)))
    return failure();
  unsigned numScanOutputs = ctx.subgraphSignature("body")->second - numStates;
  SmallVector<OnnxValue> states, scans;
  for (unsigned i = 0; i < numStates; ++i)
    states.push_back(ctx.input(first + i));
  for (unsigned i = 0; i < numScanInputs; ++i)
    scans.push_back(ctx.input(first + numStates + i));
  if (!legacy) {
    FailureOr<SmallVector<OnnxValue>> results = runScan(ctx, states, scans, numScanOutputs, "", legacy);
    if (failed(results))
      return failure();
    for (auto [i, value] : llvm::enumerate(*results))
      ctx.setOutput(i, value);
    return success();
  }
  if (ctx.hasAttribute("scan_input_axes") || ctx.hasAttribute("scan_output_axes"))
    return ctx.emitError() << "opset 8 scans along dim 1 and takes no scan axes";
  int64_t batch = scans[0].rank() >= 2 ? scans[0].shape()[0] : -1;
  for (auto [i, value] : llvm::enumerate(llvm::concat<OnnxValue>(states, scans)))
    if (value.rank() < (i < numStates ? 1 : 2) || value.shape()[0] != batch)
      return ctx.emitError() << "opset 8 needs the same batch dim 0 on every state and scan input (and a scan dim 1)";
  if (ctx.hasInput(0)) {
    FailureOr<SmallVector<int64_t>> lengths = ctx.constantIntsInput(0, "sequence_lens");
    if (failed(lengths))
      return failure();
    for (int64_t length : *lengths)
      if (length != scans[0].shape()[1])
        return ctx.emitError() << "sequence_lens entries must equal the scan length " << scans[0].shape()[1]
                               << "; shorter sequences are not supported";
  }
  OpChain c(ctx);
  SmallVector<SmallVector<OnnxValue>> perEntry(numStates + numScanOutputs);
  for (int64_t entry = 0; entry < batch; ++entry) {
    auto selectEntry = [&](ArrayRef<OnnxValue> values) {
      return llvm::map_to_vector(values, [&](const OnnxValue &value) { return c.select(value, entry); });
    };
    SmallVector<OnnxValue> entryStates = selectEntry(states), entryScans = selectEntry(scans);
    if (c.failed())
      return failure();
    FailureOr<SmallVector<OnnxValue>> results =
        runScan(ctx, entryStates, entryScans, numScanOutputs, "[" + std::to_string(entry) + "]", legacy);
    if (failed(results))
      return failure();
    for (auto [i, value] : llvm::enumerate(*results))
      perEntry[i].push_back(value);
  }
  for (auto [i, values] : llvm::enumerate(perEntry))
    ctx.setOutput(i, c.stack(values, 0));
  return c.failed() ? failure() : success();
}

} // namespace het::frontend
