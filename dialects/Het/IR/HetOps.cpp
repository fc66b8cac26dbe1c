// Verifiers and custom assembly of the het ops.
#include "dialects/Het/IR/HetOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace het;

// The format reads as a bare keyword in `format(...)`, where the attribute's
// own `#het.format<...>` spelling would only be noise.
static ParseResult parseImageFormat(OpAsmParser &parser,
                                    ImageFormatAttr &format) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  if (std::optional<ImageFormat> value = symbolizeImageFormat(keyword)) {
    format = ImageFormatAttr::get(parser.getContext(), *value);
    return success();
  }
  InFlightDiagnostic diag = parser.emitError(loc)
                            << "unknown image format '" << keyword
                            << "'; expected one of ";
  for (uint32_t value = 0; value <= getMaxEnumValForImageFormat(); ++value)
    diag << (value ? ", " : "")
         << stringifyImageFormat(static_cast<ImageFormat>(value));
  return diag;
}

static void printImageFormat(OpAsmPrinter &printer, Operation *,
                             ImageFormatAttr format) {
  printer << stringifyImageFormat(format.getValue());
}

#define GET_OP_CLASSES
#include "dialects/Het/IR/HetOps.cpp.inc"

//===----------------------------------------------------------------------===//
// ExecutableOp
//===----------------------------------------------------------------------===//

LogicalResult ExecutableOp::verifyRegions() {
  FunctionType signature = getFunctionType();
  for (auto [index, type] : llvm::enumerate(signature.getInputs()))
    if (!isa<RankedTensorType>(type))
      return emitOpError() << "@" << getSymName() << ": input #" << index
                           << " has type " << type
                           << "; kernel bindings must be ranked tensors";
  for (auto [index, type] : llvm::enumerate(signature.getResults()))
    if (!isa<RankedTensorType>(type))
      return emitOpError() << "@" << getSymName() << ": result #" << index
                           << " has type " << type
                           << "; kernel bindings must be ranked tensors";
  if (signature.getNumResults() == 0)
    return emitOpError() << "@" << getSymName()
                         << " has no results; a kernel must write at least "
                            "one tensor";

  SmallVector<VariantOp> variants;
  for (Operation &op : *getBody()) {
    auto variant = dyn_cast<VariantOp>(op);
    if (!variant)
      return op.emitOpError()
             << "is not allowed in het.executable @" << getSymName()
             << ", which holds only het.variant ops";
    // The runtime picks a variant by target and format, so a second one with
    // both equal could never be chosen.
    for (VariantOp earlier : variants)
      if (earlier.getTarget() == variant.getTarget() &&
          earlier.getFormat() == variant.getFormat())
        return variant.emitOpError()
               << "@" << variant.getSymName() << " repeats @"
               << earlier.getSymName() << ": both are "
               << stringifyImageFormat(variant.getFormat()) << " for "
               << variant.getTarget();
    variants.push_back(variant);
  }
  if (variants.empty())
    return emitOpError() << "@" << getSymName()
                         << " has no variants; it needs at least one "
                            "het.variant";
  return success();
}

//===----------------------------------------------------------------------===//
// VariantOp
//===----------------------------------------------------------------------===//

// Lists formats as "a", "a or b", "a, b or c".
static std::string joinFormats(ArrayRef<ImageFormat> formats) {
  std::string joined;
  for (auto [index, format] : llvm::enumerate(formats)) {
    if (index > 0)
      joined += index + 1 == formats.size() ? " or " : ", ";
    joined += stringifyImageFormat(format);
  }
  return joined;
}

LogicalResult VariantOp::verify() {
  auto emitVariantError = [&]() {
    return emitOpError() << "@" << getSymName() << ": ";
  };

  TargetAttrInterface target = getTarget();
  if (!llvm::is_contained(target.getImageFormats(), getFormat()))
    return emitVariantError()
           << "format " << stringifyImageFormat(getFormat())
           << " does not suit target " << target << ", which takes "
           << joinFormats(target.getImageFormats());

  if (getEntryPoint().empty())
    return emitVariantError() << "entry point must not be empty";

  for (auto [name, sizes] :
       {std::pair{"grid", getGrid()}, std::pair{"block", getBlock()}}) {
    if (!sizes)
      continue;
    if (sizes->empty() || sizes->size() > 3)
      return emitVariantError()
             << name << " needs 1 to 3 dimensions, found " << sizes->size();
    for (auto [index, size] : llvm::enumerate(*sizes))
      if (size <= 0)
        return emitVariantError() << name << " dimension #" << index << " is "
                                  << size << "; sizes must be positive";
  }

  if (getBlock() && target.getTargetKind() != "ptx")
    return emitVariantError() << "block sizes apply only to ptx targets, not "
                                 "to "
                              << target.getTargetKind();

  bool hasImage = getImage() && !getImage()->empty();
  bool hasBody = !getBody().empty() && !getBody().front().empty();
  if (!hasImage && !hasBody)
    return emitVariantError()
           << "holds neither an image nor a body; give it image(\"...\") or "
              "a region with the kernel's source IR";
  return success();
}

