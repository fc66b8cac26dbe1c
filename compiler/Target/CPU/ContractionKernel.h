// Register-blocked lowering of f32 contractions (matmul, batch matmul, stride-1 convolution) on buffers to
// vector-dialect micro-kernels, the CPU target's fast path for the ops that dominate model run time.
#ifndef HET_COMPILER_TARGET_CPU_CONTRACTIONKERNEL_H
#define HET_COMPILER_TARGET_CPU_CONTRACTIONKERNEL_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace het {

/// The register block of one x86-64 level: `lanes` f32 per vector register, at most `accumulators` vector
/// accumulators, and whether the level has fused multiply-add.
struct MicroKernelShape {
  unsigned lanes;
  unsigned accumulators;
  bool fusedMultiplyAdd;
};

/// The shape for an x86-64 psABI level name (x86-64 and -v2: SSE, -v3: AVX2 + FMA, -v4: AVX-512).
MicroKernelShape microKernelShapeFor(llvm::StringRef level);

/// When `op` is a contraction the micro-kernel lowering takes, the loop dimension it blocks by rows (the one a
/// tile should cut in multiples of `rowsPerBlock`), that number of rows, and the dimension of its columns (which a
/// tile should not cut: narrow tiles waste the vector lanes).
struct ContractionRows {
  unsigned dim;
  int64_t rowsPerBlock;
  unsigned columnDim;
};
std::optional<ContractionRows> matchContractionRows(mlir::linalg::LinalgOp op, const MicroKernelShape &shape);

/// Replaces every top-level linalg op of `kernel` that is such a contraction by cache-blocked loops around a
/// register-blocked outer-product micro-kernel (vector loads of the operand walked contiguously by the output,
/// broadcasts of the other, vector.fma into accumulators held in registers over the whole reduction block).
void lowerContractions(mlir::func::FuncOp kernel, const MicroKernelShape &shape);

} // namespace het

#endif // HET_COMPILER_TARGET_CPU_CONTRACTIONKERNEL_H
