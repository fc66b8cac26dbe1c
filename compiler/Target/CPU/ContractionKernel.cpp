// Register-blocked lowering of f32 contractions on buffers: cache blocks around an outer-product micro-kernel.
//
// A contraction here is a linalg op computing out += a * b whose output walks one loop dimension (the columns)
// contiguously, one input (the vector input) walks the columns contiguously too and never uses the row
// dimension, and the other input (the row input) never uses the columns. matmul, batch matmul, and a stride-1
// convolution in NCHW (columns: output width; rows: output channels; the input image is the vector input) all
// have that form; so does a product whose right-hand side is transposed, which packing gathers. The micro-kernel
// keeps a block of rows x (vectors x lanes) outputs in vector registers over a whole reduction block: per
// reduction step it loads `vectors` vectors of the vector input, broadcasts one row input element per row, and
// does rows x vectors fused multiply-adds.
#include "compiler/Target/CPU/ContractionKernel.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace het {
namespace {

// Reduction steps per cache block (over all reduction dimensions together): the row inputs of a register block
// (rows x this x 4 bytes) stay in L1 while the block's columns are swept.
constexpr int64_t kReductionBlock = 256;
// Columns per cache panel: the vector input's panel (reduction block x this x 4 bytes) stays in L2 while the rows
// are swept.
constexpr int64_t kColumnPanel = 256;
constexpr unsigned kMaxVectors = 2;
constexpr unsigned kMaxRows = 16;

struct Contraction {
  linalg::LinalgOp op;
  OpOperand *rowInput;
  OpOperand *vectorInput;
  OpOperand *output;
  unsigned rowDim;
  unsigned colDim;
  SmallVector<unsigned> outerDims;
  SmallVector<unsigned> reductionDims;
  unsigned vectors;
  unsigned rows;
  // The vector input is copied panel by panel into a contiguous buffer, laid out as the micro-kernel reads it.
  bool packed;
  // The vector input holds the columns in another index than its last (a transposed right-hand side): packing
  // gathers them, element by element.
  bool transposed;
  // The output was filled with zeros just before: the first reduction block starts from zero accumulators
  // instead of reading them, and the fill is dropped.
  bool startsFromZero;
};

bool hasUnitInnerStride(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (!type || type.getRank() == 0 || !type.getElementType().isF32())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) && strides.back() == 1;
}

// out = out + a * b (in either operand order), and nothing else.
bool isMultiplyAccumulate(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  if (!body || body->getNumArguments() != 3 || body->getOperations().size() != 3)
    return false;
  auto multiply = dyn_cast<arith::MulFOp>(body->front());
  auto add = dyn_cast<arith::AddFOp>(*std::next(body->begin()));
  auto yield = dyn_cast<linalg::YieldOp>(body->back());
  if (!multiply || !add || !yield || yield.getNumOperands() != 1 || yield.getOperand(0) != add.getResult())
    return false;
  Value a = body->getArgument(0), b = body->getArgument(1), out = body->getArgument(2);
  bool productOfInputs =
      (multiply.getLhs() == a && multiply.getRhs() == b) || (multiply.getLhs() == b && multiply.getRhs() == a);
  bool addsToOutput = (add.getLhs() == out && add.getRhs() == multiply.getResult()) ||
                      (add.getRhs() == out && add.getLhs() == multiply.getResult());
  return productOfInputs && addsToOutput;
}

// How many elements one step of `dim` moves `expr`, when that is the same everywhere (no division or modulo of
// `dim`, no product of it with another dimension).
std::optional<int64_t> stepOf(AffineExpr expr, unsigned dim) {
  if (!expr.isFunctionOfDim(dim))
    return 0;
  if (auto dimExpr = dyn_cast<AffineDimExpr>(expr))
    return dimExpr.getPosition() == dim ? 1 : 0;
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return std::nullopt;
  std::optional<int64_t> lhs = stepOf(binary.getLHS(), dim), rhs = stepOf(binary.getRHS(), dim);
  if (!lhs || !rhs)
    return std::nullopt;
  if (expr.getKind() == AffineExprKind::Add)
    return *lhs + *rhs;
  if (expr.getKind() == AffineExprKind::Mul)
    if (auto factor = dyn_cast<AffineConstantExpr>(binary.getRHS()))
      return *lhs * factor.getValue();
  return std::nullopt;
}

