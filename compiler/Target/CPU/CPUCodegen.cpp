// het-cpu-codegen: bufferized cpu variants into x86-64 ELF shared objects with the tile entry of the kernel ABI.
#include "compiler/Target/CPU/ContractionKernel.h"
#include "compiler/Target/CPU/Passes.h"
#include "compiler/Target/ExternalTool/ExternalTool.h"
#include "compiler/Target/KernelBody/KernelBody.h"

#include "dialects/Het/IR/HetOps.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/IR/Threading.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <mutex>

namespace het {
#define GEN_PASS_DEF_HETCPUCODEGEN
#include "compiler/Target/CPU/Passes.h.inc"
} // namespace het

using namespace mlir;
using namespace het;

namespace {

constexpr StringLiteral kTriple = "x86_64-unknown-linux-gnu";

//===----------------------------------------------------------------------===//
// Tiles
//===----------------------------------------------------------------------===//

// How one loop dimension appears in one indexing map.
struct DimUse {
  enum Kind { Absent, Plain, Mixed } kind = Absent;
  unsigned position = 0; // the map result that is exactly the dimension, for Plain
};

DimUse findDimUse(AffineMap map, unsigned dim) {
  DimUse use;
  for (auto [position, result] : llvm::enumerate(map.getResults())) {
    if (!result.isFunctionOfDim(dim))
      continue;
    auto dimExpr = dyn_cast<AffineDimExpr>(result);
    if (use.kind != DimUse::Absent || !dimExpr)
      return {DimUse::Mixed, 0};
    use = {DimUse::Plain, static_cast<unsigned>(position)};
  }
  return use;
}

struct TiledOp {
  linalg::LinalgOp op;
  unsigned dim;
};

struct TilePlan {
  SmallVector<TiledOp> ops;
  int64_t extent = 1;
  int64_t chunk = 1;
  int64_t tiles = 1;
};

// The dimensions of `op` a tile may cut: parallel, static, never inside a compound index, and indexing every
// buffer the op writes, so that tiles write disjoint parts.
SmallVector<unsigned> cuttableDims(linalg::LinalgOp op) {
  SmallVector<unsigned> dims;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned dim = 0; dim < op.getNumLoops(); ++dim) {
    if (iterators[dim] != utils::IteratorType::parallel || ShapedType::isDynamic(ranges[dim]) || ranges[dim] < 2)
      continue;
    bool cuttable = true;
    for (OpOperand &operand : op->getOpOperands()) {
      if (!isa<MemRefType>(operand.get().getType()))
        continue;
      DimUse use = findDimUse(op.getMatchingIndexingMap(&operand), dim);
      if (use.kind == DimUse::Mixed || (op.isDpsInit(&operand) && use.kind != DimUse::Plain))
        cuttable = false;
    }
    if (cuttable)
      dims.push_back(dim);
  }
  return dims;
}

uint64_t workOf(linalg::LinalgOp op) {
  uint64_t iterations = 1;
  for (int64_t range : op.getStaticLoopRanges())
    iterations *= ShapedType::isDynamic(range) ? 1 : range;
  uint64_t bodyOps = op.getBlock() ? op.getBlock()->getOperations().size() - 1 : 0;
  return iterations * std::max<uint64_t>(bodyOps, 1);
}

// A contraction cut along the rows of its micro-kernel gets whole register blocks per tile, so that only the last
// tile has a partial one; unless that would leave a single tile, as parallelism matters more.
void alignChunksToRowBlocks(TilePlan &plan, const MicroKernelShape &shape) {
  for (const TiledOp &tiled : plan.ops) {
    std::optional<ContractionRows> rows = matchContractionRows(tiled.op, shape);
    int64_t aligned = rows ? static_cast<int64_t>(llvm::alignTo(plan.chunk, rows->rowsPerBlock)) : plan.chunk;
    if (rows && rows->dim == tiled.dim && llvm::divideCeil(plan.extent, aligned) >= 2)
      plan.chunk = aligned;
  }
  plan.tiles = llvm::divideCeil(plan.extent, plan.chunk);
}

