// Generates the cpu and ptx entry points of a C++ kernel in the llvm dialect, and its Vitis HLS top function.
#include "compiler/Frontend/Cpp/KernelEntryPoints.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace het::cpp {
namespace {

// The host context of include/het/kernel.h: global_id[3] then global_size[3], 8 bytes each.
constexpr StringLiteral kHostContext = "__het_context";
constexpr int64_t kGlobalIdOffset = 0;
constexpr int64_t kGlobalSizeOffset = 24;
// The PTX launch's extent, in shared memory (include/het/kernel.h).
constexpr StringLiteral kDeviceGlobalSize = "__het_global_size";
constexpr unsigned kSharedAddressSpace = 3;

/// Renames the kernel to `<name>.body`, private to the module, so that the entry point can take its name.
FailureOr<LLVM::LLVMFuncOp> takeKernelBody(ModuleOp module, const KernelInstance &instance) {
  const std::string &name = instance.kernel->name;
  auto body = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
  if (!body)
    return emitError(instance.kernel->loc) << "kernel '" << name << "' is missing from the compiled IR";
  SymbolTable symbols(module);
  if (failed(symbols.rename(body, StringAttr::get(module.getContext(), name + ".body"))))
    return emitError(instance.kernel->loc) << "kernel '" << name << "': cannot rename it for its entry point";
  body.setLinkage(LLVM::Linkage::Internal);
  body->removeAttr(body.getComdatAttrName());
  return body;
}

Value constantI64(OpBuilder &builder, Location loc, int64_t value) {
  return LLVM::ConstantOp::create(builder, loc, builder.getI64Type(), builder.getI64IntegerAttr(value));
}

Value offsetPointer(OpBuilder &builder, Location loc, Value base, int64_t bytes) {
  return LLVM::GEPOp::create(builder, loc, base.getType(), builder.getI8Type(), base,
                             ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(bytes)});
}

/// The index space's extents: fixed, or read from the grid binding.
std::array<Value, 3> gridExtents(OpBuilder &builder, Location loc, const KernelInstance &instance,
                                 ArrayRef<Value> bindings) {
  std::array<Value, 3> extents;
  for (int d = 0; d < 3; ++d)
    extents[d] = instance.fixedGrid ? constantI64(builder, loc, (*instance.fixedGrid)[d])
                                    : LLVM::LoadOp::create(builder, loc, builder.getI64Type(),
                                                           offsetPointer(builder, loc, bindings[0], 8 * d))
                                          .getResult();
  return extents;
}

/// The kernel's arguments: buffer pointers as they are, scalars loaded from their 0-d buffer or fixed.
SmallVector<Value> kernelArguments(OpBuilder &builder, Location loc, LLVM::LLVMFuncOp body,
                                   const KernelInstance &instance, const BindingPlan &plan, ArrayRef<Value> bindings) {
  SmallVector<Value> arguments;
  for (auto [index, parameter] : llvm::enumerate(instance.kernel->parameters)) {
    Type type = body.getArgumentTypes()[index];
    int binding = plan.parameterBinding[index];
    if (parameter.isBuffer()) {
      arguments.push_back(bindings[binding]);
    } else if (binding >= 0) {
      arguments.push_back(LLVM::LoadOp::create(builder, loc, type, bindings[binding]));
    } else {
      TypedAttr fixed = instance.fixedScalars.lookup(parameter.name);
      Attribute value = isa<FloatAttr>(fixed)
                            ? Attribute(FloatAttr::get(type, cast<FloatAttr>(fixed).getValueAsDouble()))
                            : Attribute(IntegerAttr::get(type, cast<IntegerAttr>(fixed).getValue().getSExtValue()));
      arguments.push_back(LLVM::ConstantOp::create(builder, loc, type, cast<TypedAttr>(value)));
    }
  }
  return arguments;
}

/// The ABI's C spelling of an element type (bool is one byte).
std::string abiType(Type type) {
  if (type.isF32())
    return "float";
  if (type.isF64())
    return "double";
  auto integer = cast<IntegerType>(type);
  if (integer.getWidth() == 1)
    return "uint8_t";
  return (integer.isUnsigned() ? "uint" : "int") + std::to_string(integer.getWidth()) + "_t";
}