// How many elements of `operand`'s buffer one step of loop `dim` moves, when its map and layout fix that.
std::optional<int64_t> elementStep(linalg::LinalgOp op, OpOperand *operand, unsigned dim) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(cast<MemRefType>(operand->get().getType()).getStridesAndOffset(strides, offset)))
    return std::nullopt;
  int64_t step = 0;
  for (auto [expr, stride] : llvm::zip(op.getMatchingIndexingMap(operand).getResults(), strides)) {
    std::optional<int64_t> exprStep = stepOf(expr, dim);
    if (!exprStep || (*exprStep != 0 && ShapedType::isDynamic(stride)))
      return std::nullopt;
    step += *exprStep == 0 ? 0 : *exprStep * stride;
  }
  return step;
}

std::optional<Contraction> matchContraction(linalg::LinalgOp op, const MicroKernelShape &shape) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !isMultiplyAccumulate(op))
    return std::nullopt;
  Contraction contraction{op, nullptr, nullptr, op.getDpsInitOperand(0), 0, 0, {}, {}, 0, 0, false, false, false};
  AffineMap outputMap = op.getMatchingIndexingMap(contraction.output);
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  unsigned parallelDims = llvm::count(iterators, utils::IteratorType::parallel);
  if (!outputMap.isProjectedPermutation() || outputMap.getNumResults() == 0 ||
      outputMap.getNumResults() != parallelDims || !hasUnitInnerStride(contraction.output->get()))
    return std::nullopt;
  contraction.colDim = cast<AffineDimExpr>(outputMap.getResults().back()).getPosition();

  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (map.getNumResults() == 0 || !isa<MemRefType>(input->get().getType()))
      return std::nullopt;
    bool walksColumns = stepOf(map.getResults().back(), contraction.colDim) == 1 &&
                        llvm::none_of(map.getResults().drop_back(),
                                      [&](AffineExpr expr) { return expr.isFunctionOfDim(contraction.colDim); });
    if (walksColumns && !contraction.vectorInput && hasUnitInnerStride(input->get())) {
      contraction.vectorInput = input;
    } else if (!map.isFunctionOfDim(contraction.colDim) && !contraction.rowInput) {
      contraction.rowInput = input;
    } else if (map.isProjectedPermutation() && !contraction.vectorInput) {
      contraction.vectorInput = input;
      contraction.transposed = true;
    } else {
      return std::nullopt;
    }
  }
  if (!contraction.vectorInput || !contraction.rowInput)
    return std::nullopt;

  AffineMap rowMap = op.getMatchingIndexingMap(contraction.rowInput);
  AffineMap vectorMap = op.getMatchingIndexingMap(contraction.vectorInput);
  std::optional<unsigned> rowDim;
  for (AffineExpr result : llvm::reverse(outputMap.getResults().drop_back())) {
    unsigned dim = cast<AffineDimExpr>(result).getPosition();
    if (rowMap.isFunctionOfDim(dim) && !vectorMap.isFunctionOfDim(dim)) {
      rowDim = dim;
      break;
    }
  }
  if (!rowDim)
    return std::nullopt;
  contraction.rowDim = *rowDim;
  for (unsigned dim = 0; dim < op.getNumLoops(); ++dim) {
    if (iterators[dim] == utils::IteratorType::reduction)
      contraction.reductionDims.push_back(dim);
    else if (dim != contraction.rowDim && dim != contraction.colDim)
      contraction.outerDims.push_back(dim);
  }
  if (contraction.reductionDims.empty())
    return std::nullopt;

  // Narrow outputs (a 7-wide feature map) waste lanes in a second vector; their accumulators go to more rows.
  int64_t columns = op.getStaticLoopRanges()[contraction.colDim];
  int64_t vectorsNeeded = ShapedType::isDynamic(columns) ? kMaxVectors : llvm::divideCeil(columns, shape.lanes);
  contraction.vectors = static_cast<unsigned>(std::clamp<int64_t>(vectorsNeeded, 1, kMaxVectors));
  contraction.rows = std::clamp(shape.accumulators / contraction.vectors, 1u, kMaxRows);
  // A matmul's right-hand side is read with a stride of a whole row per reduction step, which thrashes L1 sets
  // and the TLB; packed, each micro-kernel reads one sequential stream. A convolution's shifted windows are
  // already sequential.
  // A vector input already laid out as the pack buffer (a weight the frontend blocked at compile time: one
  // register block of columns per reduction step, in a row) is read in place.
  int64_t blockColumns = static_cast<int64_t>(contraction.vectors * shape.lanes);
  bool laidOutAsPacked =
      columns == blockColumns && !contraction.transposed &&
      elementStep(op, contraction.vectorInput, contraction.reductionDims.front()) == std::optional(blockColumns);
  contraction.packed = contraction.reductionDims.size() == 1 && vectorMap.isProjectedPermutation() && !laidOutAsPacked;
  if (contraction.transposed && !contraction.packed)
    return std::nullopt;
  return contraction;
}

