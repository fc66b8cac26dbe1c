// The passes of the HLS target (declared in Passes.td).
#ifndef HET_COMPILER_TARGET_HLS_PASSES_H
#define HET_COMPILER_TARGET_HLS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace het {

#define GEN_PASS_DECL
#include "compiler/Target/HLS/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Target/HLS/Passes.h.inc"

} // namespace het

#endif // HET_COMPILER_TARGET_HLS_PASSES_H