std::string literal(TypedAttr value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto real = dyn_cast<FloatAttr>(value))
    os << llvm::formatv("{0:e}", real.getValueAsDouble()) << (real.getType().isF32() ? "f" : "");
  else
    os << cast<IntegerAttr>(value).getValue().getSExtValue() << "LL";
  return text;
}

} // namespace

BindingPlan planBindings(const KernelInstance &instance) {
  BindingPlan plan;
  const auto &parameters = instance.kernel->parameters;
  plan.parameterBinding.assign(parameters.size(), -1);
  if (!instance.fixedGrid)
    plan.bindings.push_back({kGridBindingName.str(), -1});
  auto add = [&](size_t index) {
    plan.parameterBinding[index] = static_cast<int>(plan.bindings.size());
    plan.bindings.push_back({parameters[index].name, static_cast<int>(index)});
  };
  for (auto [index, parameter] : llvm::enumerate(parameters))
    if (!parameter.isWritten() &&
        !(parameter.kind == KernelParameter::Kind::Scalar && instance.fixedScalars.contains(parameter.name)))
      add(index);
  plan.readCount = plan.bindings.size();
  for (auto [index, parameter] : llvm::enumerate(parameters))
    if (parameter.isWritten())
      add(index);
  return plan;
}

LogicalResult addCpuEntryPoint(ModuleOp module, const KernelInstance &instance, const BindingPlan &plan,
                               int64_t tiles) {
  FailureOr<LLVM::LLVMFuncOp> body = takeKernelBody(module, instance);
  if (failed(body))
    return failure();
  auto context = module.lookupSymbol<LLVM::GlobalOp>(kHostContext);
  if (!context)
    return emitError(instance.kernel->loc)
           << "kernel '" << instance.kernel->name << "': the compiled IR lacks het/kernel.h's " << kHostContext;
  MLIRContext *mlirContext = module.getContext();
  Location loc = instance.kernel->loc;
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto pointer = LLVM::LLVMPointerType::get(mlirContext);
  auto i64 = builder.getI64Type();
  auto voidType = LLVM::LLVMVoidType::get(mlirContext);
  unsigned bindingCount = plan.bindings.size();

  // The tile walker takes the bindings as noalias pointers, as the ABI guarantees: LLVM then knows the kernel's
  // buffers never overlap the index context, keeps the context in registers and vectorizes along x.
  SmallVector<Type> walkerParameters(bindingCount, pointer);
  walkerParameters.append({i64, i64});
  auto walker = LLVM::LLVMFuncOp::create(builder, loc, instance.kernel->name + ".tiles",
                                         LLVM::LLVMFunctionType::get(voidType, walkerParameters));
  walker.setLinkage(LLVM::Linkage::Internal);
  for (unsigned index = 0; index < bindingCount; ++index)
    walker.setArgAttr(index, LLVM::LLVMDialect::getNoAliasAttrName(), UnitAttr::get(mlirContext));
  Block *start = walker.addEntryBlock(builder);
  // Rows: a run of points along x within one (y, z); the first and last rows of a tile may be partial.
  Block *rowHeader = walker.addBlock();
  for (int i = 0; i < 4; ++i) // point, x, y, z
    rowHeader->addArgument(i64, loc);
  Block *rowStart = walker.addBlock();
  Block *pointHeader = walker.addBlock();
  pointHeader->addArgument(i64, loc); // x
  Block *pointBody = walker.addBlock();
  Block *rowEnd = walker.addBlock();
  Block *exit = walker.addBlock();

  builder.setInsertionPointToEnd(start);
  SmallVector<Value> bindings(start->getArguments().take_front(bindingCount));
  Value begin = start->getArgument(bindingCount), end = start->getArgument(bindingCount + 1);
  std::array<Value, 3> extent = gridExtents(builder, loc, instance, bindings);
  Value planeSize = LLVM::MulOp::create(builder, loc, extent[0], extent[1]);
  Value points = LLVM::MulOp::create(builder, loc, planeSize, extent[2]);
  Value tileCount = constantI64(builder, loc, tiles);
  Value first = LLVM::SDivOp::create(builder, loc, LLVM::MulOp::create(builder, loc, begin, points), tileCount);
  Value last = LLVM::SDivOp::create(builder, loc, LLVM::MulOp::create(builder, loc, end, points), tileCount);
  // The intrinsic, not the bare global, so that LLVM computes the thread's address once, outside the loops.
  Value state = LLVM::ThreadlocalAddressOp::create(builder, loc, pointer,
                                                   LLVM::AddressOfOp::create(builder, loc, context).getResult());
  for (int d = 0; d < 3; ++d)
    LLVM::StoreOp::create(builder, loc, extent[d], offsetPointer(builder, loc, state, kGlobalSizeOffset + 8 * d));
  SmallVector<Value> arguments = kernelArguments(builder, loc, *body, instance, plan, bindings);
  Value zero = constantI64(builder, loc, 0), one = constantI64(builder, loc, 1);
  Value firstRow = LLVM::SDivOp::create(builder, loc, first, extent[0]);
  LLVM::BrOp::create(builder, loc,
                     ValueRange{first, LLVM::SRemOp::create(builder, loc, first, extent[0]),
                                LLVM::SRemOp::create(builder, loc, firstRow, extent[1]),
                                LLVM::SDivOp::create(builder, loc, firstRow, extent[1])},
                     rowHeader);

  builder.setInsertionPointToEnd(rowHeader);
  Value point = rowHeader->getArgument(0), x = rowHeader->getArgument(1);
  Value y = rowHeader->getArgument(2), z = rowHeader->getArgument(3);
  Value more = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::slt, point, last);
  LLVM::CondBrOp::create(builder, loc, more, rowStart, exit);

  builder.setInsertionPointToEnd(rowStart);
  LLVM::StoreOp::create(builder, loc, y, offsetPointer(builder, loc, state, kGlobalIdOffset + 8));
  LLVM::StoreOp::create(builder, loc, z, offsetPointer(builder, loc, state, kGlobalIdOffset + 16));
  Value leftInTile = LLVM::SubOp::create(builder, loc, last, point);
  Value leftInRow = LLVM::SubOp::create(builder, loc, extent[0], x);
  Value count = LLVM::SelectOp::create(
      builder, loc, LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::slt, leftInTile, leftInRow), leftInTile,
      leftInRow);
  Value rowLast = LLVM::AddOp::create(builder, loc, x, count);
  LLVM::BrOp::create(builder, loc, ValueRange{x}, pointHeader);

  builder.setInsertionPointToEnd(pointHeader);
  Value column = pointHeader->getArgument(0);
  Value inRow = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::slt, column, rowLast);
  LLVM::CondBrOp::create(builder, loc, inRow, pointBody, rowEnd);

  builder.setInsertionPointToEnd(pointBody);
  LLVM::StoreOp::create(builder, loc, column, offsetPointer(builder, loc, state, kGlobalIdOffset));
  LLVM::CallOp::create(builder, loc, *body, arguments);
  LLVM::BrOp::create(builder, loc, ValueRange{LLVM::AddOp::create(builder, loc, column, one)}, pointHeader);

  // The next row starts at x = 0; y wraps at its extent and carries into z.
  builder.setInsertionPointToEnd(rowEnd);
  Value nextY = LLVM::AddOp::create(builder, loc, y, one);
  Value carry = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::eq, nextY, extent[1]);
  LLVM::BrOp::create(
      builder, loc,
      ValueRange{LLVM::AddOp::create(builder, loc, point, count), zero,
                 LLVM::SelectOp::create(builder, loc, carry, zero, nextY),
                 LLVM::SelectOp::create(builder, loc, carry, LLVM::AddOp::create(builder, loc, z, one), z)},
      rowHeader);

  builder.setInsertionPointToEnd(exit);
  LLVM::ReturnOp::create(builder, loc, ValueRange{});

  // The ABI entry: the binding pointers out of `buffers`, then the walker.
  builder.setInsertionPointToEnd(module.getBody());
  auto entry = LLVM::LLVMFuncOp::create(builder, loc, instance.kernel->name,
                                        LLVM::LLVMFunctionType::get(voidType, {pointer, i64, i64}));
  Block *entryBlock = entry.addEntryBlock(builder);
  builder.setInsertionPointToEnd(entryBlock);
  SmallVector<Value> walkerArguments;
  for (unsigned index = 0; index < bindingCount; ++index) {
    Value slot = LLVM::GEPOp::create(builder, loc, pointer, pointer, entryBlock->getArgument(0),
                                     ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(index)});
    walkerArguments.push_back(LLVM::LoadOp::create(builder, loc, pointer, slot));
  }
  walkerArguments.append({entryBlock->getArgument(1), entryBlock->getArgument(2)});
  LLVM::CallOp::create(builder, loc, walker, walkerArguments);
  LLVM::ReturnOp::create(builder, loc, ValueRange{});
  return success();
}

