// What the PTX and HLS targets share about a variant's body: finding its kernel function and lowering its
// linalg ops to loops.
#ifndef HET_COMPILER_TARGET_KERNELBODY_KERNELBODY_H
#define HET_COMPILER_TARGET_KERNELBODY_KERNELBODY_H

#include "dialects/Het/IR/HetOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LLVM.h"

namespace het {

/// The kernel function in a variant's body module: the one named `name`, else the only one; null if neither.
mlir::func::FuncOp findKernelFunction(VariantOp variant, llvm::StringRef name);

/// The buffer a view was taken of: a kernel argument or a temporary. Bindings never alias (docs/kernel-abi.md),
/// so two values can overlap only if they share this root.
mlir::Value rootBuffer(mlir::Value value);

/// How linalg ops become loops: every dimension scf.for, or parallel dimensions as scf.parallel (reduction
/// dimensions stay scf.for inside).
enum class LoopKind { Sequential, Parallel };

/// Lowers every linalg op of `kernel`, and memref.copy as linalg.copy, to loop nests of loads and stores. Ops on
/// tensors are located errors naming the kernel and `targetName`.
mlir::LogicalResult lowerLinalgToLoops(mlir::func::FuncOp kernel, LoopKind kind, llvm::StringRef targetName);

} // namespace het

#endif // HET_COMPILER_TARGET_KERNELBODY_KERNELBODY_H
