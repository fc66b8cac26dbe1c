// ONNX sequences and optionals whose structure is known at compile time, held by the importer as lists of tensors:
// SequenceConstruct/Empty/At/Insert/Erase/Length, SplitToSequence, ConcatFromSequence, Optional,
// OptionalHasElement, OptionalGetElement. Positions must be constants; no kernel sees a sequence.
#include "ConverterRegistry.h"
#include "LinalgEmitter.h"

using namespace mlir;

namespace het::frontend {

namespace {

/// Input `index` as a sequence (not an optional), or an error naming it.
FailureOr<const OnnxSequence *> requireSequence(NodeContext &ctx, unsigned index) {
  const OnnxSequence *sequence = ctx.sequenceInput(index);
  if (!sequence || sequence->isOptional)
    return ctx.emitError() << "input " << index << " must be a sequence";
  return sequence;
}

/// A constant position of input `index` in a sequence of `length` elements (negative counts from the back;
/// `length` itself is accepted where `allowEnd`, for insertion), or `defaultPosition` when the input is omitted.
FailureOr<int64_t> position(NodeContext &ctx, unsigned index, int64_t length, int64_t defaultPosition, bool allowEnd) {
  if (!ctx.hasInput(index))
    return defaultPosition;
  FailureOr<SmallVector<int64_t>> values = ctx.constantIntsInput(index, "position");
  if (failed(values))
    return failure();
  if (values->size() != 1)
    return ctx.emitError() << "input " << index << " (position) must hold one integer";
  int64_t value = values->front(), last = allowEnd ? length : length - 1;
  if (value < -length || value > last)
    return ctx.emitError() << "position " << value << " is out of range for a sequence of " << length
                           << " elements (accepted: " << -length << " to " << last << ")";
  return value < 0 ? value + length : value;
}

} // namespace

LogicalResult convertSequenceConstruct(NodeContext &ctx) {
  OnnxSequence sequence;
  for (unsigned i = 0; i < ctx.numInputs(); ++i)
    sequence.elements.push_back(ctx.input(i));
  sequence.dtype = sequence.elements.front().dtype;
  for (auto [i, element] : llvm::enumerate(sequence.elements))
    if (element.dtype != sequence.dtype)
      return ctx.emitError() << "input " << i << " has element type " << dtypeName(element.dtype)
                             << "; every element must have input 0's (" << dtypeName(sequence.dtype) << ")";
  ctx.setSequenceOutput(0, std::move(sequence));
  return success();
}

LogicalResult convertSequenceEmpty(NodeContext &ctx) {
  OnnxSequence sequence;
  sequence.dtype = static_cast<int32_t>(ctx.intAttribute("dtype", kFloat));
  ctx.setSequenceOutput(0, std::move(sequence));
  return success();
}

LogicalResult convertSequenceAt(NodeContext &ctx) {
  FailureOr<const OnnxSequence *> sequence = requireSequence(ctx, 0);
  if (failed(sequence))
    return failure();
  int64_t length = (*sequence)->elements.size();
  FailureOr<int64_t> at = position(ctx, 1, length, 0, /*allowEnd=*/false);
  if (failed(at))
    return failure();
  ctx.setOutput(0, (*sequence)->elements[*at]);
  return success();
}

LogicalResult convertSequenceInsert(NodeContext &ctx) {
  FailureOr<const OnnxSequence *> sequence = requireSequence(ctx, 0);
  if (failed(sequence))
    return failure();
  OnnxSequence result = **sequence;
  OnnxValue tensor = ctx.input(1);
  if (tensor.dtype != result.dtype)
    return ctx.emitError() << "input 1 has element type " << dtypeName(tensor.dtype) << "; the sequence holds "
                           << dtypeName(result.dtype);
  int64_t length = result.elements.size();
  FailureOr<int64_t> at = position(ctx, 2, length, length, /*allowEnd=*/true);
  if (failed(at))
    return failure();
  result.elements.insert(result.elements.begin() + *at, tensor);
  ctx.setSequenceOutput(0, std::move(result));
  return success();
}

LogicalResult convertSequenceErase(NodeContext &ctx) {
  FailureOr<const OnnxSequence *> sequence = requireSequence(ctx, 0);
  if (failed(sequence))
    return failure();
  OnnxSequence result = **sequence;
  int64_t length = result.elements.size();
  if (length == 0)
    return ctx.emitError() << "cannot erase from an empty sequence";
  FailureOr<int64_t> at = position(ctx, 1, length, length - 1, /*allowEnd=*/false);
  if (failed(at))
    return failure();
  result.elements.erase(result.elements.begin() + *at);
  ctx.setSequenceOutput(0, std::move(result));
  return success();
}

LogicalResult convertSequenceLength(NodeContext &ctx) {
  FailureOr<const OnnxSequence *> sequence = requireSequence(ctx, 0);
  if (failed(sequence))
    return failure();
  OpChain c(ctx);
  ctx.setOutput(0, c.integers({}, {static_cast<int64_t>((*sequence)->elements.size())}));
  return success();
}

LogicalResult convertSplitToSequence(NodeContext &ctx) {
  OnnxValue input = ctx.input(0);
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.intAttribute("axis", 0), input.rank(), "axis");
  if (failed(axis))
    return failure();
  int64_t size = input.shape()[*axis];
  SmallVector<int64_t> sizes;
  bool squeeze = false;
  if (!ctx.hasInput(1)) {
    // Without split: one element per index, the axis dropped unless keepdims.
    sizes.assign(size, 1);
    squeeze = ctx.intAttribute("keepdims", 1) == 0;
  } else {
    FailureOr<SmallVector<int64_t>> split = ctx.constantIntsInput(1, "split");
    if (failed(split))
      return failure();
    if (ctx.input(1).rank() == 0) {
      int64_t chunk = split->front();
      if (chunk <= 0)
        return ctx.emitError() << "split " << chunk << " must be positive";
      for (int64_t offset = 0; offset < size; offset += chunk)
        sizes.push_back(std::min(chunk, size - offset));
    } else {
      sizes = *split;
      int64_t total = 0;
      for (int64_t part : sizes) {
        if (part < 0)
          return ctx.emitError() << "split entries must not be negative";
        total += part;
      }
      if (total != size)
        return ctx.emitError() << "split sums to " << total << ", but axis " << *axis << " has " << size;
    }
  }
  if (sizes.empty())
    return ctx.emitError() << "axis " << *axis << " is empty, so the sequence would have no element";
  OpChain c(ctx);
  SmallVector<OnnxValue> parts = sizes.size() == 1
                                     ? SmallVector<OnnxValue>{input}
                                     : c.ops("Split", {input, c.integers({static_cast<int64_t>(sizes.size())}, sizes)},
                                             sizes.size(), {{"axis", *axis}});
  OnnxSequence sequence;
  sequence.dtype = input.dtype;
  for (OnnxValue part : parts)
    sequence.elements.push_back(squeeze ? c.op("Squeeze", {part, c.integers({1}, {*axis})}) : part);
  if (c.failed())
    return failure();
  ctx.setSequenceOutput(0, std::move(sequence));
  return success();
}

