// het-partition: fuses elementwise work, outlines each anchor op of @main as a het.executable and leaves a het.graph.
#include "compiler/Partition/Passes.h"

#include "dialects/Het/IR/HetOps.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"

namespace het {
#define GEN_PASS_DEF_HETPARTITION
#include "compiler/Partition/Passes.h.inc"
} // namespace het

using namespace mlir;
using namespace het;

namespace {

// Constants up to these sizes are cheaper to rebuild inside a kernel than to pass as a binding.
constexpr int64_t kMaxClonedSplatElements = 1024;
constexpr int64_t kMaxClonedDenseElements = 16;

//===----------------------------------------------------------------------===//
// Fusion
//===----------------------------------------------------------------------===//

// Elementwise work reaches the fusion patterns only as linalg.generic, so arith/math on tensors and named
// elementwise linalg ops are rewritten first. Fills stay named: they are recognized as cheap inits below.
// The greedy driver's "did not converge" only means it stopped iterating; the IR is valid either way, merely
// less fused, so it is not an error.
void fuseElementwiseOps(func::FuncOp main) {
  MLIRContext *context = main.getContext();
  {
    RewritePatternSet patterns(context);
    linalg::populateElementwiseToLinalgConversionPatterns(patterns);
    (void)applyPatternsGreedily(main, std::move(patterns));
  }

  SmallVector<linalg::LinalgOp> named;
  main.walk([&](linalg::LinalgOp op) {
    if (!isa<linalg::GenericOp, linalg::FillOp>(op) && op.hasPureTensorSemantics() &&
        op.getNumReductionLoops() == 0)
      named.push_back(op);
  });
  IRRewriter rewriter(context);
  for (linalg::LinalgOp op : named) {
    rewriter.setInsertionPoint(op);
    // Ops without a generic form (none known among the all-parallel ones) simply stay anchors.
    (void)linalg::generalizeNamedOp(rewriter, op);
  }

  RewritePatternSet patterns(context);
  linalg::populateElementwiseOpsFusionPatterns(patterns, [](OpOperand *fused) {
    // A producer with other users would be computed twice.
    Operation *producer = fused->get().getDefiningOp();
    if (!producer || !producer->hasOneUse())
      return false;
    // A contraction reads an operand once per value of the loops its map leaves out (a convolution's input once
    // per output channel): fused there, the producer would be recomputed that many times, and the contraction
    // would no longer be the plain multiply-add the CPU micro-kernel takes. Reductions that read each element
    // once (a sum of exponentials) still take their producer.
    auto consumer = cast<linalg::LinalgOp>(fused->getOwner());
    return consumer.getNumReductionLoops() == 0 ||
           consumer.getMatchingIndexingMap(fused).getNumResults() == consumer.getNumLoops();
  });
  for (StringRef dialect : {"linalg", "tensor", "arith"})
    context->getLoadedDialect(dialect)->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName name : context->getRegisteredOperations())
    if (llvm::is_contained({StringRef("linalg"), StringRef("tensor"), StringRef("arith")},
                           name.getDialectNamespace()))
      name.getCanonicalizationPatterns(patterns, context);
  (void)applyPatternsGreedily(main, std::move(patterns));
}

//===----------------------------------------------------------------------===//
// Classification
//===----------------------------------------------------------------------===//

enum class Role {
  Clone,    // recomputed inside every kernel that uses it
  Constant, // a het.constant of the graph
  Anchor,   // a kernel of its own
};

bool isReturned(Operation *op) {
  return llvm::any_of(op->getUsers(), [](Operation *user) { return isa<func::ReturnOp>(user); });
}

bool isSmallConstant(ElementsAttr value) {
  int64_t elements = value.getNumElements();
  if (auto dense = dyn_cast<DenseElementsAttr>(value); dense && dense.isSplat())
    return elements <= kMaxClonedSplatElements;
  return elements <= kMaxClonedDenseElements;
}

bool isUsedOnlyAsInit(Operation *op) {
  for (OpOperand &use : op->getUses()) {
    auto destinationStyle = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
    if (!destinationStyle || !destinationStyle.isDpsInit(&use))
      return false;
  }
  return true;
}

