// Compiles a C++ kernel source with clang to LLVM IR for x86-64 and nvptx64, imports it into the llvm dialect,
// reads each kernel's signature from the debug information and checks the kernel rules on the imported IR.
#include "compiler/Frontend/Cpp/CppKernels.h"
#include "compiler/Target/ExternalTool/ExternalTool.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMIRToLLVMTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/LLVMIRToNVVMTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Import.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/AsmParser/Parser.h"
#include "llvm/BinaryFormat/Dwarf.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace het::cpp {
namespace {

/// include/het/kernel.h, embedded at build time so that hetcc needs no include path to find it.
constexpr llvm::StringLiteral kKernelHeader =
#include "KernelHeader.inc"
    ;

constexpr llvm::StringLiteral kKernelAnnotation = "het.kernel";

/// The text clang compiles: the kernel header, then the user's file under its own name. The user's own
/// `#include <het/kernel.h>` is blanked (it is already in), keeping every line where it was.
std::string buildCompiledSource(llvm::StringRef path, llvm::StringRef userSource) {
  std::string text = kKernelHeader.str();
  text += "\n#line 1 \"" + path.str() + "\"\n";
  llvm::Regex include("^[ \t]*#[ \t]*include[ \t]*[<\"]het/kernel\\.h[>\"]");
  llvm::SmallVector<llvm::StringRef> lines;
  userSource.split(lines, '\n');
  for (llvm::StringRef line : lines)
    text += (include.match(line) ? "" : line.str()) + "\n";
  return text;
}

/// The column (1-based) of the first whole-word occurrence of `word` in line `line` of `source` that is followed,
/// after blanks, by one of `followers` (a parameter by ',' or ')', a function by '('); 1 if there is none.
unsigned columnOf(llvm::StringRef source, unsigned line, llvm::StringRef word, llvm::StringRef followers) {
  llvm::SmallVector<llvm::StringRef> lines;
  source.split(lines, '\n');
  if (line == 0 || line > lines.size() || word.empty())
    return 1;
  llvm::StringRef text = lines[line - 1];
  auto isWordChar = [](char c) { return llvm::isAlnum(c) || c == '_'; };
  for (size_t at = text.find(word); at != llvm::StringRef::npos; at = text.find(word, at + 1)) {
    llvm::StringRef rest = text.drop_front(at + word.size());
    bool startsWord = at == 0 || !isWordChar(text[at - 1]);
    llvm::StringRef next = rest.ltrim();
    bool followed = next.empty() ? followers.contains(')') : followers.contains(next.front());
    if (startsWord && (rest.empty() || !isWordChar(rest.front())) && followed)
      return static_cast<unsigned>(at) + 1;
  }
  return 1;
}

/// A function's name as the source spells it.
std::string sourceName(llvm::StringRef symbol) { return llvm::demangle(symbol); }

/// The element type and C spelling of a basic debug type; a null type for what kernels cannot take.
std::pair<Type, std::string> basicType(const llvm::DIBasicType *basic, MLIRContext &context) {
  unsigned bits = basic->getSizeInBits();
  std::string name = basic->getName().str();
  switch (basic->getEncoding()) {
  case llvm::dwarf::DW_ATE_float:
    if (bits == 32)
      return {Float32Type::get(&context), name};
    if (bits == 64)
      return {Float64Type::get(&context), name};
    return {};
  case llvm::dwarf::DW_ATE_boolean:
    return {IntegerType::get(&context, 1), name};
  case llvm::dwarf::DW_ATE_signed:
  case llvm::dwarf::DW_ATE_signed_char:
    if (llvm::is_contained({8u, 16u, 32u, 64u}, bits))
      return {IntegerType::get(&context, bits), name};
    return {};
  case llvm::dwarf::DW_ATE_unsigned:
  case llvm::dwarf::DW_ATE_unsigned_char:
    if (llvm::is_contained({8u, 16u, 32u, 64u}, bits))
      return {IntegerType::get(&context, bits, IntegerType::Unsigned), name};
    return {};
  default:
    return {};
  }
}

/// het::in<T>, het::out<T>, het::inout<T>: a typedef of that name in namespace het.
std::optional<KernelParameter::Kind> accessModeOf(const llvm::DIDerivedType *type) {
  if (type->getTag() != llvm::dwarf::DW_TAG_typedef)
    return std::nullopt;
  auto *scope = llvm::dyn_cast_or_null<llvm::DINamespace>(type->getScope());
  if (!scope || scope->getName() != "het")
    return std::nullopt;
  llvm::StringRef name = type->getName();
  if (name.starts_with("in<"))
    return KernelParameter::Kind::In;
  if (name.starts_with("out<"))
    return KernelParameter::Kind::Out;
  if (name.starts_with("inout<"))
    return KernelParameter::Kind::InOut;
  return std::nullopt;
}

const llvm::DIType *stripQualifiersAndTypedefs(const llvm::DIType *type) {
  while (auto *derived = llvm::dyn_cast_or_null<llvm::DIDerivedType>(type)) {
    unsigned tag = derived->getTag();
    if (tag != llvm::dwarf::DW_TAG_const_type && tag != llvm::dwarf::DW_TAG_volatile_type &&
        tag != llvm::dwarf::DW_TAG_restrict_type && tag != llvm::dwarf::DW_TAG_typedef)
      break;
    type = derived->getBaseType();
  }
  return type;
}

const char *kAcceptedParameters = "kernel parameters are buffers (het::in<T>, het::out<T>, het::inout<T>) and "
                                  "scalars, with T one of float, double, bool and the 8- to 64-bit integers";

/// Fills `parameter` from its debug type; false after an error at the parameter.
bool readParameterType(const llvm::DIType *type, KernelParameter &parameter, const KernelSignature &kernel,
                       MLIRContext &context) {
  // Qualifiers on the parameter itself (`const het::in<float> x`) do not change what it is.
  while (auto *derived = llvm::dyn_cast_or_null<llvm::DIDerivedType>(type)) {
    if (std::optional<KernelParameter::Kind> kind = accessModeOf(derived)) {
      parameter.kind = *kind;
      auto *pointer = llvm::dyn_cast_or_null<llvm::DIDerivedType>(stripQualifiersAndTypedefs(derived->getBaseType()));
      auto *element =
          pointer ? llvm::dyn_cast_or_null<llvm::DIBasicType>(stripQualifiersAndTypedefs(pointer->getBaseType()))
                  : nullptr;
      if (element)
        std::tie(parameter.elementType, parameter.cType) = basicType(element, context);
      if (!parameter.elementType) {
        emitError(parameter.loc) << "kernel '" << kernel.name << "': buffer '" << parameter.name
                                 << "' has an element type kernels cannot take; " << kAcceptedParameters;
        return false;
      }
      return true;
    }
    unsigned tag = derived->getTag();
    if (tag == llvm::dwarf::DW_TAG_pointer_type || tag == llvm::dwarf::DW_TAG_reference_type ||
        tag == llvm::dwarf::DW_TAG_rvalue_reference_type) {
      emitError(parameter.loc) << "kernel '" << kernel.name << "': parameter '" << parameter.name
                               << "' is a plain pointer or reference; declare how the kernel uses the buffer "
                                  "with het::in<T>, het::out<T> or het::inout<T>";
      return false;
    }
    if (tag != llvm::dwarf::DW_TAG_const_type && tag != llvm::dwarf::DW_TAG_volatile_type &&
        tag != llvm::dwarf::DW_TAG_typedef)
      break;
    type = derived->getBaseType();
  }
  if (auto *basic = llvm::dyn_cast_or_null<llvm::DIBasicType>(type)) {
    parameter.kind = KernelParameter::Kind::Scalar;
    std::tie(parameter.elementType, parameter.cType) = basicType(basic, context);
    if (parameter.elementType)
      return true;
  }
  emitError(parameter.loc) << "kernel '" << kernel.name << "': parameter '" << parameter.name << "' has type '"
                           << (type ? type->getName() : "") << "'; " << kAcceptedParameters;
  return false;
}

/// The functions marked HET_KERNEL (annotate("het.kernel")), in source order.
std::vector<const llvm::Function *> findKernelFunctions(const llvm::Module &module) {
  std::vector<const llvm::Function *> kernels;
  const llvm::GlobalVariable *annotations = module.getGlobalVariable("llvm.global.annotations");
  if (!annotations || !annotations->hasInitializer())
    return kernels;
  auto *entries = llvm::dyn_cast<llvm::ConstantArray>(annotations->getInitializer());
  if (!entries)
    return kernels;
  for (const llvm::Use &use : entries->operands()) {
    auto *entry = llvm::dyn_cast<llvm::ConstantStruct>(use.get());
    if (!entry || entry->getNumOperands() < 2)
      continue;
    auto *function = llvm::dyn_cast<llvm::Function>(entry->getOperand(0)->stripPointerCasts());
    auto *text = llvm::dyn_cast<llvm::GlobalVariable>(entry->getOperand(1)->stripPointerCasts());
    auto *data =
        text && text->hasInitializer() ? llvm::dyn_cast<llvm::ConstantDataArray>(text->getInitializer()) : nullptr;
    if (function && data && data->isCString() && data->getAsCString() == kKernelAnnotation)
      kernels.push_back(function);
  }
  return kernels;
}

/// Reads each kernel's parameters from its debug information; false after located errors.
bool readSignatures(const llvm::Module &module, llvm::StringRef path, llvm::StringRef userSource, MLIRContext &context,
                    std::vector<KernelSignature> &out) {
  bool ok = true;
  for (const llvm::Function *function : findKernelFunctions(module)) {
    const llvm::DISubprogram *subprogram = function->getSubprogram();
    unsigned line = subprogram ? subprogram->getLine() : 0;
    Location loc = FileLineColLoc::get(&context, path, line, columnOf(userSource, line, function->getName(), "("));
    KernelSignature kernel{function->getName().str(), {}, loc};
    if (!function->getReturnType()->isVoidTy()) {
      emitError(loc) << "kernel '" << kernel.name << "' returns a value; kernels return void and write their "
                     << "results into het::out<T> buffers";
      ok = false;
      continue;
    }
    if (function->isVarArg()) {
      emitError(loc) << "kernel '" << kernel.name << "' is variadic; kernels take a fixed list of parameters";
      ok = false;
      continue;
    }
    std::vector<const llvm::DILocalVariable *> arguments(function->arg_size(), nullptr);
    if (subprogram)
      for (const llvm::DINode *node : subprogram->getRetainedNodes())
        if (auto *variable = llvm::dyn_cast<llvm::DILocalVariable>(node))
          if (variable->getArg() > 0 && variable->getArg() <= arguments.size())
            arguments[variable->getArg() - 1] = variable;
    bool kernelOk = true;
    for (auto [index, variable] : llvm::enumerate(arguments)) {
      if (!variable || variable->getName().empty()) {
        emitError(loc) << "kernel '" << kernel.name << "': parameter " << index + 1
                       << " has no name; every kernel parameter needs one (it names the buffer or scalar)";
        kernelOk = false;
        continue;
      }
      unsigned parameterLine = variable->getLine() ? variable->getLine() : line;
      KernelParameter parameter{variable->getName().str(),
                                KernelParameter::Kind::Scalar,
                                {},
                                {},
                                FileLineColLoc::get(&context, path, parameterLine,
                                                    columnOf(userSource, parameterLine, variable->getName(), ",)="))};
      if (!readParameterType(variable->getType(), parameter, kernel, context)) {
        kernelOk = false;
        continue;
      }
      kernel.parameters.push_back(std::move(parameter));
    }
    // Structs passed by value are split by the ABI: the debug signature then disagrees with the IR's.
    if (kernelOk && kernel.parameters.size() != function->arg_size()) {
      emitError(loc) << "kernel '" << kernel.name << "': " << kAcceptedParameters;
      kernelOk = false;
    }
    ok &= kernelOk;
    if (kernelOk)
      out.push_back(std::move(kernel));
  }
  if (ok && out.empty()) {
    emitError(FileLineColLoc::get(&context, path, 1, 1))
        << "no kernel in " << path << ": mark kernels with HET_KERNEL (include <het/kernel.h>)";
    return false;
  }
  return ok;
}

bool isAllocationFunction(llvm::StringRef name) {
  return llvm::is_contained({"malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign", "memalign",
                             "valloc", "strdup", "alloca"},
                            name) ||
         name.starts_with("_Znw") || name.starts_with("_Zna") || name.starts_with("_Zdl") || name.starts_with("_Zda");
}

/// The C math library the cpu variant may call: the runtime's processes have libm loaded.
bool isHostMathFunction(llvm::StringRef name) {
  static const llvm::StringSet<> names = {
      "expf",  "exp",  "exp2f", "exp2", "logf",   "log",   "log2f",  "log2",  "log10f", "log10", "powf",   "pow",
      "sqrtf", "sqrt", "sinf",  "sin",  "cosf",   "cos",   "tanf",   "tan",   "tanhf",  "tanh",  "fabsf",  "fabs",
      "fminf", "fmin", "fmaxf", "fmax", "fmaf",   "fma",   "floorf", "floor", "ceilf",  "ceil",  "roundf", "round",
      "erff",  "erf",  "atanf", "atan", "atan2f", "atan2", "asinf",  "asin",  "acosf",  "acos",  "sinhf",  "sinh",
      "coshf", "cosh", "fmodf", "fmod", "truncf", "trunc", "expm1f", "expm1", "log1pf", "log1p", "cbrtf",  "cbrt"};
  return names.contains(name);
}

/// Walks what `function` calls, transitively, and reports the first broken rule at its call site.
class RuleChecker {
public:
  RuleChecker(ModuleOp module, bool onDevice) : module(module), onDevice(onDevice) {}