LogicalResult addPtxEntryPoint(ModuleOp module, const KernelInstance &instance, const BindingPlan &plan) {
  FailureOr<LLVM::LLVMFuncOp> body = takeKernelBody(module, instance);
  if (failed(body))
    return failure();
  MLIRContext *context = module.getContext();
  Location loc = instance.kernel->loc;
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto i64 = builder.getI64Type();
  auto i32 = builder.getI32Type();
  auto extentType = LLVM::LLVMArrayType::get(i64, 3);

  // The header only declares the shared extent; one module defines it, without an initializer as shared
  // memory requires.
  auto extentGlobal = module.lookupSymbol<LLVM::GlobalOp>(kDeviceGlobalSize);
  if (!extentGlobal || extentGlobal.getInitializerRegion().empty()) {
    if (extentGlobal)
      extentGlobal.erase();
    OpBuilder atStart = OpBuilder::atBlockBegin(module.getBody());
    extentGlobal = LLVM::GlobalOp::create(atStart, loc, extentType, /*isConstant=*/false, LLVM::Linkage::Internal,
                                          kDeviceGlobalSize, Attribute(), /*alignment=*/8, kSharedAddressSpace);
    Block *init = atStart.createBlock(&extentGlobal.getInitializerRegion());
    atStart.setInsertionPointToEnd(init);
    LLVM::ReturnOp::create(atStart, loc, LLVM::UndefOp::create(atStart, loc, extentType).getResult());
  }

  SmallVector<Type> parameterTypes(plan.bindings.size(), LLVM::LLVMPointerType::get(context));
  auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context), parameterTypes);
  builder.setInsertionPointToEnd(module.getBody());
  auto entry = LLVM::LLVMFuncOp::create(builder, loc, instance.kernel->name, type);
  entry.setCConv(LLVM::CConv::PTX_Kernel);
  Block *start = entry.addEntryBlock(builder);
  Block *call = entry.addBlock();
  Block *exit = entry.addBlock();

  builder.setInsertionPointToEnd(start);
  SmallVector<Value> bindings(start->getArguments().begin(), start->getArguments().end());
  std::array<Value, 3> extent = gridExtents(builder, loc, instance, bindings);
  // Every thread stores the same extents, so no thread has to wait for a designated one before the barrier.
  Value shared = LLVM::AddressOfOp::create(builder, loc, extentGlobal);
  for (int d = 0; d < 3; ++d)
    LLVM::StoreOp::create(builder, loc, extent[d], offsetPointer(builder, loc, shared, 8 * d));
  NVVM::Barrier0Op::create(builder, loc);
  auto globalId = [&](Value block, Value size, Value thread) {
    Value id = LLVM::AddOp::create(builder, loc, LLVM::MulOp::create(builder, loc, block, size), thread);
    return LLVM::ZExtOp::create(builder, loc, i64, id).getResult();
  };
  std::array<Value, 3> id = {
      globalId(NVVM::BlockIdXOp::create(builder, loc, i32), NVVM::BlockDimXOp::create(builder, loc, i32),
               NVVM::ThreadIdXOp::create(builder, loc, i32)),
      globalId(NVVM::BlockIdYOp::create(builder, loc, i32), NVVM::BlockDimYOp::create(builder, loc, i32),
               NVVM::ThreadIdYOp::create(builder, loc, i32)),
      globalId(NVVM::BlockIdZOp::create(builder, loc, i32), NVVM::BlockDimZOp::create(builder, loc, i32),
               NVVM::ThreadIdZOp::create(builder, loc, i32))};
  Value inside;
  for (int d = 0; d < 3; ++d) {
    Value within = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::slt, id[d], extent[d]);
    inside = inside ? LLVM::AndOp::create(builder, loc, inside, within).getResult() : within;
  }
  LLVM::CondBrOp::create(builder, loc, inside, call, exit);

  builder.setInsertionPointToEnd(call);
  LLVM::CallOp::create(builder, loc, *body, kernelArguments(builder, loc, *body, instance, plan, bindings));
  LLVM::BrOp::create(builder, loc, exit);

  builder.setInsertionPointToEnd(exit);
  LLVM::ReturnOp::create(builder, loc, ValueRange{});
  return success();
}