// Tiles enough to spread over a few cores in two chunks each; a dimension that gives fewer (an elementwise op over
// N x 4 x H x W cut by its 4 channels) yields to a later one that gives more. A contraction's column dimension is
// cut only when nothing else can be: its tiles would be narrower than the micro-kernel's vectors.
constexpr int64_t kEnoughTiles = 8;

// Finds one dimension per top-level linalg op, of one common extent, such that every buffer written in the
// kernel is accessed only at that dimension's position by every op touching it. Then a tile's ops read only
// what the same tile's earlier ops wrote. The first such dimension with kEnoughTiles tiles wins, else the one with
// the most.
std::optional<TilePlan> planTiles(func::FuncOp kernel, int64_t minTileWork, const MicroKernelShape &shape) {
  std::optional<TilePlan> best, columnPlan;
  TilePlan plan;
  llvm::DenseSet<Value> writtenRoots;
  for (Operation &op : kernel.getBody().front()) {
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      if (!linalgOp.hasPureBufferSemantics())
        return std::nullopt;
      plan.ops.push_back({linalgOp, 0});
      for (OpOperand &init : linalgOp.getDpsInitsMutable())
        writtenRoots.insert(rootBuffer(init.get()));
      continue;
    }
    if (!isa<arith::ConstantOp, memref::GetGlobalOp, memref::AllocOp, memref::DeallocOp, func::ReturnOp,
             ViewLikeOpInterface>(op))
      return std::nullopt;
  }
  if (plan.ops.empty())
    return std::nullopt;

  for (unsigned first : cuttableDims(plan.ops.front().op)) {
    int64_t extent = plan.ops.front().op.getStaticLoopRanges()[first];
    llvm::DenseMap<Value, unsigned> positions;
    bool consistent = true;
    for (auto [index, tiled] : llvm::enumerate(plan.ops)) {
      std::optional<unsigned> chosen;
      for (unsigned dim : cuttableDims(tiled.op)) {
        if (index == 0 && dim != first)
          continue;
        if (tiled.op.getStaticLoopRanges()[dim] != extent)
          continue;
        llvm::DenseMap<Value, unsigned> candidate = positions;
        bool fits = true;
        for (OpOperand &operand : tiled.op->getOpOperands()) {
          if (!isa<MemRefType>(operand.get().getType()) || !writtenRoots.contains(rootBuffer(operand.get())))
            continue;
          DimUse use = findDimUse(tiled.op.getMatchingIndexingMap(&operand), dim);
          if (operand.get() != rootBuffer(operand.get()) || use.kind != DimUse::Plain) {
            fits = false;
            break;
          }
          auto [entry, inserted] = candidate.try_emplace(operand.get(), use.position);
          if (!inserted && entry->second != use.position) {
            fits = false;
            break;
          }
        }
        if (fits) {
          chosen = dim;
          positions = std::move(candidate);
          break;
        }
      }
      if (!chosen) {
        consistent = false;
        break;
      }
      tiled.dim = *chosen;
    }
    if (!consistent)
      continue;

    uint64_t work = 0;
    for (const TiledOp &tiled : plan.ops)
      work += workOf(tiled.op);
    uint64_t workPerIteration = std::max<uint64_t>(work / extent, 1);
    plan.extent = extent;
    plan.chunk = std::max<int64_t>(1, llvm::divideCeil(minTileWork, workPerIteration));
    plan.tiles = llvm::divideCeil(extent, plan.chunk);
    bool cutsColumns = llvm::any_of(plan.ops, [&](const TiledOp &tiled) {
      std::optional<ContractionRows> rows = matchContractionRows(tiled.op, shape);
      return rows && rows->columnDim == tiled.dim;
    });
    if (plan.tiles < 2)
      continue;
    if (cutsColumns) {
      if (!columnPlan)
        columnPlan = plan;
      continue;
    }
    alignChunksToRowBlocks(plan, shape);
    if (plan.tiles >= kEnoughTiles)
      return plan;
    if (!best || plan.tiles > best->tiles)
      best = plan;
  }
  return best ? best : columnPlan;
}

