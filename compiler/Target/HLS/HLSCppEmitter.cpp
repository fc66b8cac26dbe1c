// Prints a kernel of scf/memref/arith/math ops on static memrefs as a Vitis HLS C++ top function.
#include "compiler/Target/HLS/HLSCppEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

using namespace mlir;

namespace het {
namespace {

bool isHalf(Type type) { return type.isF16() || type.isBF16(); }

/// The C type of a scalar, or "" when C++ has none the kernel ABI allows. `asUnsigned` spells integers unsigned.
std::string cType(Type type, bool asUnsigned = false) {
  if (type.isIndex())
    return asUnsigned ? "uint64_t" : "int64_t";
  if (type.isF32())
    return "float";
  if (type.isF64())
    return "double";
  // The kernels compute float16 and bfloat16 in f32 (the ONNX frontend widens them in integer operations), so
  // a half value is only loaded, stored and bitcast: its 16 bits are all the C++ needs.
  if (isHalf(type))
    return "uint16_t";
  if (auto integer = dyn_cast<IntegerType>(type)) {
    unsigned width = integer.getWidth();
    if (width == 1)
      return asUnsigned ? "uint8_t" : "bool";
    if (width != 8 && width != 16 && width != 32 && width != 64)
      return "";
    bool isUnsigned = asUnsigned || integer.isUnsigned();
    return (isUnsigned ? "uint" : "int") + std::to_string(width) + "_t";
  }
  return "";
}

/// Helpers for ops whose C++ spelling is not one expression of the standard library.
constexpr const char *kPreamble = R"(#include <cmath>
#include <cstdint>
#include <cstring>

// The same bits as another type of the same size (arith.bitcast).
template <typename To, typename From> static inline To het_bitcast(From from) {
  To to;
  std::memcpy(&to, &from, sizeof(to));
  return to;
}

// NaN-propagating maximum and minimum (arith.maximumf / arith.minimumf).
template <typename T> static inline T het_maximum(T a, T b) { return (a != a || b != b) ? a + b : (a > b ? a : b); }
template <typename T> static inline T het_minimum(T a, T b) { return (a != a || b != b) ? a + b : (a < b ? a : b); }
)";

class Emitter {
public:
  Emitter(func::FuncOp kernel, const HLSKernelInterface &interface) : kernel(kernel), interface(interface) {}

  /// The pointer type of argument `index` in the top function's signature.
  std::string pointerType(unsigned index) {
    auto memref = cast<MemRefType>(kernel.getArgumentTypes()[index]);
    Type hostType =
        index < interface.bindingElementTypes.size() ? interface.bindingElementTypes[index] : memref.getElementType();
    // A bool is one byte holding 0 or 1 (docs/kernel-abi.md), which uint8_t spells on every compiler.
    bool isUnsigned = hostType.isUnsignedInteger() || hostType.isInteger(1);
    std::string element = cType(memref.getElementType(), isUnsigned);
    return (index < interface.numInputs ? "const " : "") + element + " *";
  }

  std::string argumentName(unsigned index) {
    return index < interface.numInputs ? "in" + std::to_string(index)
                                       : "out" + std::to_string(index - interface.numInputs);
  }

  FailureOr<std::string> emit() {
    for (auto [index, type] : llvm::enumerate(kernel.getArgumentTypes())) {
      auto memref = dyn_cast<MemRefType>(type);
      if (!memref || !memref.hasStaticShape() || !memref.getLayout().isIdentity() ||
          cType(memref.getElementType()).empty())
        return kernel.emitError("kernel '") << kernel.getSymName() << "': argument type " << type
                                            << " is not a static row-major memref of f16, bf16, f32, f64, i1 to i64";
    }
    os << kPreamble << "\n";
    os << "extern \"C\" void " << interface.topName << "(";
    for (unsigned index = 0; index < kernel.getNumArguments(); ++index) {
      os << (index ? ", " : "") << pointerType(index) << argumentName(index);
      names[kernel.getArgument(index)] = argumentName(index);
    }
    os << ") {\n";
    for (unsigned index = 0; index < kernel.getNumArguments(); ++index)
      os << "#pragma HLS INTERFACE m_axi port=" << argumentName(index) << " offset=slave bundle=gmem" << index << "\n";
    os << "#pragma HLS INTERFACE s_axilite port=return\n";
    if (failed(emitBlock(kernel.getBody().front(), 1)))
      return failure();
    os << "}\n";
    return text;
  }

private:
  LogicalResult fail(Operation *op, const Twine &what) {
    return op->emitError("kernel '") << kernel.getSymName() << "': " << what;
  }

