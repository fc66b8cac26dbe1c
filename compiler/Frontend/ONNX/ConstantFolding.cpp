// Import-time constant folding: interprets linalg ops (through their scalar bodies and the ops' own folders),
// static tensor slices and pads, and whatever else folds, on operands that are all constants.
#include "ConstantFolding.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace het::frontend {

namespace {

bool isSmallStatic(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  return shaped && shaped.hasStaticShape() && shaped.getNumElements() <= kMaxFoldedElements;
}

/// The constant `value` holds: an arith.constant's value, a linalg.fill of one, or zeros for a tensor.empty
/// (whose contents no correct op reads). Fills and empties stay as they are (they cost nothing to keep and
/// are what the backends expect for accumulators), but what reads them can fold.
Attribute constantOf(Value value) {
  Operation *def = value.getDefiningOp();
  if (auto constant = dyn_cast_or_null<arith::ConstantOp>(def))
    return constant.getValue();
  if (isa_and_nonnull<tensor::EmptyOp>(def) && isSmallStatic(value.getType()))
    return Builder(value.getContext()).getZeroAttr(value.getType());
  if (auto fill = dyn_cast_or_null<linalg::FillOp>(def))
    if (auto scalar = fill.getInputs()[0].getDefiningOp<arith::ConstantOp>(); scalar && isSmallStatic(value.getType()))
      return SplatElementsAttr::get(cast<ShapedType>(value.getType()), scalar.getValue());
  return {};
}

/// A constant tensor as a flat list of element attributes, addressed by coordinates.
struct Elements {
  explicit Elements(DenseElementsAttr attr) : values(attr.getValues<Attribute>()) {
    ArrayRef<int64_t> shape = attr.getType().getShape();
    strides.assign(shape.size(), 1);
    for (int64_t dim = static_cast<int64_t>(shape.size()) - 2; dim >= 0; --dim)
      strides[dim] = strides[dim + 1] * shape[dim + 1];
  }
  int64_t linear(ArrayRef<int64_t> coords) const {
    int64_t index = 0;
    for (auto [coord, stride] : llvm::zip_equal(coords, strides))
      index += coord * stride;
    return index;
  }

  SmallVector<Attribute> values;
  SmallVector<int64_t> strides;
};

/// Steps `coords` through the box `sizes` in row-major order; false once it wraps around.
bool nextCoords(MutableArrayRef<int64_t> coords, ArrayRef<int64_t> sizes) {
  for (int64_t dim = static_cast<int64_t>(coords.size()) - 1; dim >= 0; --dim) {
    if (++coords[dim] < sizes[dim])
      return true;
    coords[dim] = 0;
  }
  return false;
}

int64_t product(ArrayRef<int64_t> sizes) {
  int64_t count = 1;
  for (int64_t size : sizes)
    count *= size;
  return count;
}

/// Evaluates one scalar op of a linalg body with its own folder; operands come from `env` or are constants
/// captured from outside the body.
LogicalResult evaluateScalar(Operation *op, DenseMap<Value, Attribute> &env) {
  SmallVector<Attribute> operands;
  for (Value operand : op->getOperands()) {
    Attribute attr = env.lookup(operand);
    if (!attr)
      attr = constantOf(operand);
    if (!attr)
      return failure();
    operands.push_back(attr);
  }
  SmallVector<OpFoldResult> results;
  if (failed(op->fold(operands, results)) || results.size() != op->getNumResults())
    return failure();
  for (auto [result, folded] : llvm::zip_equal(op->getResults(), results)) {
    Attribute attr = dyn_cast<Attribute>(folded);
    if (!attr)
      attr = env.lookup(cast<Value>(folded));
    if (!attr)
      attr = constantOf(cast<Value>(folded));
    if (!attr)
      return failure();
    env[result] = attr;
  }
  return success();
}

/// Runs a linalg op on constant operands point by point through its body.
FailureOr<SmallVector<Attribute>> foldLinalg(linalg::LinalgOp op, ArrayRef<Attribute> operands) {
  if (!op.hasPureTensorSemantics() || op->getNumRegions() != 1)
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic) || product(ranges) > kMaxFoldedElements)
    return failure();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<std::optional<Elements>> tensors;
  for (Attribute operand : operands) {
    if (auto dense = dyn_cast<DenseElementsAttr>(operand))
      tensors.emplace_back(dense);
    else
      tensors.emplace_back(std::nullopt);
  }
  int64_t numInputs = op.getNumDpsInputs();
  Block *body = op.getBlock();
  SmallVector<int64_t> point(ranges.size(), 0);
  bool more = product(ranges) > 0;
  for (; more; more = nextCoords(point, ranges)) {
    DenseMap<Value, Attribute> env;
    SmallVector<SmallVector<int64_t>> operandCoords;
    for (auto [i, arg] : llvm::enumerate(body->getArguments())) {
      operandCoords.push_back(maps[i].compose(point));
      env[arg] = tensors[i] ? tensors[i]->values[tensors[i]->linear(operandCoords.back())] : operands[i];
    }
    for (Operation &inner : *body) {
      if (auto yield = dyn_cast<linalg::YieldOp>(inner)) {
        for (auto [k, value] : llvm::enumerate(yield.getOperands())) {
          Attribute attr = env.lookup(value);
          if (!attr)
            attr = constantOf(value);
          if (!attr)
            return failure();
          Elements &out = *tensors[numInputs + k];
          out.values[out.linear(operandCoords[numInputs + k])] = attr;
        }
      } else if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
        env[index] = IntegerAttr::get(IndexType::get(op->getContext()), point[index.getDim()]);
      } else if (failed(evaluateScalar(&inner, env))) {
        return failure();
      }
    }
  }
  SmallVector<Attribute> results;
  for (auto [k, result] : llvm::enumerate(op->getResults()))
    results.push_back(
        DenseElementsAttr::get(cast<ShapedType>(result.getType()), ArrayRef(tensors[numInputs + k]->values)));
  return results;
}

