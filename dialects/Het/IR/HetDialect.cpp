// Registration of the het dialect; its attributes and their verifiers.
#include "dialects/Het/IR/HetDialect.h"
#include "dialects/Het/IR/HetAttrs.h"
#include "dialects/Het/IR/HetOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace het;

#include "dialects/Het/IR/HetDialect.cpp.inc"
#include "dialects/Het/IR/HetEnums.cpp.inc"
#include "dialects/Het/IR/HetInterfaces.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Het/IR/HetAttrs.cpp.inc"

void HetDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Het/IR/HetAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/Het/IR/HetOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// CPUTargetAttr
//===----------------------------------------------------------------------===//

// The psABI micro-architecture levels: what the runtime can test with cpuid
// and what clang accepts as -march.
static constexpr StringLiteral CPUFeatureLevels[] = {"x86-64", "x86-64-v2",
                                                     "x86-64-v3", "x86-64-v4"};
static constexpr ImageFormat CPUImageFormats[] = {ImageFormat::Elf};

LogicalResult
CPUTargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      StringRef featureLevel) {
  if (llvm::is_contained(CPUFeatureLevels, featureLevel))
    return success();
  return emitError() << "unknown x86-64 feature level \"" << featureLevel
                     << "\"; expected one of "
                     << llvm::join(ArrayRef(CPUFeatureLevels), ", ");
}

StringRef CPUTargetAttr::getTargetKind() const { return "cpu"; }

ArrayRef<ImageFormat> CPUTargetAttr::getImageFormats() const {
  return CPUImageFormats;
}

//===----------------------------------------------------------------------===//
// PTXTargetAttr
//===----------------------------------------------------------------------===//

static constexpr ImageFormat PTXImageFormats[] = {ImageFormat::Ptx,
                                                  ImageFormat::Cubin};

LogicalResult
PTXTargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      StringRef arch) {
  // ptxas names architecture-specific ("a") and family ("f") targets with a
  // one-letter suffix, e.g. sm_90a, sm_100f.
  StringRef version = arch;
  bool wellFormed = version.consume_front("sm_");
  if (version.ends_with("a") || version.ends_with("f"))
    version = version.drop_back();
  wellFormed =
      wellFormed && !version.empty() && llvm::all_of(version, llvm::isDigit);
  if (wellFormed)
    return success();
  return emitError() << "PTX architecture \"" << arch
                     << "\" is not of the form sm_<number> with an optional "
                        "'a' or 'f' suffix, e.g. sm_80, sm_90a";
}

StringRef PTXTargetAttr::getTargetKind() const { return "ptx"; }

ArrayRef<ImageFormat> PTXTargetAttr::getImageFormats() const {
  return PTXImageFormats;
}

//===----------------------------------------------------------------------===//
// HLSTargetAttr
//===----------------------------------------------------------------------===//

static constexpr ImageFormat HLSImageFormats[] = {
    ImageFormat::HlsCpp, ImageFormat::HlsCsim, ImageFormat::Xclbin};

LogicalResult
HLSTargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      StringRef part) {
  if (!part.empty())
    return success();
  return emitError() << "HLS part must not be empty; give the Xilinx part "
                        "number, e.g. \"xcu250-figd2104-2L-e\"";
}

StringRef HLSTargetAttr::getTargetKind() const { return "hls"; }

ArrayRef<ImageFormat> HLSTargetAttr::getImageFormats() const {
  return HLSImageFormats;
}