  void indent(int depth) { os.indent(2 * depth); }

  std::string fresh(StringRef prefix) { return (prefix + Twine(counter++)).str(); }

  /// Declares `value` as a new local holding `expression`.
  LogicalResult define(Operation *op, Value value, const std::string &expression, int depth) {
    std::string type = cType(value.getType());
    if (type.empty())
      return fail(op, "values of type " + typeString(value.getType()) + " have no C++ type here");
    std::string name = fresh("v");
    names[value] = name;
    indent(depth);
    os << "const " << type << " " << name << " = " << expression << ";\n";
    return success();
  }

  static std::string typeString(Type type) {
    std::string result;
    llvm::raw_string_ostream stream(result);
    stream << type;
    return result;
  }

  std::string name(Value value) {
    auto found = names.find(value);
    assert(found != names.end() && "value used before it was emitted");
    return found->second;
  }

  /// `name(value)` read as unsigned, for the unsigned arith ops.
  std::string asUnsigned(Value value) { return "(" + cType(value.getType(), /*asUnsigned=*/true) + ")" + name(value); }

  std::string flatIndex(MemRefType type, ValueRange indices) {
    if (indices.empty())
      return "0";
    std::string result;
    int64_t stride = 1;
    for (int dim = type.getRank() - 1; dim >= 0; --dim) {
      if (getConstantIntValue(indices[dim]) == 0) {
        stride *= type.getDimSize(dim);
        continue;
      }
      std::string term = stride == 1 ? name(indices[dim]) : name(indices[dim]) + " * " + std::to_string(stride);
      result = result.empty() ? term : term + " + " + result;
      stride *= type.getDimSize(dim);
    }
    return result.empty() ? "0" : result;
  }

  std::string floatLiteral(const APFloat &value, Type type) {
    bool isFloat = type.isF32();
    double number = value.convertToDouble();
    if (std::isnan(number))
      return isFloat ? "NAN" : "(double)NAN";
    if (std::isinf(number))
      return std::string(number < 0 ? "(-" : "(") + (isFloat ? "INFINITY)" : "(double)INFINITY)");
    // Hexadecimal literals are exact.
    char literal[64];
    std::snprintf(literal, sizeof(literal), number < 0 ? "(%a%s)" : "%a%s", number, isFloat ? "f" : "");
    return literal;
  }

  std::string constantExpression(arith::ConstantOp constant) {
    return scalarLiteral(constant.getValue(), constant.getType());
  }

  std::string scalarLiteral(Attribute value, Type type) {
    if (auto floating = dyn_cast<FloatAttr>(value)) {
      if (isHalf(type))
        return "(uint16_t)" + std::to_string(floating.getValue().bitcastToAPInt().getZExtValue());
      return floatLiteral(floating.getValue(), type);
    }
    auto integer = cast<IntegerAttr>(value);
    if (type.isInteger(1))
      return integer.getValue().isZero() ? "false" : "true";
    int64_t number = integer.getValue().getSExtValue();
    if (number > INT32_MIN && number <= INT32_MAX) {
      std::string literal = number < 0 ? "(" + std::to_string(number) + ")" : std::to_string(number);
      return type.isIndex() || type.isInteger(32) ? literal : "(" + cType(type) + ")" + literal;
    }
    // Through uint64_t, so that INT64_MIN and friends need no special spelling.
    return "(" + cType(type) + ")UINT64_C(" + std::to_string(integer.getValue().getZExtValue()) + ")";
  }