  LogicalResult check(const KernelSignature &kernel) {
    auto function = module.lookupSymbol<LLVM::LLVMFuncOp>(kernel.name);
    if (!function)
      return emitError(kernel.loc) << "kernel '" << kernel.name << "' is missing from the compiled IR";
    path.clear();
    return visit(kernel, function);
  }

private:
  LogicalResult visit(const KernelSignature &kernel, LLVM::LLVMFuncOp function) {
    // Math builtins clang turns into LLVM intrinsics that NVPTX can only lower to library calls, which PTX lacks.
    if (onDevice) {
      WalkResult math = function.walk([&](Operation *op) {
        StringRef name = op->getName().getStringRef();
        if (!name.consume_front("llvm.intr.") ||
            !llvm::is_contained({"exp", "exp10", "log", "log10", "pow", "sin", "cos", "tan", "asin", "acos", "atan",
                                 "atan2", "sinh", "cosh", "tanh"},
                                name))
          return WalkResult::advance();
        emitError(op->getLoc()) << "kernel '" << kernel.name << "' calls '" << name
                                << "', which has no PTX definition: use the het:: math functions of het/kernel.h";
        return WalkResult::interrupt();
      });
      if (math.wasInterrupted())
        return failure();
    }
    path.push_back(function.getSymName());
    WalkResult result = function.walk([&](LLVM::CallOp call) {
      std::optional<StringRef> callee = call.getCallee();
      if (!callee) {
        emitError(call.getLoc()) << "kernel '" << kernel.name << "' calls through a function pointer or a virtual "
                                 << "function; kernels may only make direct calls";
        return WalkResult::interrupt();
      }
      if (callee->starts_with("llvm."))
        return WalkResult::advance();
      if (isAllocationFunction(*callee)) {
        emitError(call.getLoc()) << "kernel '" << kernel.name << "' calls '" << sourceName(*callee)
                                 << "': dynamic allocation is not allowed in kernels; the launch's buffers are "
                                    "their only memory (use het::out<T> buffers or fixed-size local arrays)";
        return WalkResult::interrupt();
      }
      if (llvm::is_contained(path, *callee)) {
        std::string cycle;
        for (StringRef name : llvm::drop_begin(path, llvm::find(path, *callee) - path.begin()))
          cycle += sourceName(name) + " -> ";
        emitError(call.getLoc()) << "kernel '" << kernel.name << "' is recursive (" << cycle << sourceName(*callee)
                                 << "): recursion is not allowed in kernels";
        return WalkResult::interrupt();
      }
      auto target = module.lookupSymbol<LLVM::LLVMFuncOp>(*callee);
      if (!target || target.isExternal()) {
        if (!onDevice && isHostMathFunction(*callee))
          return WalkResult::advance();
        InFlightDiagnostic diagnostic = emitError(call.getLoc()) << "kernel '" << kernel.name << "' calls '"
                                                                 << sourceName(*callee) << "', which ";
        if (onDevice && isHostMathFunction(*callee))
          diagnostic << "has no PTX definition: use the het:: math functions of het/kernel.h";
        else
          diagnostic << "is not defined in the kernel source: kernels may call only functions defined there and "
                        "those of het/kernel.h";
        return WalkResult::interrupt();
      }
      if (!checked.contains(*callee) && failed(visit(kernel, target)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    path.pop_back();
    if (result.wasInterrupted())
      return failure();
    checked.insert(function.getSymName());
    return success();
  }

  ModuleOp module;
  bool onDevice;
  llvm::SmallVector<StringRef> path;
  llvm::StringSet<> checked;
};

/// Imports LLVM IR into the llvm dialect. The importer's warnings (data layout entries MLIR does not model) say
/// nothing about the user's kernels, so they are dropped; errors pass through.
OwningOpRef<ModuleOp> importIR(std::unique_ptr<llvm::Module> module, MLIRContext &context) {
  ScopedDiagnosticHandler dropWarnings(&context, [](Diagnostic &diagnostic) {
    return success(diagnostic.getSeverity() == DiagnosticSeverity::Warning);
  });
  return translateLLVMIRToModule(std::move(module), &context, /*emitExpensiveWarnings=*/false);
}

/// Runs clang on `source` for `triple` and parses the IR it writes; null after printing clang's diagnostics.
std::unique_ptr<llvm::Module> compileToIR(const std::string &clang, llvm::StringRef path, llvm::StringRef source,
                                          llvm::StringRef triple, llvm::LLVMContext &llvmContext) {
  llvm::SmallString<256> directory(path);
  llvm::sys::path::remove_filename(directory);
  std::vector<std::string> arguments = {"-x", "c++", "-std=c++20", "--target=" + triple.str(),
                                        // Optimization-ready IR with no optimization run yet: the rules are
                                        // checked on what the source says, before inlining hides a call.
                                        "-O2", "-Xclang", "-disable-llvm-passes", "-g", "-fno-exceptions", "-fno-rtti",
                                        "-fno-color-diagnostics", "-Werror=vla-cxx-extension",
                                        "-I" + (directory.empty() ? std::string(".") : directory.str().str()), "-S",
                                        "-emit-llvm", "{input}", "-o", "{output}"};
  // The cpu variant is a shared object: its thread-local context must use a TLS model fit for one.
  if (triple.starts_with("x86_64"))
    arguments.push_back("-fPIC");
  llvm::Expected<std::string> ir = runExternalTool(clang, arguments, "kernel.cpp", source, "kernel.ll");
  if (!ir) {
    // clang's located diagnostics are the message; the first line only says that clang failed.
    std::string message = llvm::toString(ir.takeError());
    size_t newline = message.find('\n');
    llvm::errs() << (newline == std::string::npos ? message : message.substr(newline + 1)) << "\n";
    return nullptr;
  }
  llvm::SMDiagnostic error;
  std::unique_ptr<llvm::Module> module = llvm::parseAssemblyString(*ir, error, llvmContext);
  if (!module) {
    llvm::errs() << "hetcc: error: cannot read the LLVM IR clang wrote for " << triple << ": " << error.getMessage()
                 << "\n";
    return nullptr;
  }
  // Code generation picks the CPU level and the CUDA architecture per variant; the defaults clang wrote would win.
  for (llvm::Function &function : *module)
    for (llvm::StringRef attribute : {"target-cpu", "target-features", "tune-cpu"})
      function.removeFnAttr(attribute);
  return module;
}

} // namespace

const KernelSignature *ImportedKernels::find(llvm::StringRef name) const {
  for (const KernelSignature &kernel : kernels)
    if (kernel.name == name)
      return &kernel;
  return nullptr;
}

std::optional<ImportedKernels> importKernelSource(llvm::StringRef path, MLIRContext &context,
                                                  const CompileOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    llvm::errs() << "hetcc: error: cannot read " << path << ": " << buffer.getError().message() << "\n";
    return std::nullopt;
  }
  std::optional<std::string> clang = options.clang.find('/') != std::string::npos
                                         ? findExternalTool(options.clang, options.clang)
                                         : findExternalTool("", options.clang, {"/usr/lib/llvm-22/bin"});
  if (!clang) {
    llvm::errs() << "hetcc: error: C++ kernels need clang ('" << options.clang << "'): install clang-22\n";
    return std::nullopt;
  }
  registerBuiltinDialectTranslation(context);
  registerLLVMDialectImport(context);
  registerLLVMDialectTranslation(context);
  registerNVVMDialectImport(context);
  registerNVVMDialectTranslation(context);
  context.loadDialect<LLVM::LLVMDialect, NVVM::NVVMDialect>();

  ImportedKernels result;
  result.path = path.str();
  llvm::StringRef userSource = (*buffer)->getBuffer();
  result.source = buildCompiledSource(path, userSource);

  // The host IR's debug information gives the kernels' signatures; both IRs are checked against the rules, since
  // each target's headers and builtins may call different functions.
  llvm::LLVMContext llvmContext;
  for (bool onDevice : {false, true}) {
    if (onDevice && !llvm::is_contained(options.targets, "ptx"))
      break;
    std::unique_ptr<llvm::Module> module = compileToIR(
        *clang, path, result.source, onDevice ? "nvptx64-nvidia-cuda" : "x86_64-unknown-linux-gnu", llvmContext);
    if (!module || (!onDevice && !readSignatures(*module, path, userSource, context, result.kernels)))
      return std::nullopt;
    OwningOpRef<ModuleOp> imported = importIR(std::move(module), context);
    if (!imported)
      return std::nullopt;
    RuleChecker rules(*imported, onDevice);
    for (const KernelSignature &kernel : result.kernels)
      if (failed(rules.check(kernel)))
        return std::nullopt;
    (onDevice ? result.device : result.host) = std::move(imported);
  }
  return result;
}

} // namespace het::cpp