/// The static offsets, sizes and strides of a slice op, or nothing when one is dynamic.
std::optional<std::array<SmallVector<int64_t>, 3>> staticSlice(OffsetSizeAndStrideOpInterface op) {
  std::array<SmallVector<int64_t>, 3> slice = {llvm::to_vector(op.getStaticOffsets()),
                                               llvm::to_vector(op.getStaticSizes()),
                                               llvm::to_vector(op.getStaticStrides())};
  for (const SmallVector<int64_t> &list : slice)
    if (llvm::any_of(list, ShapedType::isDynamic))
      return std::nullopt;
  return slice;
}

/// Visits each element of a static slice: its coordinates in the sliced tensor and its row-major position in
/// the slice.
void forEachSliceElement(const std::array<SmallVector<int64_t>, 3> &slice,
                         llvm::function_ref<void(ArrayRef<int64_t>, int64_t)> visit) {
  const auto &[offsets, sizes, strides] = slice;
  SmallVector<int64_t> coords(sizes.size(), 0), full(sizes.size());
  int64_t position = 0;
  for (bool more = product(sizes) > 0; more; more = nextCoords(coords, sizes)) {
    for (size_t dim = 0; dim < sizes.size(); ++dim)
      full[dim] = offsets[dim] + coords[dim] * strides[dim];
    visit(full, position++);
  }
}

FailureOr<Attribute> foldExtractSlice(tensor::ExtractSliceOp op, ArrayRef<Attribute> operands) {
  auto slice = staticSlice(op);
  if (!slice)
    return failure();
  Elements source(cast<DenseElementsAttr>(operands[0]));
  SmallVector<Attribute> values(product((*slice)[1]));
  forEachSliceElement(*slice, [&](ArrayRef<int64_t> coords, int64_t position) {
    values[position] = source.values[source.linear(coords)];
  });
  return Attribute(DenseElementsAttr::get(op.getType(), ArrayRef(values)));
}

FailureOr<Attribute> foldInsertSlice(tensor::InsertSliceOp op, ArrayRef<Attribute> operands) {
  auto slice = staticSlice(op);
  if (!slice)
    return failure();
  Elements source(cast<DenseElementsAttr>(operands[0]));
  Elements dest(cast<DenseElementsAttr>(operands[1]));
  forEachSliceElement(*slice, [&](ArrayRef<int64_t> coords, int64_t position) {
    dest.values[dest.linear(coords)] = source.values[position];
  });
  return Attribute(DenseElementsAttr::get(op.getType(), ArrayRef(dest.values)));
}