  std::optional<std::string> integerComparison(arith::CmpIOp op) {
    std::string lhs = name(op.getLhs()), rhs = name(op.getRhs());
    std::string ulhs = asUnsigned(op.getLhs()), urhs = asUnsigned(op.getRhs());
    switch (op.getPredicate()) {
    case arith::CmpIPredicate::eq:
      return lhs + " == " + rhs;
    case arith::CmpIPredicate::ne:
      return lhs + " != " + rhs;
    case arith::CmpIPredicate::slt:
      return lhs + " < " + rhs;
    case arith::CmpIPredicate::sle:
      return lhs + " <= " + rhs;
    case arith::CmpIPredicate::sgt:
      return lhs + " > " + rhs;
    case arith::CmpIPredicate::sge:
      return lhs + " >= " + rhs;
    case arith::CmpIPredicate::ult:
      return ulhs + " < " + urhs;
    case arith::CmpIPredicate::ule:
      return ulhs + " <= " + urhs;
    case arith::CmpIPredicate::ugt:
      return ulhs + " > " + urhs;
    case arith::CmpIPredicate::uge:
      return ulhs + " >= " + urhs;
    }
    return std::nullopt;
  }

  std::string floatComparison(arith::CmpFOp op) {
    std::string a = name(op.getLhs()), b = name(op.getRhs());
    std::string unordered = "(std::isnan(" + a + ") || std::isnan(" + b + "))";
    switch (op.getPredicate()) {
    case arith::CmpFPredicate::AlwaysFalse:
      return "false";
    case arith::CmpFPredicate::OEQ:
      return a + " == " + b;
    case arith::CmpFPredicate::OGT:
      return a + " > " + b;
    case arith::CmpFPredicate::OGE:
      return a + " >= " + b;
    case arith::CmpFPredicate::OLT:
      return a + " < " + b;
    case arith::CmpFPredicate::OLE:
      return a + " <= " + b;
    case arith::CmpFPredicate::ONE:
      return "(" + a + " < " + b + " || " + a + " > " + b + ")";
    case arith::CmpFPredicate::ORD:
      return "!" + unordered;
    case arith::CmpFPredicate::UEQ:
      return "!(" + a + " < " + b + " || " + a + " > " + b + ")";
    case arith::CmpFPredicate::UGT:
      return "!(" + a + " <= " + b + ")";
    case arith::CmpFPredicate::UGE:
      return "!(" + a + " < " + b + ")";
    case arith::CmpFPredicate::ULT:
      return "!(" + a + " >= " + b + ")";
    case arith::CmpFPredicate::ULE:
      return "!(" + a + " > " + b + ")";
    case arith::CmpFPredicate::UNE:
      return "!(" + a + " == " + b + ")";
    case arith::CmpFPredicate::UNO:
      return unordered;
    case arith::CmpFPredicate::AlwaysTrue:
      return "true";
    }
    return "false";
  }

  /// Integer add, sub, mul and shl wrap in MLIR; in C++ only unsigned arithmetic does.
  std::string wrappingBinary(Operation *op, StringRef symbol) {
    Type type = op->getResult(0).getType();
    std::string a = name(op->getOperand(0)), b = name(op->getOperand(1));
    if (type.isIndex() || type.isInteger(1))
      return a + " " + symbol.str() + " " + b;
    return "(" + cType(type) + ")(" + asUnsigned(op->getOperand(0)) + " " + symbol.str() + " " +
           asUnsigned(op->getOperand(1)) + ")";
  }