// Emits the loops and the micro-kernels of one contraction in place of its op.
class ContractionEmitter {
public:
  ContractionEmitter(const Contraction &contraction, const MicroKernelShape &shape)
      : c(contraction), shape(shape), builder(contraction.op), loc(contraction.op->getLoc()),
        vectorType(VectorType::get({shape.lanes}, builder.getF32Type())) {}

  void emit() {
    SmallVector<Range> ranges = c.op.createLoopRanges(builder, loc);
    for (Range &range : ranges)
      sizes.push_back(getValueOrCreateConstantIndexOp(builder, loc, range.size));
    ivs.assign(c.op.getNumLoops(), constant(0));
    if (c.packed) {
      // At the function's entry, so that it is one fixed stack slot and not an allocation per panel.
      OpBuilder entry(c.op->getParentOfType<func::FuncOp>().getBody());
      int64_t blockColumns = static_cast<int64_t>(c.vectors * shape.lanes);
      auto type = MemRefType::get({kColumnPanel / blockColumns, kReductionBlock, blockColumns}, builder.getF32Type());
      packBuffer = memref::AllocaOp::create(entry, loc, type, builder.getI64IntegerAttr(64));
    }
    if (c.packed || c.outerDims.empty()) {
      forEach(c.outerDims, [&] { emitColumns(); });
    } else {
      // Read in place, the vector input has no panel to reuse; the row input's reduction block is what the outer
      // dims share (the filter blocks of a filter-major convolution all read the same columns), so it is swept
      // over all of them while it is in cache.
      forEachReductionBlock(
          [&](Value kBegin, Value kEnd) { forEach(c.outerDims, [&] { emitColumns(kBegin, kEnd); }); });
    }
    c.op->erase();
  }

private:
  Value constant(int64_t value) { return arith::ConstantIndexOp::create(builder, loc, value); }
  Value add(Value a, Value b) { return arith::AddIOp::create(builder, loc, a, b); }
  Value sub(Value a, Value b) { return arith::SubIOp::create(builder, loc, a, b); }
  Value min(Value a, Value b) { return arith::MinSIOp::create(builder, loc, a, b); }
  // The largest multiple of `step` not above `size`.
  Value roundDown(Value size, int64_t step) {
    return sub(size, arith::RemSIOp::create(builder, loc, size, constant(step)));
  }

  // Runs `body` inside one loop per dimension of `dims` over its whole range, with `ivs` set.
  void forEach(ArrayRef<unsigned> dims, llvm::function_ref<void()> body) {
    if (dims.empty())
      return body();
    loop(constant(0), sizes[dims.front()], 1, [&](Value iv) {
      ivs[dims.front()] = iv;
      forEach(dims.drop_front(), body);
    });
  }

  void loop(Value begin, Value end, int64_t step, llvm::function_ref<void(Value)> body) {
    auto forOp = scf::ForOp::create(builder, loc, begin, end, constant(step));
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(forOp.getBody());
    body(forOp.getInductionVar());
  }

  SmallVector<Value> indicesOf(OpOperand *operand) {
    AffineMap map = c.op.getMatchingIndexingMap(operand);
    SmallVector<Value> indices;
    for (AffineExpr result : map.getResults())
      indices.push_back(
          affine::makeComposedAffineApply(builder, loc, AffineMap::get(map.getNumDims(), 0, result),
                                          llvm::map_to_vector(ivs, [](Value v) -> OpFoldResult { return v; })));
    return indices;
  }