FailureOr<Attribute> foldPad(tensor::PadOp op, ArrayRef<Attribute> operands) {
  Value padding = op.getConstantPaddingValue();
  Attribute paddingAttr = padding ? constantOf(padding) : Attribute();
  if (!paddingAttr || op.getResultType().getNumElements() > kMaxFoldedElements ||
      llvm::any_of(op.getStaticLow(), ShapedType::isDynamic))
    return failure();
  auto source = cast<DenseElementsAttr>(operands[0]);
  Elements result(DenseElementsAttr::get(op.getResultType(), paddingAttr));
  std::array<SmallVector<int64_t>, 3> slice = {llvm::to_vector(op.getStaticLow()),
                                               llvm::to_vector(source.getType().getShape()),
                                               SmallVector<int64_t>(source.getType().getRank(), 1)};
  Elements input(source);
  forEachSliceElement(slice, [&](ArrayRef<int64_t> coords, int64_t position) {
    result.values[result.linear(coords)] = input.values[position];
  });
  return Attribute(DenseElementsAttr::get(op.getResultType(), ArrayRef(result.values)));
}

/// The constant results of `op` on constant `operands`, or failure when it does not fold.
FailureOr<SmallVector<Attribute>> foldOp(Operation *op, ArrayRef<Attribute> operands) {
  for (Type type : op->getResultTypes())
    if (auto shaped = dyn_cast<ShapedType>(type))
      if (!shaped.hasStaticShape() || shaped.getNumElements() > kMaxFoldedElements)
        return failure();
  auto single = [](FailureOr<Attribute> attr) -> FailureOr<SmallVector<Attribute>> {
    if (failed(attr))
      return failure();
    return SmallVector<Attribute>{*attr};
  };
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return foldLinalg(linalgOp, operands);
  if (auto extract = dyn_cast<tensor::ExtractSliceOp>(op))
    return single(foldExtractSlice(extract, operands));
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(op))
    return single(foldInsertSlice(insert, operands));
  if (auto pad = dyn_cast<tensor::PadOp>(op))
    return single(foldPad(pad, operands));
  SmallVector<OpFoldResult> folded;
  if (op->getNumRegions() != 0 || failed(op->fold(operands, folded)) || folded.size() != op->getNumResults())
    return failure();
  SmallVector<Attribute> results;
  for (auto [result, value] : llvm::zip_equal(op->getResults(), folded)) {
    Attribute attr = dyn_cast<Attribute>(value);
    if (!attr)
      attr = constantOf(cast<Value>(value));
    auto typed = dyn_cast_or_null<TypedAttr>(attr);
    if (!typed || typed.getType() != result.getType())
      return failure();
    results.push_back(attr);
  }
  return results;
}

} // namespace

DenseMap<Value, Value> foldConstantOps(Operation *first) {
  DenseMap<Value, Value> replaced;
  if (!first)
    return replaced;
  OpBuilder builder(first->getContext());
  for (Operation &op : llvm::make_early_inc_range(llvm::make_range(first->getIterator(), first->getBlock()->end()))) {
    if (op.hasTrait<OpTrait::ConstantLike>() || isa<tensor::EmptyOp, linalg::FillOp>(op) || op.getNumResults() == 0 ||
        op.hasTrait<OpTrait::IsTerminator>())
      continue;
    SmallVector<Attribute> operands;
    for (Value operand : op.getOperands())
      operands.push_back(constantOf(operand));
    if (llvm::any_of(operands, [](Attribute attr) { return !attr; }))
      continue;
    FailureOr<SmallVector<Attribute>> results = foldOp(&op, operands);
    if (failed(results))
      continue;
    builder.setInsertionPoint(&op);
    for (auto [result, attr] : llvm::zip_equal(op.getResults(), *results)) {
      Value constant = arith::ConstantOp::create(builder, op.getLoc(), cast<TypedAttr>(attr));
      result.replaceAllUsesWith(constant);
      replaced[result] = constant;
    }
  }
  return replaced;
}

} // namespace het::frontend
