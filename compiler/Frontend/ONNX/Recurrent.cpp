// ONNX RNN, GRU and LSTM, unrolled over the static sequence length into the ops that define them (MatMul, Add,
// the activations, Where for sequence_lens), one direction after the other.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace het::frontend {

namespace {

/// An activation of the activations attribute, with the alpha and beta it consumed.
struct Activation {
  std::string name;
  std::optional<float> alpha, beta;
};

/// Reads activations, activation_alpha and activation_beta: each activation that takes alpha (beta) consumes the
/// next entry of the list, as the ONNX reference and ONNX Runtime read them.
FailureOr<SmallVector<Activation>> readActivations(NodeContext &ctx, ArrayRef<StringRef> defaults,
                                                   int64_t numDirections) {
  SmallVector<std::string> names;
  if (std::optional<SmallVector<std::string>> given = ctx.stringsAttribute("activations"))
    names = *given;
  else
    for (int64_t direction = 0; direction < numDirections; ++direction)
      for (StringRef name : defaults)
        names.push_back(name.str());
  if (names.size() != defaults.size() * numDirections)
    return ctx.emitError() << "activations lists " << names.size() << " functions; " << ctx.opType() << " takes "
                           << defaults.size() << " per direction (" << defaults.size() * numDirections << ")";
  SmallVector<float> alphas = ctx.floatsAttribute("activation_alpha").value_or(SmallVector<float>());
  SmallVector<float> betas = ctx.floatsAttribute("activation_beta").value_or(SmallVector<float>());
  size_t nextAlpha = 0, nextBeta = 0;
  SmallVector<Activation> activations;
  for (const std::string &given : names) {
    std::string lower = StringRef(given).lower();
    StringRef name = llvm::StringSwitch<StringRef>(lower)
                         .Case("relu", "Relu")
                         .Case("tanh", "Tanh")
                         .Case("sigmoid", "Sigmoid")
                         .Case("affine", "Affine")
                         .Case("leakyrelu", "LeakyRelu")
                         .Case("thresholdedrelu", "ThresholdedRelu")
                         .Case("scaledtanh", "ScaledTanh")
                         .Case("hardsigmoid", "HardSigmoid")
                         .Case("elu", "Elu")
                         .Case("softsign", "Softsign")
                         .Case("softplus", "Softplus")
                         .Default("");
    if (name.empty())
      return ctx.emitError() << "activation '" << given << "' is not one of Relu, Tanh, Sigmoid, Affine, LeakyRelu, "
                             << "ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus";
    Activation activation{name.str(), std::nullopt, std::nullopt};
    bool takesAlpha = name != "Relu" && name != "Tanh" && name != "Sigmoid" && name != "Softsign" && name != "Softplus";
    bool takesBeta = name == "Affine" || name == "ScaledTanh" || name == "HardSigmoid";
    if (takesAlpha && nextAlpha < alphas.size())
      activation.alpha = alphas[nextAlpha++];
    if (takesBeta && nextBeta < betas.size())
      activation.beta = betas[nextBeta++];
    activations.push_back(activation);
  }
  return activations;
}

/// The weights and state of one direction, and how its cell is computed.
class Cell {
public:
  Cell(OpChain &chain, StringRef op, ArrayRef<Activation> activations, std::optional<float> clip, int32_t dtype)
      : c(chain), op(op), activations(activations), clip(clip), dtype(dtype) {}

  /// Precomputes X * W^T + bias for every step ([steps, batch, gates * hidden]) and the transposed recurrence
  /// weights.
  OnnxValue prepare(OnnxValue x, OnnxValue w, OnnxValue r, OnnxValue bias, bool linearBeforeReset) {
    this->linearBeforeReset = linearBeforeReset;
    OnnxValue projected = c.matmul(x, c.transpose(w, {1, 0}));
    bool gru = op == "GRU";
    if (bias.value) {
      SmallVector<OnnxValue> halves = c.split(bias, 0, 2);
      // GRU adds the recurrence bias of its h gate inside the reset product; RNN and LSTM add both biases once.
      projected = c.add(projected, gru ? halves[0] : c.add(halves[0], halves[1]));
      if (gru)
        recurrenceBias = c.split(halves[1], 0, 3);
    }
    if (gru)
      for (OnnxValue gate : c.split(r, 0, 3))
        recurrenceGates.push_back(c.transpose(gate, {1, 0}));
    else
      recurrence = c.transpose(r, {1, 0});
    return projected;
  }

