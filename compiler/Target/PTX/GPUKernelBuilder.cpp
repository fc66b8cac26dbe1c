// Turns a kernel body on static memrefs into one GPU kernel function: linalg to parallel loops, loops to threads.
#include "compiler/Target/PTX/GPUKernelBuilder.h"
#include "compiler/Target/KernelBody/KernelBody.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/StringSet.h"

#include <numeric>

using namespace mlir;

namespace het {
namespace {

/// Static shared memory a kernel may use without opting in to more (the same on sm_50 to sm_120).
constexpr int64_t kStaticSharedMemoryBytes = 48 * 1024;

/// A one-dimensional parallel loop with constant bounds, as collapsing leaves it.
struct FlatLoop {
  scf::ParallelOp loop;
  int64_t lowerBound, step, tripCount;
};

FailureOr<FlatLoop> collapseToOneDimension(scf::ParallelOp loop, StringRef kernelName) {
  int64_t tripCount = 1;
  for (auto [lowerValue, upperValue, stepValue] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    std::optional<int64_t> lower = getConstantIntValue(lowerValue);
    std::optional<int64_t> upper = getConstantIntValue(upperValue);
    std::optional<int64_t> step = getConstantIntValue(stepValue);
    if (!lower || !upper || !step || *step <= 0)
      return loop->emitError("kernel '") << kernelName << "': parallel loop bounds must be static";
    tripCount *= *upper > *lower ? (*upper - *lower + *step - 1) / *step : 0;
  }
  if (loop.getNumLoops() == 1)
    return FlatLoop{loop, *getConstantIntValue(loop.getLowerBound()[0]), *getConstantIntValue(loop.getStep()[0]),
                    tripCount};

  IRRewriter rewriter(loop.getContext());
  std::vector<unsigned> all(loop.getNumLoops());
  std::iota(all.begin(), all.end(), 0u);
  Block *block = loop->getBlock();
  Operation *previous = loop->getPrevNode();
  rewriter.setInsertionPoint(loop);
  collapseParallelLoops(rewriter, loop, {all});
  // The collapsed loop, normalized to start at 0 with step 1, replaces the old one after the index arithmetic
  // it creates.
  Operation *next = previous ? previous->getNextNode() : &block->front();
  while (!isa<scf::ParallelOp>(next))
    next = next->getNextNode();
  return FlatLoop{cast<scf::ParallelOp>(next), 0, 1, tripCount};
}

/// Moves the body of `flat.loop` in front of `anchor` (whose block must end in a terminator the body goes before),
/// with the induction variable `lowerBound + linearIndex * step`, and erases the loop.
void inlineLoopBody(RewriterBase &rewriter, FlatLoop flat, Operation *anchor, Value linearIndex) {
  Location loc = flat.loop.getLoc();
  rewriter.setInsertionPoint(anchor);
  Value iv = linearIndex;
  if (flat.step != 1)
    iv = arith::MulIOp::create(rewriter, loc, iv, arith::ConstantIndexOp::create(rewriter, loc, flat.step));
  if (flat.lowerBound != 0)
    iv = arith::AddIOp::create(rewriter, loc, iv, arith::ConstantIndexOp::create(rewriter, loc, flat.lowerBound));
  Block *body = flat.loop.getBody();
  rewriter.eraseOp(body->getTerminator());
  rewriter.inlineBlockBefore(body, anchor, ValueRange{iv});
  rewriter.eraseOp(flat.loop);
}

bool writesMemory(Operation *op) {
  if (isMemoryEffectFree(op))
    return false;
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects)
    return true;
  return !effects.onlyHasEffect<MemoryEffects::Read>();
}

/// Computes the f64 transcendental functions in f32: their polynomial approximations exist only for f32, and the
/// alternative is libdevice. This costs f64 kernels precision (about 1e-7 relative) in these functions only.
void narrowF64TranscendentalsToF32(gpu::GPUFuncOp function) {
  static const llvm::StringSet<> narrowed = {"math.exp",   "math.exp2",  "math.expm1", "math.log",   "math.log2",
                                             "math.log10", "math.log1p", "math.tanh",  "math.erf",   "math.erfc",
                                             "math.powf",  "math.sin",   "math.cos",   "math.tan",   "math.asin",
                                             "math.acos",  "math.atan",  "math.atan2", "math.cbrt",  "math.sinh",
                                             "math.cosh",  "math.asinh", "math.acosh", "math.atanh", "math.rsqrt"};
  SmallVector<Operation *> candidates;
  function.walk([&](Operation *op) {
    if (narrowed.contains(op->getName().getStringRef()) && op->getNumResults() == 1 &&
        op->getResult(0).getType().isF64())
      candidates.push_back(op);
  });
  OpBuilder builder(function.getContext());
  Type f32 = builder.getF32Type();
  for (Operation *op : candidates) {
    builder.setInsertionPoint(op);
    OperationState state(op->getLoc(), op->getName());
    for (Value operand : op->getOperands())
      state.addOperands(arith::TruncFOp::create(builder, op->getLoc(), f32, operand).getResult());
    state.addTypes(f32);
    state.addAttributes(op->getAttrs());
    Operation *narrow = builder.create(state);
    Value wide = arith::ExtFOp::create(builder, op->getLoc(), op->getResult(0).getType(), narrow->getResult(0));
    op->getResult(0).replaceAllUsesWith(wide);
    op->erase();
  }
}

/// Expands transcendental math into polynomials and f32 arithmetic, which NVPTX lowers without libdevice.
LogicalResult expandMathForNVPTX(gpu::GPUFuncOp function) {
  narrowF64TranscendentalsToF32(function);
  RewritePatternSet patterns(function.getContext());
  auto everything = [](StringRef) { return true; };
  // The approximations outrank the generic expansions (e.g. tanh through exp) where both apply.
  populateMathF32ExpansionPatterns(patterns, everything, /*benefit=*/2);
  populateMathPolynomialApproximationPatterns(patterns, everything, /*benefit=*/2);
  math::populateExpansionPatterns(patterns);
  return applyPatternsGreedily(function, std::move(patterns));
}

} // namespace