  /// The C++ expression of a one-result op without regions, or std::nullopt if the op is not supported.
  std::optional<std::string> expression(Operation *op) {
    auto operand = [&](unsigned index) { return name(op->getOperand(index)); };
    auto binary = [&](StringRef symbol) { return operand(0) + " " + symbol.str() + " " + operand(1); };
    auto call = [&](StringRef function) {
      std::string result = function.str() + "(";
      for (unsigned index = 0; index < op->getNumOperands(); ++index)
        result += (index ? ", " : "") + operand(index);
      return result + ")";
    };
    Type resultType = op->getResult(0).getType();
    std::string castTo = "(" + cType(resultType) + ")";
    std::string unsignedResult = "(" + cType(resultType, /*asUnsigned=*/true) + ")";
    return llvm::TypeSwitch<Operation *, std::optional<std::string>>(op)
        .Case([&](arith::AddIOp) { return wrappingBinary(op, "+"); })
        .Case([&](arith::SubIOp) { return wrappingBinary(op, "-"); })
        .Case([&](arith::MulIOp) { return wrappingBinary(op, "*"); })
        .Case([&](arith::ShLIOp) { return wrappingBinary(op, "<<"); })
        .Case([&](arith::DivSIOp) { return binary("/"); })
        .Case([&](arith::RemSIOp) { return binary("%"); })
        .Case([&](arith::DivUIOp) {
          return castTo + "(" + asUnsigned(op->getOperand(0)) + " / " + asUnsigned(op->getOperand(1)) + ")";
        })
        .Case([&](arith::RemUIOp) {
          return castTo + "(" + asUnsigned(op->getOperand(0)) + " % " + asUnsigned(op->getOperand(1)) + ")";
        })
        .Case([&](arith::ShRSIOp) { return binary(">>"); })
        .Case([&](arith::ShRUIOp) { return castTo + "(" + asUnsigned(op->getOperand(0)) + " >> " + operand(1) + ")"; })
        .Case([&](arith::AndIOp) { return binary("&"); })
        .Case([&](arith::OrIOp) { return binary("|"); })
        .Case([&](arith::XOrIOp) { return binary("^"); })
        .Case([&](arith::MaxSIOp) { return operand(0) + " > " + operand(1) + " ? " + operand(0) + " : " + operand(1); })
        .Case([&](arith::MinSIOp) { return operand(0) + " < " + operand(1) + " ? " + operand(0) + " : " + operand(1); })
        .Case([&](arith::MaxUIOp) {
          return asUnsigned(op->getOperand(0)) + " > " + asUnsigned(op->getOperand(1)) + " ? " + operand(0) + " : " +
                 operand(1);
        })
        .Case([&](arith::MinUIOp) {
          return asUnsigned(op->getOperand(0)) + " < " + asUnsigned(op->getOperand(1)) + " ? " + operand(0) + " : " +
                 operand(1);
        })
        .Case([&](arith::AddFOp) { return binary("+"); })
        .Case([&](arith::SubFOp) { return binary("-"); })
        .Case([&](arith::MulFOp) { return binary("*"); })
        .Case([&](arith::DivFOp) { return binary("/"); })
        .Case([&](arith::RemFOp) { return call("std::fmod"); })
        .Case([&](arith::NegFOp) { return "-(" + operand(0) + ")"; })
        .Case([&](arith::MaximumFOp) { return call("het_maximum"); })
        .Case([&](arith::MinimumFOp) { return call("het_minimum"); })
        .Case([&](arith::MaxNumFOp) { return call("std::fmax"); })
        .Case([&](arith::MinNumFOp) { return call("std::fmin"); })
        .Case([&](arith::CmpIOp compare) { return integerComparison(compare); })
        .Case([&](arith::CmpFOp compare) { return floatComparison(compare); })
        .Case([&](arith::SelectOp) { return operand(0) + " ? " + operand(1) + " : " + operand(2); })
        .Case<arith::ExtSIOp, arith::TruncIOp, arith::SIToFPOp, arith::FPToSIOp, arith::ExtFOp, arith::TruncFOp,
              arith::IndexCastOp>([&](Operation *) { return castTo + operand(0); })
        .Case<arith::ExtUIOp, arith::UIToFPOp, arith::IndexCastUIOp>(
            [&](Operation *) { return castTo + asUnsigned(op->getOperand(0)); })
        .Case([&](arith::FPToUIOp) { return castTo + unsignedResult + operand(0); })
        .Case([&](arith::BitcastOp) {
          Type from = op->getOperand(0).getType();
          return cType(from) == cType(resultType) ? operand(0)
                                                  : "het_bitcast<" + cType(resultType) + ">(" + operand(0) + ")";
        })
        .Case([&](math::AbsIOp) { return operand(0) + " < 0 ? -(" + operand(0) + ") : " + operand(0); })
        .Case([&](math::RsqrtOp) { return "(" + cType(resultType) + ")1 / std::sqrt(" + operand(0) + ")"; })
        .Case([&](math::IsNaNOp) { return call("std::isnan"); })
        .Case([&](math::IsInfOp) { return call("std::isinf"); })
        .Case([&](math::IsFiniteOp) { return call("std::isfinite"); })
        .Case([&](math::FPowIOp) {
          return "std::pow(" + operand(0) + ", (" + cType(resultType) + ")" + operand(1) + ")";
        })
        .Default([&](Operation *) -> std::optional<std::string> {
          // math ops whose std:: function has the same name and operands.
          StringRef function = llvm::StringSwitch<StringRef>(op->getName().getStringRef())
                                   .Case("math.exp", "std::exp")
                                   .Case("math.exp2", "std::exp2")
                                   .Case("math.expm1", "std::expm1")
                                   .Case("math.log", "std::log")
                                   .Case("math.log2", "std::log2")
                                   .Case("math.log10", "std::log10")
                                   .Case("math.log1p", "std::log1p")
                                   .Case("math.sqrt", "std::sqrt")
                                   .Case("math.cbrt", "std::cbrt")
                                   .Case("math.powf", "std::pow")
                                   .Case("math.sin", "std::sin")
                                   .Case("math.cos", "std::cos")
                                   .Case("math.tan", "std::tan")
                                   .Case("math.asin", "std::asin")
                                   .Case("math.acos", "std::acos")
                                   .Case("math.atan", "std::atan")
                                   .Case("math.atan2", "std::atan2")
                                   .Case("math.sinh", "std::sinh")
                                   .Case("math.cosh", "std::cosh")
                                   .Case("math.tanh", "std::tanh")
                                   .Case("math.asinh", "std::asinh")
                                   .Case("math.acosh", "std::acosh")
                                   .Case("math.atanh", "std::atanh")
                                   .Case("math.erf", "std::erf")
                                   .Case("math.erfc", "std::erfc")
                                   .Case("math.absf", "std::fabs")
                                   .Case("math.floor", "std::floor")
                                   .Case("math.ceil", "std::ceil")
                                   .Case("math.trunc", "std::trunc")
                                   .Case("math.round", "std::round")
                                   .Case("math.roundeven", "std::nearbyint")
                                   .Case("math.fma", "std::fma")
                                   .Case("math.copysign", "std::copysign")
                                   .Default("");
          if (function.empty())
            return std::nullopt;
          return call(function);
        });
  }

