// Import-time constant folding: the ops a node produced from constants alone (shape arithmetic, Range bounds,
// ConstantOfShape shapes) become arith.constant, so later nodes can take them as compile-time inputs.
#ifndef HET_COMPILER_FRONTEND_ONNX_CONSTANTFOLDING_H
#define HET_COMPILER_FRONTEND_ONNX_CONSTANTFOLDING_H

#include "mlir/IR/Block.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"

namespace het::frontend {

/// Most elements (and iterations of a linalg op) a folded op may have: shape computations are small, and
/// folding a large tensor would only move work from the device into the binary.
constexpr int64_t kMaxFoldedElements = 1 << 16;

/// Folds, in order, the ops from `first` to the end of its block whose operands are all constants (linalg.fill
/// of a constant, and tensor.empty, count as constants but stay) into arith.constant. The replaced ops are left
/// without uses for the caller to erase; returns each replaced value with its replacement, for whoever still
/// holds the old values.
llvm::DenseMap<mlir::Value, mlir::Value> foldConstantOps(mlir::Operation *first);

} // namespace het::frontend

#endif // HET_COMPILER_FRONTEND_ONNX_CONSTANTFOLDING_H
