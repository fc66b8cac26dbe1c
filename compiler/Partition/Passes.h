// The partitioning pass, declared from Passes.td.
#ifndef HET_COMPILER_PARTITION_PASSES_H
#define HET_COMPILER_PARTITION_PASSES_H

#include "dialects/Het/IR/HetDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace het {

#define GEN_PASS_DECL
#include "compiler/Partition/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Partition/Passes.h.inc"

} // namespace het

#endif // HET_COMPILER_PARTITION_PASSES_H