  // Full column blocks in panels of kColumnPanel, then the partial block with masks; over the reduction steps
  // [kBegin, kEnd) of the blocked dimension when given, else over all of them.
  void emitColumns(Value kBegin = {}, Value kEnd = {}) {
    int64_t blockColumns = static_cast<int64_t>(c.vectors * shape.lanes);
    Value columns = sizes[c.colDim];
    Value fullColumns = roundDown(columns, blockColumns);
    auto panel = [&](Value begin, Value end, bool masked) {
      if (kBegin)
        return emitReductionBlock(begin, end, kBegin, kEnd, masked);
      forEachReductionBlock(
          [&](Value blockBegin, Value blockEnd) { emitReductionBlock(begin, end, blockBegin, blockEnd, masked); });
    };
    loop(constant(0), fullColumns, kColumnPanel,
         [&](Value begin) { panel(begin, min(add(begin, constant(kColumnPanel)), fullColumns), /*masked=*/false); });
    std::optional<int64_t> staticColumns = getConstantIntValue(columns);
    if (staticColumns && *staticColumns % blockColumns == 0)
      return;
    Value partial = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::slt, fullColumns, columns);
    auto ifOp = scf::IfOp::create(builder, loc, partial, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(ifOp.thenBlock());
    panel(fullColumns, columns, /*masked=*/true);
  }

  // Runs `body` per cache block [kBegin, kEnd) of the first reduction dimension: kReductionBlock steps over all
  // reduction dimensions together.
  void forEachReductionBlock(llvm::function_ref<void(Value, Value)> body) {
    unsigned blockedDim = c.reductionDims.front();
    int64_t innerSteps = 1;
    for (unsigned dim : ArrayRef(c.reductionDims).drop_front()) {
      std::optional<int64_t> extent = getConstantIntValue(sizes[dim]);
      innerSteps *= extent ? *extent : 1;
    }
    int64_t reductionBlock = std::max<int64_t>(1, kReductionBlock / innerSteps);
    Value reductionSize = sizes[blockedDim];
    loop(constant(0), reductionSize, reductionBlock,
         [&](Value kBegin) { body(kBegin, min(add(kBegin, constant(reductionBlock)), reductionSize)); });
  }

  // One reduction block [kBegin, kEnd) of the panel of columns [begin, end): row blocks, then column blocks.
  void emitReductionBlock(Value begin, Value end, Value kBegin, Value kEnd, bool masked) {
    int64_t blockColumns = static_cast<int64_t>(c.vectors * shape.lanes);
    if (c.packed)
      emitPack(begin, end, kBegin, kEnd, masked);
    Value rows = sizes[c.rowDim];
    Value fullRows = roundDown(rows, c.rows);
    auto sweep = [&](Value rowBegin, Value rowEnd, unsigned blockRows) {
      loop(rowBegin, rowEnd, blockRows, [&](Value row) {
        loop(begin, end, blockColumns, [&](Value column) {
          emitMicroKernel(row, blockRows, column, begin, kBegin, kEnd, masked ? end : Value());
        });
      });
    };
    sweep(constant(0), fullRows, c.rows);
    // The rows left over: one block of them when their number is known, else one at a time.
    std::optional<int64_t> staticRows = getConstantIntValue(rows);
    if (staticRows && *staticRows % c.rows != 0)
      sweep(fullRows, rows, static_cast<unsigned>(*staticRows % c.rows));
    else if (!staticRows && c.rows > 1)
      sweep(fullRows, rows, 1);
  }

  // Copies the vector input's [kBegin, kEnd) x [begin, end) into the pack buffer as [column block][k][column],
  // zero past `end` when masked, so that the micro-kernel reads whole vectors without masks.
  void emitPack(Value begin, Value end, Value kBegin, Value kEnd, bool masked) {
    int64_t blockColumns = static_cast<int64_t>(c.vectors * shape.lanes);
    unsigned k = c.reductionDims.front();
    loop(begin, end, blockColumns, [&](Value column) {
      SmallVector<Value> masks = columnMasks(column, masked ? end : Value());
      Value block = arith::DivSIOp::create(builder, loc, sub(column, begin), constant(blockColumns));
      loop(kBegin, kEnd, 1, [&](Value step) {
        ivs[k] = step;
        for (unsigned v = 0; v < c.vectors; ++v) {
          ivs[c.colDim] = add(column, constant(v * shape.lanes));
          Value values = c.transposed ? gatherVector(masks, v, column, end) : loadVector(c.vectorInput, masks, v);
          vector::StoreOp::create(builder, loc, values, packBuffer,
                                  ValueRange{block, sub(step, kBegin), constant(v * shape.lanes)});
        }
      });
    });
  }