// Restricts every planned op to the iterations [tile_begin * chunk, tile_end * chunk) of its cut dimension by
// running it on subviews of its buffers.
void applyTiles(const TilePlan &plan, Value tileBegin, Value tileEnd) {
  Operation *first = plan.ops.front().op;
  OpBuilder builder(first);
  Location loc = first->getLoc();
  auto toIndex = [&](Value tile) {
    Value index = arith::IndexCastOp::create(builder, loc, builder.getIndexType(), tile);
    Value scaled = arith::MulIOp::create(builder, loc, index, arith::ConstantIndexOp::create(builder, loc, plan.chunk));
    return arith::MinSIOp::create(builder, loc, scaled, arith::ConstantIndexOp::create(builder, loc, plan.extent))
        .getResult();
  };
  Value begin = toIndex(tileBegin);
  Value size = arith::SubIOp::create(builder, loc, toIndex(tileEnd), begin);

  for (TiledOp tiled : plan.ops) {
    builder.setInsertionPoint(tiled.op);
    SmallVector<Value> operands;
    for (OpOperand &operand : tiled.op->getOpOperands()) {
      auto type = dyn_cast<MemRefType>(operand.get().getType());
      DimUse use = findDimUse(tiled.op.getMatchingIndexingMap(&operand), tiled.dim);
      if (!type || use.kind != DimUse::Plain) {
        operands.push_back(operand.get());
        continue;
      }
      SmallVector<OpFoldResult> offsets(type.getRank(), builder.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes =
          llvm::map_to_vector(type.getShape(), [&](int64_t dim) -> OpFoldResult { return builder.getIndexAttr(dim); });
      SmallVector<OpFoldResult> strides(type.getRank(), builder.getIndexAttr(1));
      offsets[use.position] = begin;
      sizes[use.position] = size;
      operands.push_back(memref::SubViewOp::create(builder, loc, operand.get(), offsets, sizes, strides));
    }
    Operation *clone = mlir::clone(builder, tiled.op, TypeRange{}, operands);
    tiled.op->erase();
    // On subviews, linalg.index counts from the tile's first iteration; the body wants the global index (a
    // Gather computes its source position from it).
    clone->walk([&](linalg::IndexOp index) {
      if (index.getDim() != tiled.dim)
        return;
      OpBuilder after(index->getContext());
      after.setInsertionPointAfter(index);
      auto global = arith::AddIOp::create(after, index.getLoc(), index.getResult(), begin);
      index.getResult().replaceAllUsesExcept(global.getResult(), global);
    });
  }
}

//===----------------------------------------------------------------------===//
// Loop order
//===----------------------------------------------------------------------===//

// LLVM cannot vectorize a floating-point reduction loop without reassociating it, so an op whose innermost loop
// is a reduction (matmul, convolution) gets the parallel dimension that walks its output and an input contiguously
// as its innermost loop instead: matmul (i, j, k) runs as (i, k, j).
void moveParallelDimInnermost(func::FuncOp kernel) {
  SmallVector<linalg::LinalgOp> candidates;
  for (auto op : kernel.getBody().front().getOps<linalg::LinalgOp>())
    if (op.getNumReductionLoops() > 0 && op.getNumDpsInits() == 1)
      candidates.push_back(op);
  IRRewriter rewriter(kernel.getContext());
  for (linalg::LinalgOp op : candidates) {
    unsigned loops = op.getNumLoops();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    if (iterators.back() != utils::IteratorType::reduction)
      continue;
    AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    auto last = outputMap.getNumResults() ? dyn_cast<AffineDimExpr>(outputMap.getResults().back()) : nullptr;
    if (!last)
      continue;
    unsigned dim = last.getPosition();
    bool walksAnInput = llvm::any_of(op.getDpsInputOperands(), [&](OpOperand *input) {
      AffineMap map = op.getMatchingIndexingMap(input);
      return map.getNumResults() && map.getResults().back().isFunctionOfDim(dim);
    });
    if (!walksAnInput)
      continue;
    SmallVector<unsigned> order;
    for (unsigned loop = 0; loop < loops; ++loop)
      if (loop != dim)
        order.push_back(loop);
    order.push_back(dim);
    rewriter.setInsertionPoint(op);
    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      FailureOr<linalg::GenericOp> generalized = linalg::generalizeNamedOp(rewriter, op);
      if (failed(generalized))
        continue;
      generic = *generalized;
    }
    (void)linalg::interchangeGenericOp(rewriter, generic, order);
  }
}

//===----------------------------------------------------------------------===//
// LLVM
//===----------------------------------------------------------------------===//