Role classify(Operation *op) {
  bool hasTensorResult = llvm::any_of(op->getResultTypes(), llvm::IsaPred<TensorType>);
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    auto value = dyn_cast<ElementsAttr>(constant.getValue());
    if (!value)
      return Role::Clone;
    return isSmallConstant(value) ? Role::Clone : Role::Constant;
  }
  if (!hasTensorResult)
    return Role::Clone;
  if (isReturned(op))
    return Role::Anchor;
  if (isa<tensor::EmptyOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::ReshapeOp, tensor::CastOp>(
          op))
    return Role::Clone;
  if (isa<linalg::FillOp>(op) && isUsedOnlyAsInit(op))
    return Role::Clone;
  return Role::Anchor;
}

//===----------------------------------------------------------------------===//
// Names, sizes and cost
//===----------------------------------------------------------------------===//

std::optional<StringRef> findNameLoc(Location loc) {
  std::optional<StringRef> found;
  loc->walk([&](Location inner) {
    if (auto name = dyn_cast<NameLoc>(inner); name && !name.getName().getValue().empty()) {
      found = name.getName().getValue();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

// Symbol names end up as ELF symbols, PTX entries and C++ function names, which all take [A-Za-z_][A-Za-z0-9_]*.
std::string sanitizeSymbol(StringRef name) {
  std::string result;
  for (char c : name)
    result += llvm::isAlnum(c) ? c : '_';
  if (result.empty() || llvm::isDigit(result.front()))
    result = "k_" + result;
  return result;
}

std::string makeUnique(std::string base, llvm::StringSet<> &used) {
  std::string name = base;
  for (unsigned suffix = 1; used.contains(name); ++suffix)
    name = base + "_" + std::to_string(suffix);
  used.insert(name);
  return name;
}

uint64_t byteSize(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  Type element = tensor.getElementType();
  uint64_t elementBytes = element.isIntOrFloat() ? llvm::divideCeil(element.getIntOrFloatBitWidth(), 8) : 8;
  return elementBytes * tensor.getNumElements();
}

CostAttr estimateCost(func::FuncOp kernel) {
  uint64_t flops = 0;
  kernel.walk([&](linalg::LinalgOp op) {
    uint64_t iterations = 1;
    for (int64_t range : op.getStaticLoopRanges())
      iterations *= ShapedType::isDynamic(range) ? 1 : range;
    uint64_t bodyOps = op.getBlock() ? op.getBlock()->getOperations().size() - 1 : 0;
    flops += iterations * bodyOps;
  });
  uint64_t bytesRead = 0, bytesWritten = 0;
  for (Type type : kernel.getFunctionType().getInputs())
    bytesRead += byteSize(type);
  for (Type type : kernel.getFunctionType().getResults())
    bytesWritten += byteSize(type);
  return CostAttr::get(kernel.getContext(), flops, bytesRead, bytesWritten);
}

//===----------------------------------------------------------------------===//
// Variants
//===----------------------------------------------------------------------===//

struct VariantSpec {
  std::string symbol;
  TargetAttrInterface target;
  ImageFormat format;
  bool csimEntry;
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct HetPartitionPass : public het::impl::HetPartitionBase<HetPartitionPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  FailureOr<SmallVector<VariantSpec>> buildVariantSpecs();
};

FailureOr<SmallVector<VariantSpec>> HetPartitionPass::buildVariantSpecs() {
  MLIRContext *context = &getContext();
  ModuleOp module = getOperation();
  auto orDefault = [](const ListOption<std::string> &option, std::vector<std::string> defaults) {
    return option.empty() ? defaults : std::vector<std::string>(option.begin(), option.end());
  };
  SmallVector<VariantSpec> specs;
  for (const std::string &target : orDefault(targets, {"cpu", "ptx", "hls"})) {
    if (target == "cpu") {
      for (const std::string &level : orDefault(cpuLevels, {"x86-64", "x86-64-v4"})) {
        if (!llvm::is_contained({"x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4"}, level))
          return module.emitError() << "het-partition: unknown cpu level '" << level
                                    << "'; expected x86-64, x86-64-v2, x86-64-v3 or x86-64-v4";
        specs.push_back({"cpu_" + sanitizeSymbol(level), CPUTargetAttr::get(context, level), ImageFormat::Elf,
                         false});
      }
    } else if (target == "ptx") {
      for (const std::string &arch : orDefault(cudaArchs, {"sm_80", "sm_90"})) {
        if (!StringRef(arch).starts_with("sm_"))
          return module.emitError() << "het-partition: unknown CUDA architecture '" << arch
                                    << "'; expected sm_<NN> such as sm_80 or sm_90";
        specs.push_back({sanitizeSymbol(arch), PTXTargetAttr::get(context, arch), ImageFormat::Ptx, false});
      }
    } else if (target == "hls") {
      if (fpgaPart.empty())
        return module.emitError("het-partition: fpga-part must not be empty");
      auto part = HLSTargetAttr::get(context, fpgaPart);
      specs.push_back({"hls", part, ImageFormat::HlsCpp, false});
      specs.push_back({"hls_csim", part, ImageFormat::HlsCsim, true});
    } else {
      return module.emitError() << "het-partition: unknown target '" << target << "'; expected cpu, ptx or hls";
    }
  }
  if (specs.empty())
    return module.emitError("het-partition: no variants requested; give at least one target and level/arch");
  return specs;
}

// Values a set of ops reads from outside the set, in the order the ops (in program order) first use them.
SmallVector<Value> collectKernelInputs(ArrayRef<Operation *> ops, const llvm::SetVector<Operation *> &members) {
  llvm::SetVector<Value> inputs;
  auto consider = [&](Value value) {
    Operation *producer = value.getDefiningOp();
    if (!producer || !members.contains(producer))
      inputs.insert(value);
  };
  for (Operation *op : ops) {
    for (Value operand : op->getOperands())
      consider(operand);
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(op->getRegions(), captured);
    for (Value value : captured)
      consider(value);
  }
  return inputs.takeVector();
}

void HetPartitionPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *context = &getContext();
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || main.isExternal()) {
    module.emitError("het-partition: the module has no func.func @main with a body; it needs the model's "
                     "entry function @main");
    return signalPassFailure();
  }
  FailureOr<SmallVector<VariantSpec>> specs = buildVariantSpecs();
  if (failed(specs))
    return signalPassFailure();
  fuseElementwiseOps(main);

  Block &body = main.getBody().front();
  llvm::DenseMap<Operation *, Role> roles;
  for (Operation &op : body.without_terminator()) {
    for (Type type : op.getResultTypes())
      if (auto shaped = dyn_cast<ShapedType>(type); shaped && !shaped.hasStaticShape()) {
        op.emitError() << "het-partition: result of type " << type
                       << " has a dynamic shape; kernels need static shapes (fix input shapes first)";
        return signalPassFailure();
      }
    if (isa<CallOpInterface>(op)) {
      op.emitError("het-partition: calls cannot be outlined into kernels; inline them into @main first");
      return signalPassFailure();
    }
    roles[&op] = classify(&op);
  }

  // Reserve every symbol already in the module so kernels never shadow one.
  llvm::StringSet<> usedSymbols;
  for (Operation &op : module.getBody()->getOperations())
    if (auto symbol = op.getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName()))
      usedSymbols.insert(symbol.getValue());

  OpBuilder moduleBuilder(main);
  auto graph = GraphOp::create(moduleBuilder, main.getLoc(), main.getSymNameAttr(), main.getFunctionTypeAttr(),
                               /*sym_visibility=*/nullptr, main.getArgAttrsAttr(), main.getResAttrsAttr());
  Block *graphBody = graph.addEntryBlock();
  // Executables come before the graph that dispatches them.
  moduleBuilder.setInsertionPoint(graph);
  OpBuilder graphBuilder = OpBuilder::atBlockEnd(graphBody);

  IRMapping graphValues;
  graphValues.map(body.getArguments(), graphBody->getArguments());
  llvm::StringSet<> constantNames;
  unsigned unnamedConstants = 0;
  auto graphValueOf = [&](Value value) -> Value {
    if (Value mapped = graphValues.lookupOrNull(value))
      return mapped;
    // Only constants are materialized on first use; anchors and arguments were mapped in program order.
    auto constant = cast<arith::ConstantOp>(value.getDefiningOp());
    std::string name;
    if (std::optional<StringRef> located = findNameLoc(constant.getLoc()))
      name = located->str();
    else
      name = "constant" + std::to_string(unnamedConstants++);
    name = makeUnique(name, constantNames);
    auto created = ConstantOp::create(graphBuilder, constant.getLoc(), constant.getType(),
                                      graphBuilder.getStringAttr(name), cast<ElementsAttr>(constant.getValue()));
    graphValues.map(value, created.getResult());
    return created.getResult();
  };

  unsigned kernelIndex = 0;
  for (Operation &anchor : body.without_terminator()) {
    if (roles[&anchor] != Role::Anchor)
      continue;

    // The anchor and, transitively, every cloned op it reads.
    llvm::SetVector<Operation *> members;
    SmallVector<Operation *> worklist{&anchor};
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      if (!members.insert(op))
        continue;
      llvm::SetVector<Value> reads(op->getOperands().begin(), op->getOperands().end());
      getUsedValuesDefinedAbove(op->getRegions(), reads);
      for (Value value : reads)
        if (Operation *producer = value.getDefiningOp();
            producer && producer->getBlock() == &body && roles[producer] == Role::Clone)
          worklist.push_back(producer);
    }
    SmallVector<Operation *> ordered(members.begin(), members.end());
    llvm::sort(ordered, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    SmallVector<Value> inputs = collectKernelInputs(ordered, members);

    std::string base;
    if (std::optional<StringRef> located = findNameLoc(anchor.getLoc()))
      base = sanitizeSymbol(*located);
    else
      base = sanitizeSymbol(anchor.getName().stripDialect()) + "_" + std::to_string(kernelIndex);
    std::string name = makeUnique(base, usedSymbols);
    ++kernelIndex;

    // The kernel function, built once and cloned into every variant.
    SmallVector<Type> inputTypes = llvm::to_vector(llvm::map_range(inputs, [](Value v) { return v.getType(); }));
    auto kernelType = FunctionType::get(context, inputTypes, anchor.getResultTypes());
    OpBuilder kernelBuilder(context);
    auto kernel = func::FuncOp::create(kernelBuilder, anchor.getLoc(), name, kernelType);
    Block *entry = kernel.addEntryBlock();
    kernelBuilder.setInsertionPointToEnd(entry);
    IRMapping kernelValues;
    kernelValues.map(inputs, entry->getArguments());
    for (Operation *op : ordered)
      kernelBuilder.clone(*op, kernelValues);
    SmallVector<Value> results =
        llvm::to_vector(llvm::map_range(anchor.getResults(), [&](Value v) { return kernelValues.lookup(v); }));
    func::ReturnOp::create(kernelBuilder, anchor.getLoc(), results);

    auto executable = ExecutableOp::create(moduleBuilder, anchor.getLoc(), name, kernelType, estimateCost(kernel));
    OpBuilder variantBuilder = OpBuilder::atBlockEnd(&executable.getBodyRegion().emplaceBlock());
    for (const VariantSpec &spec : *specs) {
      std::string entryPoint = spec.csimEntry ? name + "_csim" : name;
      auto variant = VariantOp::create(variantBuilder, anchor.getLoc(), spec.symbol, spec.target, spec.format, entryPoint,
                                       /*grid=*/nullptr, /*block=*/nullptr, /*image=*/nullptr);
      OpBuilder bodyBuilder = OpBuilder::atBlockEnd(&variant.getBody().emplaceBlock());
      auto kernelModule = ModuleOp::create(bodyBuilder, anchor.getLoc());
      kernelModule.getBody()->push_back(kernel->clone());
    }
    kernel->erase();

    SmallVector<Value> operands = llvm::to_vector(llvm::map_range(inputs, graphValueOf));
    auto dispatch = DispatchOp::create(graphBuilder, anchor.getLoc(), anchor.getResultTypes(),
                                       FlatSymbolRefAttr::get(context, name), operands);
    graphValues.map(anchor.getResults(), dispatch.getResults());
  }

  auto mainReturn = cast<func::ReturnOp>(body.getTerminator());
  SmallVector<Value> returned = llvm::to_vector(llvm::map_range(mainReturn.getOperands(), graphValueOf));
  ReturnOp::create(graphBuilder, mainReturn.getLoc(), returned);
  main.erase();
}

} // namespace