  /// One step: the new hidden state (and, for LSTM, cell state) from the projected input `xt`.
  std::pair<OnnxValue, OnnxValue> step(OnnxValue xt, OnnxValue h, OnnxValue cell, ArrayRef<OnnxValue> peepholes) {
    if (op == "RNN")
      return {activate(0, c.add(xt, c.matmul(h, recurrence))), {}};
    if (op == "GRU")
      return {gruStep(xt, h), {}};
    return lstmStep(xt, h, cell, peepholes);
  }

  bool inputForget = false;

private:
  OnnxValue gruStep(OnnxValue xt, OnnxValue h) {
    SmallVector<OnnxValue> x = c.split(xt, 1, 3);
    auto recurrent = [&](OnnxValue state, unsigned gate) {
      OnnxValue product = c.matmul(state, recurrenceGates[gate]);
      return recurrenceBias.empty() ? product : c.add(product, recurrenceBias[gate]);
    };
    OnnxValue z = activate(0, c.add(x[0], recurrent(h, 0)));
    OnnxValue r = activate(0, c.add(x[1], recurrent(h, 1)));
    OnnxValue candidate =
        linearBeforeReset ? c.add(x[2], c.mul(r, recurrent(h, 2))) : c.add(x[2], recurrent(c.mul(r, h), 2));
    OnnxValue hidden = activate(1, candidate);
    OnnxValue keep = c.op("Sub", {c.scalar(1, dtype), z});
    return c.add(c.mul(keep, hidden), c.mul(z, h));
  }

  std::pair<OnnxValue, OnnxValue> lstmStep(OnnxValue xt, OnnxValue h, OnnxValue cell, ArrayRef<OnnxValue> peepholes) {
    // Gate order of W, R and B: input, output, forget, cell; of P: input, output, forget.
    SmallVector<OnnxValue> gates = c.split(c.add(xt, c.matmul(h, recurrence)), 1, 4);
    auto peephole = [&](OnnxValue gate, unsigned index, OnnxValue state) {
      return peepholes.empty() ? gate : c.add(gate, c.mul(peepholes[index], state));
    };
    OnnxValue input = activate(0, peephole(gates[0], 0, cell));
    OnnxValue forget =
        inputForget ? c.op("Sub", {c.scalar(1, dtype), input}) : activate(0, peephole(gates[2], 2, cell));
    OnnxValue candidate = activate(1, gates[3]);
    OnnxValue newCell = c.add(c.mul(forget, cell), c.mul(input, candidate));
    OnnxValue output = activate(0, peephole(gates[1], 1, newCell));
    return {c.mul(output, activate(2, newCell)), newCell};
  }

  /// Activation `index` of this direction (f, g, h) on the clipped `x`.
  OnnxValue activate(unsigned index, OnnxValue x) {
    if (clip)
      x = c.op("Clip", {x, c.scalar(-*clip, dtype), c.scalar(*clip, dtype)});
    const Activation &activation = activations[index];
    if (activation.name == "Affine")
      return c.add(c.mul(x, c.scalar(activation.alpha.value_or(1), dtype)),
                   c.scalar(activation.beta.value_or(0), dtype));
    if (activation.name == "ScaledTanh")
      return c.mul(c.op("Tanh", {c.mul(x, c.scalar(activation.beta.value_or(1), dtype))}),
                   c.scalar(activation.alpha.value_or(1), dtype));
    SmallVector<OpAttribute> attributes;
    if (activation.alpha)
      attributes.push_back({"alpha", *activation.alpha});
    if (activation.beta)
      attributes.push_back({"beta", *activation.beta});
    return c.op(activation.name, {x}, attributes);
  }

