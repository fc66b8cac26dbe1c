// The het ops: kernels, their variants and the host graph.
#ifndef HET_DIALECT_HET_IR_HETOPS_H
#define HET_DIALECT_HET_IR_HETOPS_H

#include "dialects/Het/IR/HetAttrs.h"
#include "dialects/Het/IR/HetDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/Het/IR/HetOps.h.inc"

#endif // HET_DIALECT_HET_IR_HETOPS_H