// arith-expand rewrites maximumf and friends into compare-and-select chains, which LLVM's loop vectorizer does not
// take for a reduction (a row maximum, as in every softmax, ran one element per compare chain). LLVM's own
// intrinsics have the same NaN semantics and vectorize, so they replace the arith ops before the lowering.
void useLLVMMinMax(func::FuncOp kernel) {
  kernel.walk([](Operation *op) {
    if (!isa<arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp, arith::MinNumFOp>(op))
      return;
    OpBuilder builder(op);
    Location loc = op->getLoc();
    Value lhs = op->getOperand(0), rhs = op->getOperand(1);
    Value replacement = TypeSwitch<Operation *, Value>(op)
                            .Case([&](arith::MaximumFOp) { return LLVM::MaximumOp::create(builder, loc, lhs, rhs); })
                            .Case([&](arith::MinimumFOp) { return LLVM::MinimumOp::create(builder, loc, lhs, rhs); })
                            .Case([&](arith::MaxNumFOp) { return LLVM::MaxNumOp::create(builder, loc, lhs, rhs); })
                            .Default([&](Operation *) { return LLVM::MinNumOp::create(builder, loc, lhs, rhs); });
    op->getResult(0).replaceAllUsesWith(replacement);
    op->erase();
  });
}

// Linalg on memrefs down to the LLVM dialect; memref arguments become bare pointers (shapes are static).
OpPassManager buildLoweringPipeline() {
  OpPassManager pipeline(ModuleOp::getOperationName());
  pipeline.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pipeline.addPass(createLowerAffinePass());
  pipeline.addPass(createSCFToControlFlowPass());
  pipeline.addPass(memref::createExpandStridedMetadataPass());
  pipeline.addPass(createLowerAffinePass());
  pipeline.addPass(arith::createArithExpandOpsPass());
  pipeline.addPass(createConvertMathToFuncs());
  pipeline.addPass(createConvertMathToLLVMPass());
  // What has no LLVM intrinsic (erf, tanh, atan, ...) calls libm, which every runtime process has loaded.
  pipeline.addPass(createConvertMathToLibmPass());
  pipeline.addPass(createConvertVectorToLLVMPass());
  pipeline.addPass(createFinalizeMemRefToLLVMConversionPass());
  pipeline.addPass(createArithToLLVMConversionPass());
  pipeline.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pipeline.addPass(createConvertFuncToLLVMPass(funcOptions));
  pipeline.addPass(createConvertControlFlowToLLVMPass());
  pipeline.addPass(createUBToLLVMConversionPass());
  pipeline.addPass(createReconcileUnrealizedCastsPass());
  return pipeline;
}

// The ABI entry: loads each binding's pointer from `buffers` and calls the body with the tile range; an empty
// range does nothing.
void buildEntry(ModuleOp kernels, LLVM::LLVMFuncOp body, StringRef entryName, unsigned bindings) {
  MLIRContext *context = kernels.getContext();
  OpBuilder builder = OpBuilder::atBlockEnd(kernels.getBody());
  Location loc = body.getLoc();
  auto pointer = LLVM::LLVMPointerType::get(context);
  auto i64 = builder.getI64Type();
  auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context), {pointer, i64, i64});
  auto entry = LLVM::LLVMFuncOp::create(builder, loc, entryName, type);
  Block *start = entry.addEntryBlock(builder);
  Block *work = entry.addBlock();
  Block *exit = entry.addBlock();

  builder.setInsertionPointToEnd(start);
  Value buffers = start->getArgument(0), begin = start->getArgument(1), end = start->getArgument(2);
  Value empty = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::sge, begin, end);
  LLVM::CondBrOp::create(builder, loc, empty, exit, work);

  builder.setInsertionPointToEnd(work);
  SmallVector<Value> arguments;
  for (unsigned index = 0; index < bindings; ++index) {
    Value slot = LLVM::GEPOp::create(builder, loc, pointer, pointer, buffers,
                                     ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(index)});
    arguments.push_back(LLVM::LoadOp::create(builder, loc, pointer, slot));
  }
  arguments.append({begin, end});
  LLVM::CallOp::create(builder, loc, body, arguments);
  LLVM::BrOp::create(builder, loc, exit);

  builder.setInsertionPointToEnd(exit);
  LLVM::ReturnOp::create(builder, loc, ValueRange{});
}