  // The vector input's lanes at `ivs` and columns column + v x lanes + [0, lanes), one load each; masked lanes
  // read the last valid column and are then zeroed.
  Value gatherVector(ArrayRef<Value> masks, unsigned v, Value column, Value end) {
    Value zeros = arith::ConstantOp::create(builder, loc, vectorType, DenseElementsAttr::get(vectorType, 0.0f));
    Value gathered = zeros;
    for (unsigned lane = 0; lane < shape.lanes; ++lane) {
      Value at = add(column, constant(v * shape.lanes + lane));
      ivs[c.colDim] = masks.empty() ? at : min(at, sub(end, constant(1)));
      Value element = memref::LoadOp::create(builder, loc, c.vectorInput->get(), indicesOf(c.vectorInput));
      gathered = vector::InsertOp::create(builder, loc, element, gathered, static_cast<int64_t>(lane));
    }
    return masks.empty() ? gathered : arith::SelectOp::create(builder, loc, masks[v], gathered, zeros).getResult();
  }

  SmallVector<Value> columnMasks(Value column, Value columnEnd) {
    SmallVector<Value> masks;
    for (unsigned v = 0; v < c.vectors && columnEnd; ++v)
      masks.push_back(vector::CreateMaskOp::create(builder, loc, VectorType::get({shape.lanes}, builder.getI1Type()),
                                                   ValueRange{sub(columnEnd, add(column, constant(v * shape.lanes)))}));
    return masks;
  }

  // The vector of `operand` at `ivs`, lanes off by `masks` (if any) read as zeros.
  Value loadVector(OpOperand *operand, ArrayRef<Value> masks, unsigned v) {
    SmallVector<Value> indices = indicesOf(operand);
    if (masks.empty())
      return vector::LoadOp::create(builder, loc, vectorType, operand->get(), indices);
    Value zeros = arith::ConstantOp::create(builder, loc, vectorType, DenseElementsAttr::get(vectorType, 0.0f));
    return vector::MaskedLoadOp::create(builder, loc, vectorType, operand->get(), indices, masks[v], zeros);
  }

  // Outputs [row, row + blockRows) x [column, column + vectors x lanes), accumulated over the reduction steps
  // [kBegin, kEnd) of the blocked dimension and all steps of the others. With `columnEnd`, lanes at or past it
  // are masked off.
  void emitMicroKernel(Value row, unsigned blockRows, Value column, Value panelBegin, Value kBegin, Value kEnd,
                       Value columnEnd) {
    SmallVector<Value> masks = columnMasks(column, columnEnd);
    Value packedBlock;
    if (c.packed)
      packedBlock = arith::DivSIOp::create(builder, loc, sub(column, panelBegin),
                                           constant(static_cast<int64_t>(c.vectors * shape.lanes)));
    auto setBlock = [&](unsigned r, unsigned v) {
      ivs[c.rowDim] = add(row, constant(r));
      ivs[c.colDim] = add(column, constant(v * shape.lanes));
    };

    auto loadAccumulators = [&] {
      SmallVector<Value> loaded;
      for (unsigned r = 0; r < blockRows; ++r)
        for (unsigned v = 0; v < c.vectors; ++v) {
          setBlock(r, v);
          loaded.push_back(loadVector(c.output, masks, v));
        }
      return loaded;
    };
    SmallVector<Value> accumulators;
    if (c.startsFromZero) {
      Value first = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, kBegin, constant(0));
      auto ifOp = scf::IfOp::create(builder, loc, SmallVector<Type>(blockRows * c.vectors, vectorType), first,
                                    /*withElseRegion=*/true);
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(ifOp.thenBlock());
      Value zeros = arith::ConstantOp::create(builder, loc, vectorType, DenseElementsAttr::get(vectorType, 0.0f));
      scf::YieldOp::create(builder, loc, SmallVector<Value>(blockRows * c.vectors, zeros));
      builder.setInsertionPointToStart(ifOp.elseBlock());
      scf::YieldOp::create(builder, loc, loadAccumulators());
      accumulators.assign(ifOp.getResults().begin(), ifOp.getResults().end());
    } else {
      accumulators = loadAccumulators();
    }