std::string emitHlsSource(const ImportedKernels &kernels, const KernelInstance &instance, const BindingPlan &plan,
                          StringRef topName) {
  const KernelSignature &kernel = *instance.kernel;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "// Vitis HLS C++ generated by hetcc from " << kernels.path << ", kernel '" << kernel.name << "'.\n"
     << "#include <cstdint>\n#define HET_TARGET_HLS 1\n"
     << kernels.source << "\n#line " << 1 << " \"" << topName << ".cpp\"\n"
     << "// Top function (docs/kernel-abi.md): binding i is buffer<i>; the loops walk the index space, x fastest.\n"
     << "extern \"C\" void " << topName << "(";
  for (auto [index, binding] : llvm::enumerate(plan.bindings)) {
    std::string element = binding.parameter < 0 ? "int64_t" : abiType(kernel.parameters[binding.parameter].elementType);
    os << (index ? ", " : "") << (index < plan.readCount ? "const " : "") << element << " *buffer" << index;
  }
  os << ") {\n";
  for (unsigned index = 0; index < plan.bindings.size(); ++index)
    os << "#pragma HLS INTERFACE m_axi port=buffer" << index << " offset=slave bundle=gmem" << index << "\n"
       << "#pragma HLS INTERFACE s_axilite port=buffer" << index << "\n";
  os << "#pragma HLS INTERFACE s_axilite port=return\n";
  for (int d = 0; d < 3; ++d) {
    os << "  const het::index_t het_extent" << d << " = ";
    if (instance.fixedGrid)
      os << (*instance.fixedGrid)[d] << ";\n";
    else
      os << "buffer0[" << d << "];\n";
    os << "  __het_context.global_size[" << d << "] = het_extent" << d << ";\n";
  }
  os << "  for (het::index_t het_z = 0; het_z < het_extent2; ++het_z)\n"
     << "    for (het::index_t het_y = 0; het_y < het_extent1; ++het_y)\n"
     << "      for (het::index_t het_x = 0; het_x < het_extent0; ++het_x) {\n"
     << "#pragma HLS PIPELINE II=1\n"
     << "        __het_context.global_id[0] = het_x;\n"
     << "        __het_context.global_id[1] = het_y;\n"
     << "        __het_context.global_id[2] = het_z;\n"
     << "        " << kernel.name << "(";
  for (auto [index, parameter] : llvm::enumerate(kernel.parameters)) {
    os << (index ? ", " : "");
    int binding = plan.parameterBinding[index];
    if (parameter.isBuffer())
      os << "(" << (parameter.kind == KernelParameter::Kind::In ? "const " : "") << parameter.cType << " *)buffer"
         << binding;
    else if (binding >= 0)
      os << "(" << parameter.cType << ")*buffer" << binding;
    else
      os << "(" << parameter.cType << ")" << literal(instance.fixedScalars.lookup(parameter.name));
  }
  os << ");\n      }\n}\n";
  return text;
}

std::string emitCSimEntryPoint(const KernelInstance &instance, const BindingPlan &plan, StringRef topName,
                               StringRef wrapperName) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "\n// C simulation entry (docs/kernel-abi.md): binding i is buffers[i].\n"
     << "extern \"C\" void " << wrapperName << "(void **buffers) {\n  " << topName << "(";
  for (auto [index, binding] : llvm::enumerate(plan.bindings)) {
    std::string element =
        binding.parameter < 0 ? "int64_t" : abiType(instance.kernel->parameters[binding.parameter].elementType);
    os << (index ? ", " : "") << "(" << (index < plan.readCount ? "const " : "") << element << " *)buffers[" << index
       << "]";
  }
  os << ");\n}\n";
  return text;
}

} // namespace het::cpp