  bool isInnermost(scf::ForOp loop) {
    return !loop.getBody()->walk([](scf::ForOp) { return WalkResult::interrupt(); }).wasInterrupted();
  }

  /// Declares mutable locals for `values` (loop-carried values, if results) and returns their names.
  FailureOr<SmallVector<std::string>> declareMutable(Operation *op, ValueRange values, int depth) {
    SmallVector<std::string> declared;
    for (Value value : values) {
      std::string type = cType(value.getType());
      if (type.empty())
        return fail(op, "values of type " + typeString(value.getType()) + " have no C++ type here");
      declared.push_back(fresh("r"));
      indent(depth);
      os << type << " " << declared.back() << ";\n";
    }
    return declared;
  }

  /// Assigns the operands of a terminator to `targets` through temporaries, since an operand may itself be one
  /// of the targets (a loop yielding its carried values in another order).
  void assign(ArrayRef<std::string> targets, ValueRange values, int depth) {
    if (targets.size() == 1) {
      indent(depth);
      os << targets[0] << " = " << name(values[0]) << ";\n";
      return;
    }
    SmallVector<std::string> staged;
    for (Value value : values) {
      staged.push_back(fresh("y"));
      indent(depth);
      os << "const " << cType(value.getType()) << " " << staged.back() << " = " << name(value) << ";\n";
    }
    for (auto [target, value] : llvm::zip(targets, staged)) {
      indent(depth);
      os << target << " = " << value << ";\n";
    }
  }