//===----------------------------------------------------------------------===//
// GraphOp
//===----------------------------------------------------------------------===//

ParseResult GraphOp::parse(OpAsmParser &parser, OperationState &result) {
  auto buildFunctionType =
      [](Builder &builder, ArrayRef<Type> argTypes, ArrayRef<Type> results,
         function_interface_impl::VariadicFlag,
         std::string &) { return builder.getFunctionType(argTypes, results); };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false,
      getFunctionTypeAttrName(result.name), buildFunctionType,
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void GraphOp::print(OpAsmPrinter &printer) {
  function_interface_impl::printFunctionOp(
      printer, *this, /*isVariadic=*/false, getFunctionTypeAttrName(),
      getArgAttrsAttrName(), getResAttrsAttrName());
}

LogicalResult GraphOp::verifyRegions() {
  if (isExternal())
    return emitOpError() << "@" << getSymName()
                         << " has no body; a graph needs one block ending in "
                            "het.return";
  if (!getBody().hasOneBlock())
    return emitOpError() << "@" << getSymName()
                         << " must have a single block, found "
                         << getBody().getBlocks().size();

  // Constants are packaged by name, so a name must identify one tensor.
  llvm::StringMap<ConstantOp> constantsByName;
  for (Operation &op : getBody().front()) {
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      auto [entry, inserted] =
          constantsByName.try_emplace(constant.getName(), constant);
      if (!inserted) {
        InFlightDiagnostic diag =
            constant.emitOpError()
            << "name \"" << constant.getName()
            << "\" is already used by another constant in @" << getSymName();
        diag.attachNote(entry->second.getLoc()) << "first used here";
        return diag;
      }
      continue;
    }
    if (isa<DispatchOp, ReturnOp>(op))
      continue;
    return op.emitOpError() << "is not allowed in het.graph @" << getSymName()
                            << ", which holds only het.constant, "
                               "het.dispatch and het.return";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  if (getName().empty())
    return emitOpError() << "name must not be empty; it identifies the "
                            "constant in the packaged module";
  return success();
}

//===----------------------------------------------------------------------===//
// DispatchOp
//===----------------------------------------------------------------------===//

// A dynamic dimension on either side matches any size: a kernel compiled for
// dynamic shapes accepts static tensors, and a static kernel may be fed a
// tensor whose size is only known at run time.
static bool areCompatibleBindings(Type found, Type expected) {
  return getElementTypeOrSelf(found) == getElementTypeOrSelf(expected) &&
         succeeded(verifyCompatibleShape(found, expected));
}

LogicalResult DispatchOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  FlatSymbolRefAttr calleeName = getCalleeAttr();
  Operation *callee = symbolTable.lookupNearestSymbolFrom(*this, calleeName);
  if (!callee)
    return emitOpError() << "callee " << calleeName << " does not exist";
  auto executable = dyn_cast<ExecutableOp>(callee);
  if (!executable)
    return emitOpError() << "callee " << calleeName
                         << " is not a het.executable but a '"
                         << callee->getName() << "'";

  FunctionType signature = executable.getFunctionType();
  if (getOperands().size() != signature.getNumInputs())
    return emitOpError() << "passes " << getOperands().size()
                         << " operands but " << calleeName << " takes "
                         << signature.getNumInputs();
  for (auto [index, found, expected] :
       llvm::enumerate(getOperands().getTypes(), signature.getInputs()))
    if (!areCompatibleBindings(found, expected))
      return emitOpError() << "operand #" << index << " has type " << found
                           << " but " << calleeName << " expects " << expected;

  if (getResults().size() != signature.getNumResults())
    return emitOpError() << "has " << getResults().size() << " results but "
                         << calleeName << " produces "
                         << signature.getNumResults();
  for (auto [index, found, expected] :
       llvm::enumerate(getResults().getTypes(), signature.getResults()))
    if (!areCompatibleBindings(found, expected))
      return emitOpError() << "result #" << index << " has type " << found
                           << " but " << calleeName << " produces " << expected;
  return success();
}

//===----------------------------------------------------------------------===//
// ReturnOp
//===----------------------------------------------------------------------===//

LogicalResult ReturnOp::verify() {
  auto graph = cast<GraphOp>((*this)->getParentOp());
  ArrayRef<Type> resultTypes = graph.getResultTypes();
  if (getOperands().size() != resultTypes.size())
    return emitOpError() << "returns " << getOperands().size()
                         << " values but @" << graph.getSymName() << " has "
                         << resultTypes.size() << " results";
  for (auto [index, found, expected] :
       llvm::enumerate(getOperands().getTypes(), resultTypes))
    if (found != expected)
      return emitOpError() << "operand #" << index << " has type " << found
                           << " but @" << graph.getSymName() << " returns "
                           << expected;
  return success();
}