  OpChain &c;
  StringRef op;
  ArrayRef<Activation> activations;
  std::optional<float> clip;
  int32_t dtype;
  bool linearBeforeReset = false;
  OnnxValue recurrence;
  SmallVector<OnnxValue> recurrenceGates, recurrenceBias;
};

/// Checks that input `index` has `shape`, naming it.
LogicalResult requireShape(NodeContext &ctx, unsigned index, StringRef what, ArrayRef<int64_t> shape) {
  if (ctx.input(index).shape() == shape)
    return success();
  auto diagnostic = ctx.emitError() << "input " << index << " (" << what << ") has shape [";
  llvm::interleaveComma(ctx.input(index).shape(), diagnostic);
  diagnostic << "]; expected [";
  llvm::interleaveComma(shape, diagnostic);
  return diagnostic << "]";
}

} // namespace

LogicalResult convertRecurrent(NodeContext &ctx) {
  StringRef op = ctx.opType();
  bool lstm = op == "LSTM", gru = op == "GRU";
  int64_t numGates = lstm ? 4 : gru ? 3 : 1;
  SmallVector<StringRef> defaultActivations = lstm  ? SmallVector<StringRef>{"Sigmoid", "Tanh", "Tanh"}
                                              : gru ? SmallVector<StringRef>{"Sigmoid", "Tanh"}
                                                    : SmallVector<StringRef>{"Tanh"};
  if (failed(ctx.requireDType(0, {kFloat, kDouble})))
    return failure();
  int32_t dtype = ctx.input(0).dtype;
  for (unsigned index : {1u, 2u, 3u, 5u, 6u, 7u})
    if (ctx.hasInput(index) && ctx.input(index).dtype != dtype)
      return ctx.emitError() << "input " << index << " has element type " << dtypeName(ctx.input(index).dtype)
                             << "; it must have X's (" << dtypeName(dtype) << ")";
  std::string direction = ctx.stringAttribute("direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    return ctx.emitError() << "direction '" << direction << "' is not one of forward, reverse, bidirectional";
  int64_t numDirections = direction == "bidirectional" ? 2 : 1;
  int64_t layout = ctx.intAttribute("layout", 0);
  if (layout != 0 && layout != 1)
    return ctx.emitError() << "layout " << layout << " is not 0 (sequence first) or 1 (batch first)";
  OnnxValue x = ctx.input(0);
  if (x.rank() != 3)
    return ctx.emitError() << "X must be 3-D, [seq_length, batch_size, input_size] (layout 0) or [batch_size, "
                           << "seq_length, input_size] (layout 1)";
  int64_t steps = x.shape()[layout], batch = x.shape()[1 - layout], inputSize = x.shape()[2];
  int64_t hidden = ctx.input(2).rank() == 3 ? ctx.input(2).shape()[2] : 0;
  if (ctx.hasAttribute("hidden_size") && ctx.intAttribute("hidden_size", 0) != hidden)
    return ctx.emitError() << "hidden_size " << ctx.intAttribute("hidden_size", 0)
                           << " disagrees with R, whose last dim is " << hidden;
  int64_t gateRows = numGates * hidden;
  if (failed(requireShape(ctx, 1, "W", {numDirections, gateRows, inputSize})) ||
      failed(requireShape(ctx, 2, "R", {numDirections, gateRows, hidden})) ||
      (ctx.hasInput(3) && failed(requireShape(ctx, 3, "B", {numDirections, 2 * gateRows}))) ||
      (ctx.hasInput(4) && failed(requireShape(ctx, 4, "sequence_lens", {batch}))))
    return failure();
  SmallVector<int64_t> stateShape =
      layout ? SmallVector<int64_t>{batch, numDirections, hidden} : SmallVector<int64_t>{numDirections, batch, hidden};
  if ((ctx.hasInput(5) && failed(requireShape(ctx, 5, "initial_h", stateShape))) ||
      (lstm && ctx.hasInput(6) && failed(requireShape(ctx, 6, "initial_c", stateShape))) ||
      (lstm && ctx.hasInput(7) && failed(requireShape(ctx, 7, "P", {numDirections, 3 * hidden}))))
    return failure();
  if (ctx.hasInput(4) && failed(ctx.requireDType(4, {kInt32})))
    return failure();
  FailureOr<SmallVector<Activation>> activations = readActivations(ctx, defaultActivations, numDirections);
  if (failed(activations))
    return failure();
  std::optional<float> clip;
  if (ctx.hasAttribute("clip"))
    clip = ctx.floatAttribute("clip", 0);
  if (clip && *clip <= 0)
    return ctx.emitError() << "clip " << *clip << " must be positive";

  OpChain c(ctx);
  if (layout)
    x = c.transpose(x, {1, 0, 2});
  auto stateInput = [&](unsigned index) {
    if (!ctx.hasInput(index))
      return OnnxValue{};
    return layout ? c.transpose(ctx.input(index), {1, 0, 2}) : ctx.input(index);
  };
  OnnxValue initialH = stateInput(5), initialC = lstm ? stateInput(6) : OnnxValue{};
  // sequence_lens: step t of batch entry b runs only when t < sequence_lens[b]; elsewhere the state stays and Y
  // is 0. A reverse direction then starts at each entry's own last step, as the spec asks.
  SmallVector<OnnxValue> stepMasks;
  if (ctx.hasInput(4))
    for (int64_t t = 0; t < steps; ++t)
      stepMasks.push_back(c.unsqueeze(c.op("Less", {c.integers({}, {t}, kInt32), ctx.input(4)}), 1));

  size_t perDirection = defaultActivations.size();
  SmallVector<OnnxValue> ys, lastHidden, lastCell;
  for (int64_t d = 0; d < numDirections; ++d) {
    Cell cell(c, op, ArrayRef(*activations).slice(d * perDirection, perDirection), clip, dtype);
    cell.inputForget = lstm && ctx.intAttribute("input_forget", 0);
    OnnxValue bias = ctx.hasInput(3) ? c.select(ctx.input(3), d) : OnnxValue{};
    OnnxValue projected = cell.prepare(x, c.select(ctx.input(1), d), c.select(ctx.input(2), d), bias,
                                       gru && ctx.intAttribute("linear_before_reset", 0));
    OnnxValue h = initialH.value ? c.select(initialH, d) : c.filled({batch, hidden}, 0, dtype);
    OnnxValue state =
        lstm ? (initialC.value ? c.select(initialC, d) : c.filled({batch, hidden}, 0, dtype)) : OnnxValue{};
    SmallVector<OnnxValue> peepholes;
    if (lstm && ctx.hasInput(7))
      peepholes = c.split(c.select(ctx.input(7), d), 0, 3);
    bool reverse = direction == "reverse" || d == 1;
    SmallVector<OnnxValue> outputs(steps);
    for (int64_t i = 0; i < steps; ++i) {
      int64_t t = reverse ? steps - 1 - i : i;
      auto [nextH, nextState] = cell.step(c.select(projected, t), h, state, peepholes);
      OnnxValue y = nextH;
      if (!stepMasks.empty()) {
        nextH = c.op("Where", {stepMasks[t], nextH, h});
        if (lstm)
          nextState = c.op("Where", {stepMasks[t], nextState, state});
        y = c.op("Where", {stepMasks[t], y, c.filled({batch, hidden}, 0, dtype)});
      }
      h = nextH;
      state = nextState;
      outputs[t] = y;
    }
    ys.push_back(c.unsqueeze(c.stack(outputs, 0), 1));
    lastHidden.push_back(c.unsqueeze(h, 0));
    if (lstm)
      lastCell.push_back(c.unsqueeze(state, 0));
    if (c.failed())
      return failure();
  }
  OnnxValue y = c.concat(ys, 1), yH = c.concat(lastHidden, 0);
  OnnxValue yC = lstm ? c.concat(lastCell, 0) : OnnxValue{};
  if (layout) {
    y = c.transpose(y, {2, 0, 1, 3});
    yH = c.transpose(yH, {1, 0, 2});
    if (lstm)
      yC = c.transpose(yC, {1, 0, 2});
  }
  if (c.failed())
    return failure();
  ctx.setOutput(0, y);
  ctx.setOutput(1, yH);
  if (lstm)
    ctx.setOutput(2, yC);
  return success();
}

} // namespace het::frontend
