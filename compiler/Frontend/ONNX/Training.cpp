// The optimizer update rules of the ai.onnx.preview.training domain (Adagrad, Adam, Momentum with its Nesterov
// mode): one elementwise step per optimized tensor, given the learning rate R and the step count T.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace het::frontend {

namespace {

const int32_t kFloatDTypes[] = {kFloat, kDouble};

/// `onFirstStep` when the step count `t` is 0, else `later`: the rules start without their step-count corrections.
Value firstStepOr(ScalarMath &m, Value t, Value onFirstStep, Value later) {
  return m.select(m.equal(t, m.constant(0)), onFirstStep, later);
}

/// One output of an optimizer's rule for one optimized tensor: rule(math, R, T, tensors, output) gets R and T
/// converted to X's element type, the tensor's X, G and state tensors (in input order), and which output to compute
/// (0 for X_new, then the states in input order).
using UpdateRule = llvm::function_ref<Value(ScalarMath &, Value, Value, ValueRange, unsigned)>;

/// Converts an optimizer node whose inputs are R, T, then `groups` runs of one tensor per optimized tensor (X, G,
/// the states), and whose outputs are `numOutputs` such runs; output k of tensor i is output k * count + i.

LogicalResult emitUpdates(NodeContext &ctx, unsigned groups, unsigned numOutputs, UpdateRule rule) {
  if (ctx.numInputs() < 2 + groups || (ctx.numInputs() - 2) % groups)
    return ctx.emitError() << "expects R, T and then " << groups << " tensors per optimized tensor";
  if (failed(ctx.requireDType(0, kFloatDTypes)) || failed(ctx.requireDType(1, {kInt64})))
    return failure();
  OnnxValue rate = ctx.input(0), step = ctx.input(1);
  if (rate.rank() != 0 || step.rank() != 0)
    return ctx.emitError() << "R and T must be scalars";
  unsigned count = (ctx.numInputs() - 2) / groups;
  for (unsigned i = 0; i < count; ++i) {
    SmallVector<OnnxValue> inputs = {rate, step};
    for (unsigned group = 0; group < groups; ++group) {
      unsigned index = 2 + group * count + i;
      if (failed(ctx.requireDType(index, kFloatDTypes)))
        return failure();
      inputs.push_back(ctx.input(index));
      if (inputs.back().shape() != inputs[2].shape() || inputs.back().dtype != inputs[2].dtype)
        return ctx.emitError() << "input " << index << " must have the shape and type of input " << 2 + i;
    }
    int32_t dtype = inputs[2].dtype, rateDType = rate.dtype;
    for (unsigned output = 0; output < numOutputs; ++output) {
      ImplicitLocOpBuilder &b = ctx.builder();
      Value result = buildElementwise(
          b, llvm::map_to_vector(inputs, [](const OnnxValue &input) { return input.value; }), inputs[2].shape(),
          elementTypeOf(dtype, ctx.context()), [&](OpBuilder &nested, Location loc, ValueRange args) {
            ScalarMath math{nested, loc, args[2].getType()};
            Value r = castScalar(nested, loc, args[0], rateDType, dtype);
            Value t = castScalar(nested, loc, args[1], kInt64, dtype);
            return rule(math, r, t, args.drop_front(2), output);
          });
      ctx.setOutput(output * count + i, {result, dtype});
    }
  }
  return success();
}

} // namespace

LogicalResult convertAdagrad(NodeContext &ctx) {
  double decay = ctx.floatAttribute("decay_factor", 0), epsilon = ctx.floatAttribute("epsilon", 0);
  double norm = ctx.floatAttribute("norm_coefficient", 0);
  // Inputs X, G, H; outputs X_new, H_new.
  return emitUpdates(ctx, 3, 2, [&](ScalarMath &m, Value r, Value t, ValueRange v, unsigned output) -> Value {
    Value gradient = m.add(m.mul(m.constant(norm), v[0]), v[1]);
    Value accumulated = m.add(v[2], m.mul(gradient, gradient));
    if (output == 1)
      return accumulated;
    Value rate = m.div(r, m.add(m.constant(1), m.mul(t, m.constant(decay))));
    return m.sub(v[0], m.div(m.mul(rate, gradient), m.add(m.sqrt(accumulated), m.constant(epsilon))));
  });
}

LogicalResult convertAdam(NodeContext &ctx) {
  double alpha = ctx.floatAttribute("alpha", 0.9), beta = ctx.floatAttribute("beta", 0.999);
  double epsilon = ctx.floatAttribute("epsilon", 1e-6), norm = ctx.floatAttribute("norm_coefficient", 0);
  double normPost = ctx.floatAttribute("norm_coefficient_post", 0);
  // Inputs X, G, V, H; outputs X_new, V_new, H_new.
  return emitUpdates(ctx, 4, 3, [&](ScalarMath &m, Value r, Value t, ValueRange v, unsigned output) -> Value {
    Value gradient = m.add(m.mul(m.constant(norm), v[0]), v[1]);
    Value momentum = m.add(m.mul(m.constant(alpha), v[2]), m.mul(m.constant(1 - alpha), gradient));
    if (output == 1)
      return momentum;
    Value second = m.add(m.mul(m.constant(beta), v[3]), m.mul(m.constant(1 - beta), m.mul(gradient, gradient)));
    if (output == 2)
      return second;
    // After the first step, R is corrected for the momentums' bias towards their zero start.
    Value alphaPower = math::PowFOp::create(m.b, m.loc, m.constant(alpha), t);
    Value betaPower = math::PowFOp::create(m.b, m.loc, m.constant(beta), t);
    Value corrected = m.div(m.mul(r, m.sqrt(m.sub(m.constant(1), betaPower))), m.sub(m.constant(1), alphaPower));
    Value rate = firstStepOr(m, t, r, corrected);
    Value updated = m.sub(v[0], m.mul(rate, m.div(momentum, m.add(m.sqrt(second), m.constant(epsilon)))));
    return m.mul(m.constant(1 - normPost), updated);
  });
}

LogicalResult convertMomentum(NodeContext &ctx) {
  double alpha = ctx.floatAttribute("alpha", 0), beta = ctx.floatAttribute("beta", 0);
  double norm = ctx.floatAttribute("norm_coefficient", 0);
  std::string mode = ctx.stringAttribute("mode", "standard");
  if (mode != "standard" && mode != "nesterov")
    return ctx.emitError() << "mode '" << mode << "' is not supported; supported: standard, nesterov";
  bool nesterov = mode == "nesterov";
  // Inputs X, G, V; outputs X_new, V_new.
  return emitUpdates(ctx, 3, 2, [&](ScalarMath &m, Value r, Value t, ValueRange v, unsigned output) -> Value {
    Value gradient = m.add(m.mul(m.constant(norm), v[0]), v[1]);
    // The gradient's coefficient is 1 on the first step.
    Value coefficient = firstStepOr(m, t, m.constant(1), m.constant(beta));
    Value momentum = m.add(m.mul(m.constant(alpha), v[2]), m.mul(coefficient, gradient));
    if (output == 1)
      return momentum;
    Value direction = nesterov ? m.add(gradient, m.mul(m.constant(alpha), momentum)) : momentum;
    return m.sub(v[0], m.mul(r, direction));
  });
}

} // namespace het::frontend