    SmallVector<Value> lowerBounds{kBegin}, upperBounds{kEnd}, steps{constant(1)};
    for (unsigned dim : ArrayRef(c.reductionDims).drop_front()) {
      lowerBounds.push_back(constant(0));
      upperBounds.push_back(sizes[dim]);
      steps.push_back(constant(1));
    }
    scf::LoopNest nest = scf::buildLoopNest(
        builder, loc, lowerBounds, upperBounds, steps, accumulators,
        [&](OpBuilder &nested, Location, ValueRange reductionIvs, ValueRange sums) -> scf::ValueVector {
          OpBuilder::InsertionGuard guard(builder);
          builder.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
          for (auto [dim, iv] : llvm::zip(c.reductionDims, reductionIvs))
            ivs[dim] = iv;
          SmallVector<Value> columnsOfVectorInput;
          for (unsigned v = 0; v < c.vectors; ++v) {
            setBlock(0, v);
            if (c.packed)
              columnsOfVectorInput.push_back(vector::LoadOp::create(
                  builder, loc, vectorType, packBuffer,
                  ValueRange{packedBlock, sub(reductionIvs.front(), kBegin), constant(v * shape.lanes)}));
            else
              columnsOfVectorInput.push_back(loadVector(c.vectorInput, masks, v));
          }
          scf::ValueVector updated(sums.begin(), sums.end());
          for (unsigned r = 0; r < blockRows; ++r) {
            setBlock(r, 0);
            Value element = memref::LoadOp::create(builder, loc, c.rowInput->get(), indicesOf(c.rowInput));
            Value broadcast = vector::BroadcastOp::create(builder, loc, vectorType, element);
            for (unsigned v = 0; v < c.vectors; ++v) {
              Value &sum = updated[r * c.vectors + v];
              sum = multiplyAdd(broadcast, columnsOfVectorInput[v], sum);
            }
          }
          return updated;
        });

    for (unsigned r = 0; r < blockRows; ++r)
      for (unsigned v = 0; v < c.vectors; ++v) {
        setBlock(r, v);
        Value sum = nest.results[r * c.vectors + v];
        if (masks.empty())
          vector::StoreOp::create(builder, loc, sum, c.output->get(), indicesOf(c.output));
        else
          vector::MaskedStoreOp::create(builder, loc, c.output->get(), indicesOf(c.output), masks[v], sum);
      }
  }

  // One fused multiply-add where the level has it; a level without FMA units would turn llvm.fma into libm calls.
  Value multiplyAdd(Value a, Value b, Value sum) {
    if (shape.fusedMultiplyAdd)
      return vector::FMAOp::create(builder, loc, a, b, sum);
    Value product = arith::MulFOp::create(builder, loc, a, b);
    return arith::AddFOp::create(builder, loc, sum, product);
  }

  Contraction c;
  const MicroKernelShape &shape;
  OpBuilder builder;
  Location loc;
  VectorType vectorType;
  SmallVector<Value> sizes;
  SmallVector<Value> ivs;
  Value packBuffer;
};

} // namespace

MicroKernelShape microKernelShapeFor(llvm::StringRef level) {
  if (level == "x86-64-v4")
    return {16, 16, true};
  if (level == "x86-64-v3")
    return {8, 12, true};
  return {4, 8, false};
}

std::optional<ContractionRows> matchContractionRows(linalg::LinalgOp op, const MicroKernelShape &shape) {
  std::optional<Contraction> contraction = matchContraction(op, shape);
  if (!contraction)
    return std::nullopt;
  return ContractionRows{contraction->rowDim, contraction->rows, contraction->colDim};
}

// The zero fill of exactly the contraction's output buffer right before it (only views between), if any.
linalg::FillOp findZeroFill(const Contraction &contraction) {
  Value output = contraction.output->get();
  Operation *previous = contraction.op->getPrevNode();
  while (previous && isa<memref::SubViewOp>(previous))
    previous = previous->getPrevNode();
  auto fill = dyn_cast_or_null<linalg::FillOp>(previous);
  if (!fill || !fill.hasPureBufferSemantics() || !matchPattern(fill.value(), m_AnyZeroFloat()))
    return nullptr;
  Value filled = fill.output();
  if (filled == output)
    return fill;
  Operation *filledView = filled.getDefiningOp(), *outputView = output.getDefiningOp();
  bool sameView = filledView && outputView && isa<memref::SubViewOp>(filledView) &&
                  OperationEquivalence::isEquivalentTo(filledView, outputView, OperationEquivalence::IgnoreLocations);
  return sameView ? fill : nullptr;
}

void lowerContractions(func::FuncOp kernel, const MicroKernelShape &shape) {
  SmallVector<Contraction> contractions;
  for (auto op : kernel.getBody().front().getOps<linalg::LinalgOp>())
    if (std::optional<Contraction> contraction = matchContraction(op, shape))
      contractions.push_back(*contraction);
  for (Contraction &contraction : contractions) {
    if (linalg::FillOp fill = findZeroFill(contraction)) {
      fill->erase();
      contraction.startsFromZero = true;
    }
    ContractionEmitter(contraction, shape).emit();
  }
}

} // namespace het
