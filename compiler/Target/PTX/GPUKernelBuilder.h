// Turns a kernel body on static memrefs into one GPU kernel function, and says how to launch it.
#ifndef HET_COMPILER_TARGET_PTX_GPUKERNELBUILDER_H
#define HET_COMPILER_TARGET_PTX_GPUKERNELBUILDER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LLVM.h"

#include <array>
#include <cstdint>

namespace het {

/// Launch dimensions of a built kernel (x, y, z).
struct GPULaunchSizes {
  std::array<int64_t, 3> grid;
  std::array<int64_t, 3> block;
};

/// Replaces `kernel` (a func.func of linalg/memref/arith/math ops on static memrefs, returning nothing) by a
/// `gpu.module @<entryPoint>_module` holding one `gpu.func @<entryPoint>` kernel with the same arguments, and
/// marks the enclosing module `gpu.container_module`.
///
/// A body that lowers to one parallel loop nest without temporaries runs one thread per iteration, `blockSize`
/// threads per block. Any other body runs in one block whose threads split each parallel nest and meet at a
/// barrier after it; sequential top-level loops run on thread 0; `memref.alloc` temporaries become shared memory.
/// Transcendental math is expanded into polynomials in f32 so the kernel needs no libdevice.
/// Unsupported bodies are reported as located errors naming the kernel.
mlir::FailureOr<GPULaunchSizes> buildGPUKernel(mlir::func::FuncOp kernel, llvm::StringRef entryPoint,
                                               int64_t blockSize);

} // namespace het

#endif // HET_COMPILER_TARGET_PTX_GPUKERNELBUILDER_H
