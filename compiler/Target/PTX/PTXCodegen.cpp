// The het-ptx-codegen pass: PTX variants' bodies to PTX text through the GPU and NVVM dialects, plus cubins.
#include "compiler/Target/ExternalTool/ExternalTool.h"
#include "compiler/Target/PTX/GPUKernelBuilder.h"
#include "compiler/Target/KernelBody/KernelBody.h"
#include "compiler/Target/PTX/Passes.h"
#include "dialects/Het/IR/HetOps.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

namespace het {
#define GEN_PASS_DEF_HETPTXCODEGEN
#include "compiler/Target/PTX/Passes.h.inc"
} // namespace het

using namespace mlir;

namespace het {
namespace {

/// convert-gpu-to-nvvm turns every math op left (floor, sqrt, fabs, fma, ...) into a libdevice call, although
/// NVPTX has instructions for them; the LLVM intrinsics lower to those instructions and need no libdevice.
void replaceLibdeviceCallsByIntrinsics(gpu::GPUModuleOp gpuModule) {
  static const llvm::StringMap<StringRef> intrinsics = {
      {"floor", "llvm.intr.floor"}, {"ceil", "llvm.intr.ceil"},   {"sqrt", "llvm.intr.sqrt"},
      {"fabs", "llvm.intr.fabs"},   {"fma", "llvm.intr.fma"},     {"copysign", "llvm.intr.copysign"},
      {"trunc", "llvm.intr.trunc"}, {"round", "llvm.intr.round"}, {"rint", "llvm.intr.roundeven"},
      {"fmin", "llvm.intr.minnum"}, {"fmax", "llvm.intr.maxnum"}, {"fmod", "llvm.frem"},
  };
  SmallVector<LLVM::CallOp> calls;
  gpuModule.walk([&](LLVM::CallOp call) { calls.push_back(call); });
  for (LLVM::CallOp call : calls) {
    std::optional<StringRef> callee = call.getCallee();
    if (!callee || !callee->starts_with("__nv_"))
      continue;
    StringRef function = callee->drop_front(strlen("__nv_"));
    // The f32 flavour ends in 'f' (sqrtf), the f64 one does not (sqrt); fmaf is the only name where both read.
    if (!intrinsics.contains(function) && function.ends_with("f"))
      function = function.drop_back();
    auto found = intrinsics.find(function);
    if (found == intrinsics.end())
      continue;
    OpBuilder builder(call);
    OperationState state(call.getLoc(), found->second);
    state.addOperands(call.getArgOperands());
    state.addTypes(call.getResultTypes());
    Operation *intrinsic = builder.create(state);
    call.replaceAllUsesWith(intrinsic->getResults());
    call.erase();
  }
  for (LLVM::LLVMFuncOp function : llvm::make_early_inc_range(gpuModule.getOps<LLVM::LLVMFuncOp>()))
    if (function.isExternal() && function.symbolKnownUseEmpty(gpuModule))
      function.erase();
}

class PTXCodegenPass : public impl::HetPTXCodegenBase<PTXCodegenPass> {
public:
  using HetPTXCodegenBase::HetPTXCodegenBase;

  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<affine::AffineDialect, arith::ArithDialect, cf::ControlFlowDialect, func::FuncDialect,
                    gpu::GPUDialect, index::IndexDialect, linalg::LinalgDialect, LLVM::LLVMDialect, math::MathDialect,
                    memref::MemRefDialect, NVVM::NVVMDialect, scf::SCFDialect, ub::UBDialect, vector::VectorDialect>();
    // convert-gpu-to-nvvm lowers every loaded dialect through its ConvertToLLVM interface, and
    // gpu-module-to-binary needs the NVVM target and the LLVM IR translations.
    arith::registerConvertArithToLLVMInterface(registry);
    cf::registerConvertControlFlowToLLVMInterface(registry);
    registerConvertFuncToLLVMInterface(registry);
    index::registerConvertIndexToLLVMInterface(registry);
    registerConvertMathToLLVMInterface(registry);
    registerConvertMemRefToLLVMInterface(registry);
    NVVM::registerConvertGpuToNVVMInterface(registry);
    registerConvertNVVMToLLVMInterface(registry);
    ub::registerConvertUBToLLVMInterface(registry);
    NVVM::registerNVVMTargetInterfaceExternalModels(registry);
    registerBuiltinDialectTranslation(registry);
    registerGPUDialectTranslation(registry);
    registerLLVMDialectTranslation(registry);
    registerNVVMDialectTranslation(registry);
  }

