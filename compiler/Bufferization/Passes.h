// The kernel bufferization pass, declared from Passes.td.
#ifndef HET_COMPILER_BUFFERIZATION_PASSES_H
#define HET_COMPILER_BUFFERIZATION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace het {

#define GEN_PASS_DECL
#include "compiler/Bufferization/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Bufferization/Passes.h.inc"

} // namespace het

#endif // HET_COMPILER_BUFFERIZATION_PASSES_H