std::once_flag initializeX86Once;

// glibc's vector math library, part of every x86-64 glibc: with it the loop vectorizer has vector forms of expf,
// logf, tanhf and the like, so an elementwise exp (softmax, sigmoid) is no longer a libm call per element. A
// kernel that uses it gets it as a dependency, which the dynamic loader finds wherever hetrun runs.
constexpr StringLiteral kVectorMathLibrary = "/lib/x86_64-linux-gnu/libmvec.so.1";

bool hasVectorMathLibrary() {
  static const bool found = llvm::sys::fs::exists(kVectorMathLibrary);
  return found;
}

FailureOr<std::string> emitObject(llvm::Module &module, llvm::TargetMachine &machine) {
  llvm::LoopAnalysisManager loopAnalyses;
  llvm::FunctionAnalysisManager functionAnalyses;
  llvm::CGSCCAnalysisManager cgsccAnalyses;
  llvm::ModuleAnalysisManager moduleAnalyses;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder passBuilder(&machine, tuning);
  // Registered first, so the pass builder's default (no vector library) does not take its place.
  llvm::TargetLibraryInfoImpl libraryInfo(machine.getTargetTriple(), hasVectorMathLibrary()
                                                                         ? llvm::VectorLibrary::LIBMVEC
                                                                         : llvm::VectorLibrary::NoLibrary);
  functionAnalyses.registerPass([&] { return llvm::TargetLibraryAnalysis(libraryInfo); });
  passBuilder.registerModuleAnalyses(moduleAnalyses);
  passBuilder.registerCGSCCAnalyses(cgsccAnalyses);
  passBuilder.registerFunctionAnalyses(functionAnalyses);
  passBuilder.registerLoopAnalyses(loopAnalyses);
  passBuilder.crossRegisterProxies(loopAnalyses, functionAnalyses, cgsccAnalyses, moduleAnalyses);
  llvm::ModulePassManager optimizer = passBuilder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  optimizer.run(module, moduleAnalyses);

  SmallVector<char, 0> object;
  llvm::raw_svector_ostream stream(object);
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, stream, nullptr, llvm::CodeGenFileType::ObjectFile))
    return failure();
  codegen.run(module);
  return std::string(object.begin(), object.end());
}

// One variant's LLVM module on its way to a shared object. Jobs of different levels run on different threads;
// each holds its own LLVMContext, so nothing LLVM-side is shared between threads but the target machine of a
// level, whose jobs run one after another.
struct ObjectJob {
  VariantOp variant;
  llvm::TargetMachine *machine;
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
  int64_t tiles;
  std::string image;
  std::string error;
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct HetCPUCodegenPass : public het::impl::HetCPUCodegenBase<HetCPUCodegenPass> {
  using Base::Base;

  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    lowering.getDependentDialects(registry);
    registerBuiltinDialectTranslation(registry);
    registerLLVMDialectTranslation(registry);
  }

  void runOnOperation() override;

private:
  LogicalResult lowerGroup(ArrayRef<VariantOp> group, std::vector<ObjectJob> &jobs);
  void buildObject(ObjectJob &job);
  FailureOr<llvm::TargetMachine *> getTargetMachine(VariantOp variant, StringRef level);

  OpPassManager lowering = buildLoweringPipeline();
  // Shared so that the pass stays copyable, as pass cloning needs.
  llvm::StringMap<std::shared_ptr<llvm::TargetMachine>> machines;
  std::string linker;
};