  LogicalResult emitFor(scf::ForOp loop, int depth) {
    if (!loop.getInductionVar().getType().isIndex())
      return fail(loop, "only scf.for loops over index are supported");
    FailureOr<SmallVector<std::string>> carried = declareMutable(loop, loop.getResults(), depth);
    if (failed(carried))
      return failure();
    for (auto [target, init] : llvm::zip(*carried, loop.getInitArgs())) {
      indent(depth);
      os << target << " = " << name(init) << ";\n";
    }
    std::string iv = fresh("i");
    names[loop.getInductionVar()] = iv;
    for (auto [result, target, iterArg] : llvm::zip(loop.getResults(), *carried, loop.getRegionIterArgs())) {
      names[result] = target;
      names[iterArg] = target;
    }
    indent(depth);
    std::string increment = getConstantIntValue(loop.getStep()) == 1 ? "++" + iv : iv + " += " + name(loop.getStep());
    os << "for (int64_t " << iv << " = " << name(loop.getLowerBound()) << "; " << iv << " < "
       << name(loop.getUpperBound()) << "; " << increment << ") {\n";
    if (isInnermost(loop))
      os << "#pragma HLS PIPELINE II=1\n";
    if (failed(emitBlock(*loop.getBody(), depth + 1)))
      return failure();
    auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
    if (!carried->empty())
      assign(*carried, yield.getOperands(), depth + 1);
    indent(depth);
    os << "}\n";
    return success();
  }

  LogicalResult emitIf(scf::IfOp branch, int depth) {
    FailureOr<SmallVector<std::string>> results = declareMutable(branch, branch.getResults(), depth);
    if (failed(results))
      return failure();
    for (auto [result, target] : llvm::zip(branch.getResults(), *results))
      names[result] = target;
    auto emitRegion = [&](Region &region) -> LogicalResult {
      if (failed(emitBlock(region.front(), depth + 1)))
        return failure();
      if (!results->empty())
        assign(*results, region.front().getTerminator()->getOperands(), depth + 1);
      return success();
    };
    indent(depth);
    os << "if (" << name(branch.getCondition()) << ") {\n";
    if (failed(emitRegion(branch.getThenRegion())))
      return failure();
    if (!branch.getElseRegion().empty()) {
      indent(depth);
      os << "} else {\n";
      if (failed(emitRegion(branch.getElseRegion())))
        return failure();
    }
    indent(depth);
    os << "}\n";
    return success();
  }

  LogicalResult emitTemporary(Operation *alloc, int depth) {
    auto type = cast<MemRefType>(alloc->getResult(0).getType());
    std::string element = cType(type.getElementType());
    if (!type.hasStaticShape() || !type.getLayout().isIdentity() || element.empty())
      return fail(alloc, "temporary " + typeString(type) + " is not a static row-major memref of a C++ type");
    temporaryBytes += type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
    if (temporaryBytes > interface.maxTemporaryBytes)
      return fail(alloc, "its temporaries need " + std::to_string(temporaryBytes) + " bytes, more than the " +
                             std::to_string(interface.maxTemporaryBytes) +
                             " bytes of on-chip memory an HLS kernel may use here");
    std::string name = fresh("t");
    names[alloc->getResult(0)] = name;
    indent(depth);
    os << element << " " << name << "[" << std::max<int64_t>(1, type.getNumElements()) << "];\n";
    return success();
  }

  /// A constant the partitioner cloned into the kernel, bufferized into a memref.global, becomes a read-only
  /// array in the function: on-chip ROM for HLS.
  LogicalResult emitGlobal(memref::GetGlobalOp getGlobal, int depth) {
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(getGlobal, getGlobal.getNameAttr());
    auto type = getGlobal.getType();
    std::string element = cType(type.getElementType());
    auto values = global ? dyn_cast_or_null<DenseElementsAttr>(global.getConstantInitValue()) : nullptr;
    if (!values || !type.hasStaticShape() || element.empty())
      return fail(getGlobal, "constant " + typeString(type) + " is not a dense, static array of a C++ type");
    std::string name = fresh("c");
    names[getGlobal.getResult()] = name;
    indent(depth);
    os << "static const " << element << " " << name << "[" << std::max<int64_t>(1, type.getNumElements()) << "] = {";
    int64_t index = 0;
    for (Attribute value : values.getValues<Attribute>())
      os << (index++ ? ", " : "") << scalarLiteral(value, type.getElementType());
    os << "};\n";
    return success();
  }