FailureOr<GPULaunchSizes> buildGPUKernel(func::FuncOp kernel, StringRef entryPoint, int64_t blockSize) {
  assert(blockSize >= 1 && blockSize <= 1024 && "block size out of range");
  MLIRContext *context = kernel.getContext();
  StringRef kernelName = kernel.getSymName();
  if (kernel.isExternal() || kernel.getNumResults() != 0 || !kernel.getBody().hasOneBlock())
    return kernel.emitError("kernel '") << kernelName
                                        << "': expected one block of ops on memref arguments and no results";
  for (Type type : kernel.getArgumentTypes()) {
    auto memref = dyn_cast<MemRefType>(type);
    if (!memref || !memref.hasStaticShape() || !memref.getLayout().isIdentity())
      return kernel.emitError("kernel '")
             << kernelName << "': argument type " << type << " is not a static, row-major memref";
  }
  if (failed(lowerLinalgToLoops(kernel, LoopKind::Parallel, "PTX")))
    return failure();

  Block &body = kernel.getBody().front();
  {
    // Fusion compares loop bounds as values: each lowered op brought its own constants.
    IRRewriter rewriter(context);
    DominanceInfo dominance;
    eliminateCommonSubExpressions(rewriter, dominance, kernel);
  }
  // Bindings never alias (kernel ABI), and temporaries are fresh: only views of one buffer may overlap.
  scf::naivelyFuseParallelOps(kernel.getBody(), [](Value a, Value b) { return rootBuffer(a) == rootBuffer(b); });

  SmallVector<Operation *> temporaries, writers;
  SmallVector<FlatLoop> nests;
  int64_t sharedBytes = 0;
  for (Operation &op : body.without_terminator()) {
    if (isa<memref::AllocOp, memref::AllocaOp>(op)) {
      auto type = cast<MemRefType>(op.getResult(0).getType());
      if (!type.hasStaticShape() || !type.getLayout().isIdentity())
        return op.emitError("kernel '") << kernelName << "': temporary " << type << " is not static and row-major";
      sharedBytes += type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
      temporaries.push_back(&op);
    } else if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
      writers.push_back(&op);
    } else if (isa<memref::DeallocOp>(op) || writesMemory(&op)) {
      if (op.getNumResults() != 0)
        return op.emitError("kernel '") << kernelName << "': cannot place this op on the GPU";
      writers.push_back(&op);
    }
  }
  if (sharedBytes > kStaticSharedMemoryBytes)
    return kernel.emitError("kernel '") << kernelName << "': its temporaries need " << sharedBytes
                                        << " bytes, more than the " << kStaticSharedMemoryBytes
                                        << " bytes of shared memory a PTX kernel may use";
  for (Operation *&writer : writers)
    if (auto loop = dyn_cast<scf::ParallelOp>(writer)) {
      FailureOr<FlatLoop> flat = collapseToOneDimension(loop, kernelName);
      if (failed(flat))
        return failure();
      nests.push_back(*flat);
      writer = flat->loop;
    }
  bool oneThreadPerIteration = temporaries.empty() && writers.size() == 1 && nests.size() == 1;

  // The kernel function: same arguments, temporaries as workgroup attributions, body moved over.
  IRRewriter rewriter(context);
  auto module = kernel->getParentOfType<ModuleOp>();
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(), UnitAttr::get(context));
  rewriter.setInsertionPoint(kernel);
  auto gpuModule = gpu::GPUModuleOp::create(rewriter, kernel.getLoc(), (entryPoint + "_module").str());
  rewriter.setInsertionPointToStart(gpuModule.getBody());
  // Small constants the partitioner cloned into the kernel were bufferized into globals; they must live in the
  // device module to be visible to the kernel.
  for (auto global : llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
    global->moveBefore(gpuModule.getBody(), gpuModule.getBody()->begin());
  auto workgroup = gpu::AddressSpaceAttr::get(context, gpu::AddressSpace::Workgroup);
  SmallVector<Type> sharedTypes;
  for (Operation *temporary : temporaries) {
    auto type = cast<MemRefType>(temporary->getResult(0).getType());
    sharedTypes.push_back(
        MemRefType::get(type.getShape(), type.getElementType(), MemRefLayoutAttrInterface(), workgroup));
  }
  auto function = gpu::GPUFuncOp::create(rewriter, kernel.getLoc(), entryPoint, kernel.getFunctionType(), sharedTypes);
  function->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), UnitAttr::get(context));
  Block &entry = function.getBody().front();
  rewriter.setInsertionPointToEnd(&entry);
  auto returnOp = gpu::ReturnOp::create(rewriter, kernel.getLoc());
  rewriter.eraseOp(body.getTerminator());
  rewriter.inlineBlockBefore(&body, returnOp, entry.getArguments().take_front(kernel.getNumArguments()));
  rewriter.eraseOp(kernel);

  Location loc = function.getLoc();
  rewriter.setInsertionPointToStart(&entry);
  for (auto [temporary, shared] : llvm::zip(temporaries, function.getWorkgroupAttributions())) {
    // A cast back to the generic address space keeps every user's type; NVPTX infers the shared space again.
    Value generic =
        memref::MemorySpaceCastOp::create(rewriter, temporary->getLoc(), temporary->getResult(0).getType(), shared);
    rewriter.replaceOp(temporary, generic);
  }
  Value threadId = gpu::ThreadIdOp::create(rewriter, loc, gpu::Dimension::x);
  Value threadsPerBlock = arith::ConstantIndexOp::create(rewriter, loc, blockSize);

  GPULaunchSizes sizes{{1, 1, 1}, {blockSize, 1, 1}};
  if (oneThreadPerIteration) {
    const FlatLoop &nest = nests.front();
    int64_t threads = std::max<int64_t>(1, std::min(blockSize, nest.tripCount));
    sizes.block[0] = threads;
    sizes.grid[0] = std::max<int64_t>(1, (nest.tripCount + threads - 1) / threads);
    rewriter.setInsertionPoint(nest.loop);
    Value blockId = gpu::BlockIdOp::create(rewriter, loc, gpu::Dimension::x);
    Value linear = arith::AddIOp::create(
        rewriter, loc,
        arith::MulIOp::create(rewriter, loc, blockId, arith::ConstantIndexOp::create(rewriter, loc, threads)),
        threadId);
    Value inRange = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult, linear,
                                          arith::ConstantIndexOp::create(rewriter, loc, nest.tripCount));
    auto guard = scf::IfOp::create(rewriter, loc, inRange, /*withElseRegion=*/false);
    inlineLoopBody(rewriter, nest, guard.thenBlock()->getTerminator(), linear);
  } else {
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value isFirstThread = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, threadId, zero);
    for (Operation *writer : writers) {
      auto nest = llvm::find_if(nests, [&](const FlatLoop &flat) { return flat.loop == writer; });
      rewriter.setInsertionPoint(writer);
      if (isa<memref::DeallocOp>(writer)) {
        // Shared memory lives as long as the block: nothing to free.
        rewriter.eraseOp(writer);
        continue;
      }
      if (nest != nests.end()) {
        auto strided = scf::ForOp::create(
            rewriter, loc, threadId, arith::ConstantIndexOp::create(rewriter, loc, nest->tripCount), threadsPerBlock);
        inlineLoopBody(rewriter, *nest, strided.getBody()->getTerminator(), strided.getInductionVar());
        rewriter.setInsertionPointAfter(strided);
      } else {
        auto single = scf::IfOp::create(rewriter, loc, isFirstThread, /*withElseRegion=*/false);
        rewriter.moveOpBefore(writer, single.thenBlock()->getTerminator());
        rewriter.setInsertionPointAfter(single);
      }
      // Every thread reaches this barrier: it sits in the function's top-level block.
      gpu::BarrierOp::create(rewriter, loc);
    }
  }
  function.setKnownBlockSizeAttr(
      rewriter.getDenseI32ArrayAttr({static_cast<int32_t>(sizes.block[0]), static_cast<int32_t>(sizes.block[1]),
                                     static_cast<int32_t>(sizes.block[2])}));
  if (failed(expandMathForNVPTX(function)))
    return function.emitError("kernel '") << kernelName << "': cannot expand its math operations";
  return sizes;
}

} // namespace het