LogicalResult convertConcatFromSequence(NodeContext &ctx) {
  FailureOr<const OnnxSequence *> sequence = requireSequence(ctx, 0);
  if (failed(sequence))
    return failure();
  ArrayRef<OnnxValue> elements = (*sequence)->elements;
  if (elements.empty())
    return ctx.emitError() << "the sequence is empty, so the result has no static shape";
  bool newAxis = ctx.intAttribute("new_axis", 0);
  FailureOr<int64_t> axis =
      ctx.normalizeAxis(ctx.intAttribute("axis", 0), elements.front().rank() + (newAxis ? 1 : 0), "axis");
  if (failed(axis))
    return failure();
  OpChain c(ctx);
  OnnxValue result = newAxis ? c.stack(elements, *axis) : c.concat(elements, *axis);
  if (c.failed())
    return failure();
  ctx.setOutput(0, result);
  return success();
}

LogicalResult convertOptional(NodeContext &ctx) {
  OnnxSequence optional;
  optional.isOptional = true;
  if (ctx.hasInput(0)) {
    if (ctx.sequenceInput(0))
      return ctx.emitError() << "optionals of sequences are not supported; an optional holds one tensor";
    optional.elements.push_back(ctx.input(0));
    optional.dtype = ctx.input(0).dtype;
  }
  ctx.setSequenceOutput(0, std::move(optional));
  return success();
}

LogicalResult convertOptionalHasElement(NodeContext &ctx) {
  const OnnxSequence *optional = ctx.sequenceInput(0);
  if (!optional || !optional->isOptional)
    return ctx.emitError() << "input 0 must be an optional";
  OpChain c(ctx);
  ctx.setOutput(0, c.integers({}, {optional->elements.empty() ? 0 : 1}, kBool));
  return success();
}

LogicalResult convertOptionalGetElement(NodeContext &ctx) {
  const OnnxSequence *optional = ctx.sequenceInput(0);
  if (!optional || !optional->isOptional)
    return ctx.emitError() << "input 0 must be an optional";
  if (optional->elements.empty())
    return ctx.emitError() << "the optional is empty";
  ctx.setOutput(0, optional->elements.front());
  return success();
}

} // namespace het::frontend