  LogicalResult emitOp(Operation &op, int depth) {
    if (auto getGlobal = dyn_cast<memref::GetGlobalOp>(op))
      return emitGlobal(getGlobal, depth);
    if (auto loop = dyn_cast<scf::ForOp>(op))
      return emitFor(loop, depth);
    if (auto branch = dyn_cast<scf::IfOp>(op))
      return emitIf(branch, depth);
    if (isa<memref::AllocOp, memref::AllocaOp>(op))
      return emitTemporary(&op, depth);
    if (isa<memref::DeallocOp, scf::YieldOp>(op))
      return success();
    if (isa<func::ReturnOp>(op)) {
      if (depth != 1) {
        indent(depth);
        os << "return;\n";
      }
      return success();
    }
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      std::string element = name(load.getMemRef()) + "[" + flatIndex(load.getMemRefType(), load.getIndices()) + "]";
      if (load.getType().isInteger(1))
        element = "(" + element + " != 0)";
      return define(&op, load.getResult(), element, depth);
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      indent(depth);
      os << name(store.getMemRef()) << "[" << flatIndex(store.getMemRefType(), store.getIndices())
         << "] = " << name(store.getValueToStore()) << ";\n";
      return success();
    }
    if (auto constant = dyn_cast<arith::ConstantOp>(op))
      if (isa<FloatAttr, IntegerAttr>(constant.getValue()) && !cType(constant.getType()).empty()) {
        // Literals read better, and let HLS see constant trip counts, where they are used.
        names[constant.getResult()] = constantExpression(constant);
        return success();
      }
    if (op.getNumRegions() == 0 && op.getNumResults() == 1 && !isa<arith::BitcastOp, arith::SelectOp>(op) &&
        (llvm::any_of(op.getOperandTypes(), isHalf) || isHalf(op.getResult(0).getType())))
      return fail(&op, "'" + op.getName().getStringRef() +
                           "' on f16 or bf16 values is not supported: the C++ holds their bits as uint16_t, so they "
                           "must be widened to f32 (as the ONNX frontend does) before arithmetic");
    if (op.getNumRegions() == 0 && op.getNumResults() == 1)
      if (std::optional<std::string> text = expression(&op))
        return define(&op, op.getResult(0), *text, depth);
    return fail(&op, "the HLS C++ emitter does not support '" + op.getName().getStringRef() + "'");
  }

  LogicalResult emitBlock(Block &block, int depth) {
    for (Operation &op : block)
      if (failed(emitOp(op, depth)))
        return failure();
    return success();
  }

  func::FuncOp kernel;
  const HLSKernelInterface &interface;
  std::string text;
  llvm::raw_string_ostream os{text};
  llvm::DenseMap<Value, std::string> names;
  unsigned counter = 0;
  int64_t temporaryBytes = 0;
};

} // namespace

FailureOr<std::string> emitHLSCpp(func::FuncOp kernel, const HLSKernelInterface &interface) {
  return Emitter(kernel, interface).emit();
}

std::string emitCSimWrapper(func::FuncOp kernel, const HLSKernelInterface &interface, StringRef wrapperName) {
  Emitter emitter(kernel, interface);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "\n// C simulation entry (docs/kernel-abi.md): binding i is buffers[i].\n";
  os << "extern \"C\" void " << wrapperName << "(void **buffers) {\n  " << interface.topName << "(";
  for (unsigned index = 0; index < kernel.getNumArguments(); ++index)
    os << (index ? ", " : "") << "(" << emitter.pointerType(index) << ")buffers[" << index << "]";
  os << ");\n}\n";
  return text;
}

} // namespace het