FailureOr<llvm::TargetMachine *> HetCPUCodegenPass::getTargetMachine(VariantOp variant, StringRef level) {
  std::shared_ptr<llvm::TargetMachine> &machine = machines[level];
  if (machine)
    return machine.get();
  if (!llvm::is_contained({"x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4"}, level))
    return variant.emitOpError() << "@" << variant.getSymName() << ": unknown cpu level '" << level
                                 << "'; expected x86-64, x86-64-v2, x86-64-v3 or x86-64-v4";
  std::call_once(initializeX86Once, [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
  });
  llvm::Triple triple(kTriple);
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return variant.emitOpError() << "@" << variant.getSymName() << ": no x86-64 backend in this LLVM: " << error;
  machine.reset(target->createTargetMachine(triple, level, /*Features=*/"", llvm::TargetOptions(), llvm::Reloc::PIC_,
                                            llvm::CodeModel::Small, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return variant.emitOpError() << "@" << variant.getSymName() << ": LLVM has no target machine for -mcpu=" << level;
  return machine.get();
}

// Lowers variants whose bodies are equal once to the LLVM dialect, then translates it to one LLVM module per
// variant, and erases their bodies.
LogicalResult HetCPUCodegenPass::lowerGroup(ArrayRef<VariantOp> group, std::vector<ObjectJob> &jobs) {
  VariantOp leader = group.front();
  auto failVariant = [&]() { return leader.emitOpError() << "@" << leader.getSymName() << ": "; };
  auto kernels = dyn_cast<ModuleOp>(leader.getBody().front().front());
  if (!kernels)
    return failVariant() << "body must be one builtin.module holding the kernel";
  StringRef entryName = leader.getEntryPoint();
  auto kernel = kernels.lookupSymbol<func::FuncOp>(entryName);
  if (!kernel || kernel.isExternal())
    return failVariant() << "body has no func.func @" << entryName << " to compile";
  if (kernel.getNumResults() != 0 || !llvm::all_of(kernel.getArgumentTypes(), [](Type type) {
        auto memref = dyn_cast<MemRefType>(type);
        return memref && memref.hasStaticShape() && memref.getLayout().isIdentity();
      }))
    return failVariant() << "@" << entryName
                         << " must take static identity-layout memrefs and return nothing; run "
                            "het-bufferize-variants first";

  MLIRContext *context = &getContext();
  unsigned bindings = kernel.getNumArguments();
  for (unsigned index = 0; index < bindings; ++index)
    kernel.setArgAttr(index, LLVM::LLVMDialect::getNoAliasAttrName(), UnitAttr::get(context));
  auto i64 = IntegerType::get(context, 64);
  if (failed(kernel.insertArguments({bindings, bindings}, {i64, i64}, {nullptr, nullptr},
                                    {kernel.getLoc(), kernel.getLoc()})))
    return failVariant() << "could not add the tile range to @" << entryName;
  moveParallelDimInnermost(kernel);
  MicroKernelShape shape = microKernelShapeFor(cast<CPUTargetAttr>(leader.getTarget()).getFeatureLevel());
  std::optional<TilePlan> plan = planTiles(kernel, minTileWork, shape);
  int64_t tiles = plan ? plan->tiles : 1;
  if (plan)
    applyTiles(*plan, kernel.getArgument(bindings), kernel.getArgument(bindings + 1));
  lowerContractions(kernel, shape);
  useLLVMMinMax(kernel);

  std::string bodyName = (entryName + "_tiles").str();
  SymbolTable::setSymbolName(kernel, bodyName);
  kernel->setAttr("llvm.linkage", LLVM::LinkageAttr::get(context, LLVM::Linkage::Internal));
  if (failed(runPipeline(lowering, kernels)))
    return failVariant() << "lowering @" << entryName << " to the LLVM dialect failed";
  buildEntry(kernels, kernels.lookupSymbol<LLVM::LLVMFuncOp>(bodyName), entryName, bindings);

  for (VariantOp variant : group) {
    StringRef level = cast<CPUTargetAttr>(variant.getTarget()).getFeatureLevel();
    FailureOr<llvm::TargetMachine *> machine = getTargetMachine(variant, level);
    if (failed(machine))
      return failure();
    auto llvmContext = std::make_unique<llvm::LLVMContext>();
    std::unique_ptr<llvm::Module> module = translateModuleToLLVMIR(kernels, *llvmContext, entryName);
    if (!module)
      return failVariant() << "translating @" << entryName << " to LLVM IR failed";
    module->setTargetTriple((*machine)->getTargetTriple());
    module->setDataLayout((*machine)->createDataLayout());
    jobs.push_back({variant, *machine, std::move(llvmContext), std::move(module), tiles, {}, {}});
  }
  for (VariantOp variant : group) {
    variant.getBody().dropAllReferences();
    variant.getBody().getBlocks().clear();
  }
  return success();
}

void HetCPUCodegenPass::buildObject(ObjectJob &job) {
  FailureOr<std::string> object = emitObject(*job.module, *job.machine);
  if (failed(object)) {
    job.error = "LLVM cannot emit an object for -mcpu=" + job.machine->getTargetCPU().str();
    return;
  }
  std::vector<std::string> arguments = {"-shared", "--strip-all", "-o", "{output}", "{input}"};
  if (hasVectorMathLibrary())
    arguments.insert(arguments.end(), {"--as-needed", kVectorMathLibrary.str()});
  llvm::Expected<std::string> sharedObject = runExternalTool(linker, arguments, "kernel.o", *object, "kernel.so");
  if (!sharedObject) {
    job.error = "linking the shared object with " + linker + " failed: " + llvm::toString(sharedObject.takeError());
    return;
  }
  job.image = std::move(*sharedObject);
}

void HetCPUCodegenPass::runOnOperation() {
  SmallVector<SmallVector<VariantOp>> groups;
  for (auto executable : getOperation().getOps<ExecutableOp>()) {
    size_t firstGroup = groups.size();
    for (VariantOp variant : executable.getVariants()) {
      if (!isa<CPUTargetAttr>(variant.getTarget()) || variant.getFormat() != ImageFormat::Elf ||
          variant.getBody().empty() || variant.getBody().front().empty())
        continue;
      Operation *body = &variant.getBody().front().front();
      // Levels of different vector widths get different micro-kernels, so they share no lowering.
      auto lanes = [](VariantOp of) {
        return microKernelShapeFor(cast<CPUTargetAttr>(of.getTarget()).getFeatureLevel()).lanes;
      };
      auto equal = [&](const SmallVector<VariantOp> &group) {
        VariantOp leader = group.front();
        return leader.getEntryPoint() == variant.getEntryPoint() && lanes(leader) == lanes(variant) &&
               OperationEquivalence::isEquivalentTo(&leader.getBody().front().front(), body,
                                                    OperationEquivalence::IgnoreLocations);
      };
      auto *found = std::find_if(groups.begin() + firstGroup, groups.end(), equal);
      if (found != groups.end())
        found->push_back(variant);
      else
        groups.push_back({variant});
    }
  }
  if (groups.empty())
    return;

  std::optional<std::string> found = findExternalTool(linkerPath, "ld.lld-22", {"/usr/lib/llvm-22/bin"});
  if (!found && linkerPath.empty())
    found = findExternalTool("", "ld.lld", {"/usr/lib/llvm-22/bin"});
  if (!found) {
    InFlightDiagnostic diag = groups.front().front().emitOpError();
    if (!linkerPath.empty())
      diag << "cannot run linker '" << linkerPath << "'; give het-cpu-codegen{linker=PATH} an executable ld.lld";
    else
      diag << "needs ld.lld to link CPU shared objects; install lld-22 or give het-cpu-codegen{linker=PATH}";
    return signalPassFailure();
  }
  linker = *found;

  std::vector<ObjectJob> jobs;
  for (ArrayRef<VariantOp> group : groups)
    if (failed(lowerGroup(group, jobs)))
      return signalPassFailure();

  // LLVM's optimizer and code generator dominate the time: levels run in parallel.
  llvm::MapVector<llvm::TargetMachine *, SmallVector<ObjectJob *>> jobsByMachine;
  for (ObjectJob &job : jobs)
    jobsByMachine[job.machine].push_back(&job);
  SmallVector<SmallVector<ObjectJob *>> queues = llvm::to_vector(llvm::make_second_range(jobsByMachine));
  parallelForEach(&getContext(), queues, [&](const SmallVector<ObjectJob *> &queue) {
    for (ObjectJob *job : queue)
      buildObject(*job);
  });

  MLIRContext *context = &getContext();
  bool failedAny = false;
  for (ObjectJob &job : jobs) {
    if (!job.error.empty()) {
      job.variant.emitOpError() << "@" << job.variant.getSymName() << ": " << job.error;
      failedAny = true;
      continue;
    }
    job.variant.setImageAttr(StringAttr::get(context, job.image));
    job.variant.setGridAttr(DenseI64ArrayAttr::get(context, {job.tiles}));
  }
  if (failedAny)
    signalPassFailure();
}

} // namespace
