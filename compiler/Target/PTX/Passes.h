// The passes of the PTX target (declared in Passes.td).
#ifndef HET_COMPILER_TARGET_PTX_PASSES_H
#define HET_COMPILER_TARGET_PTX_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace het {

#define GEN_PASS_DECL
#include "compiler/Target/PTX/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Target/PTX/Passes.h.inc"

} // namespace het

#endif // HET_COMPILER_TARGET_PTX_PASSES_H