  void runOnOperation() override {
    ModuleOp root = getOperation();
    if (blockSize < 1 || blockSize > 1024) {
      root.emitError("het-ptx-codegen: block-size must be 1 to 1024, got ") << blockSize;
      return signalPassFailure();
    }
    std::optional<std::string> ptxas;
    if (emitCubin) {
      ptxas = findExternalTool(ptxasPath, "ptxas", {"/usr/local/cuda/bin"});
      if (!ptxas && !ptxasPath.empty()) {
        root.emitError("het-ptx-codegen: ptxas-path '") << ptxasPath << "' is not an executable file";
        return signalPassFailure();
      }
    }
    SmallVector<VariantOp> variants;
    root.walk([&](VariantOp variant) {
      if (isa<PTXTargetAttr>(variant.getTarget()) && variant.getFormat() == ImageFormat::Ptx &&
          !variant.getBody().empty())
        variants.push_back(variant);
    });
    for (VariantOp variant : variants)
      if (failed(compileVariant(variant, ptxas)))
        return signalPassFailure();
  }

private:
  LogicalResult compileVariant(VariantOp variant, const std::optional<std::string> &ptxas) {
    StringRef arch = cast<PTXTargetAttr>(variant.getTarget()).getArch();
    StringRef entryPoint = variant.getEntryPoint();
    func::FuncOp kernel = findKernelFunction(variant, entryPoint);
    if (!kernel)
      return variant.emitError("variant @")
             << variant.getSymName() << ": expected a body module with one func.func (or one named '" << entryPoint
             << "')";
    auto module = kernel->getParentOfType<ModuleOp>();
    FailureOr<GPULaunchSizes> sizes = buildGPUKernel(kernel, entryPoint, blockSize);
    if (failed(sizes))
      return failure();

    auto gpuModule = *module.getOps<gpu::GPUModuleOp>().begin();
    MLIRContext *context = &getContext();
    gpuModule.setTargetsAttr(
        ArrayAttr::get(context, {NVVM::NVVMTargetAttr::get(context, /*optLevel=*/3, "nvptx64-nvidia-cuda", arch)}));

    OpPassManager toNVVM(ModuleOp::getOperationName());
    OpPassManager &inGPUModule = toNVVM.nest<gpu::GPUModuleOp>();
    // Views (a padded copy writes through a subview) become explicit offset arithmetic first.
    inGPUModule.addPass(memref::createExpandStridedMetadataPass());
    inGPUModule.addPass(createLowerAffinePass());
    inGPUModule.addPass(createSCFToControlFlowPass());
    ConvertGpuOpsToNVVMOpsOptions nvvmOptions;
    nvvmOptions.useBarePtrCallConv = true;
    inGPUModule.addPass(createConvertGpuOpsToNVVMOps(nvvmOptions));
    inGPUModule.addPass(createReconcileUnrealizedCastsPass());
    if (failed(runPipeline(toNVVM, module)))
      return variant.emitError("kernel '") << entryPoint << "': lowering to NVVM failed for " << arch;

    replaceLibdeviceCallsByIntrinsics(gpuModule);
    // A call left now would resolve only against libdevice, which PTX consumers do not link.
    WalkResult external = gpuModule.walk([&](LLVM::LLVMFuncOp function) {
      if (!function.isExternal())
        return WalkResult::advance();
      variant.emitError("kernel '") << entryPoint << "' calls '" << function.getSymName()
                                    << "', which only libdevice provides; this op is not supported on PTX";
      return WalkResult::interrupt();
    });
    if (external.wasInterrupted())
      return failure();

    OpPassManager toBinary(ModuleOp::getOperationName());
    GpuModuleToBinaryPassOptions binaryOptions;
    binaryOptions.compilationTarget = "isa";
    toBinary.addPass(createGpuModuleToBinaryPass(binaryOptions));
    if (failed(runPipeline(toBinary, module)))
      return variant.emitError("kernel '") << entryPoint << "': PTX generation failed for " << arch;
    auto binary = *module.getOps<gpu::BinaryOp>().begin();
    std::string ptx = cast<gpu::ObjectAttr>(binary.getObjects()[0]).getObject().getValue().str();

    OpBuilder builder(variant);
    DenseI64ArrayAttr grid = builder.getDenseI64ArrayAttr(sizes->grid);
    DenseI64ArrayAttr block = builder.getDenseI64ArrayAttr(sizes->block);
    variant.setGridAttr(grid);
    variant.setBlockAttr(block);
    variant.setImageAttr(builder.getStringAttr(ptx));
    variant.getBody().dropAllReferences();
    variant.getBody().getBlocks().clear();

    if (!ptxas)
      return success();
    std::string cubinName = (variant.getSymName() + "_cubin").str();
    if (SymbolTable::lookupSymbolIn(variant->getParentOp(), cubinName))
      return variant.emitError("variant @")
             << variant.getSymName() << ": cannot add its cubin variant, @" << cubinName << " already exists";
    llvm::Expected<std::string> cubin = runExternalTool(*ptxas, {"-arch=" + arch.str(), "{input}", "-o", "{output}"},
                                                        "kernel.ptx", ptx, "kernel.cubin");
    if (!cubin)
      return variant.emitError("ptxas rejected the PTX of kernel '")
             << entryPoint << "' for " << arch << ": " << llvm::toString(cubin.takeError());
    builder.setInsertionPointAfter(variant);
    VariantOp::create(builder, variant.getLoc(), cubinName, variant.getTarget(), ImageFormat::Cubin, entryPoint, grid,
                      block, builder.getStringAttr(*cubin));
    return success();
  }
};

} // namespace
} // namespace het
