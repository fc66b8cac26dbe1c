// Prints a kernel of scf/memref/arith/math ops on static memrefs as a Vitis HLS C++ top function.
#ifndef HET_COMPILER_TARGET_HLS_HLSCPPEMITTER_H
#define HET_COMPILER_TARGET_HLS_HLSCPPEMITTER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <string>

namespace het {

/// What the emitter needs besides the kernel body.
struct HLSKernelInterface {
  /// The name of the top function.
  std::string topName;
  /// How many leading arguments are read-only inputs (`const T *`); the rest are outputs.
  unsigned numInputs = 0;
  /// Per argument, the element type the host sees; an unsigned integer type here makes the pointer unsigned
  /// (the body's memrefs are signless). Empty: the memrefs' own element types.
  llvm::SmallVector<mlir::Type> bindingElementTypes;
  /// The largest total size of the kernel's temporaries (fixed-size local arrays) in bytes.
  int64_t maxTemporaryBytes = 1 << 20;
};

/// Prints `kernel` (one block of scf.for/scf.if, memref.load/store/alloc, arith and math ops on static
/// row-major memrefs) as a self-contained C++ file: `#include <cstdint>` and `<cmath>`, then
/// `extern "C" void <topName>(const float *in0, ..., float *out0)` with an m_axi interface per pointer,
/// s_axilite control, flattened row-major indexing and `#pragma HLS PIPELINE II=1` on innermost loops.
/// Unsupported ops and oversized temporaries are reported as located errors naming the kernel.
mlir::FailureOr<std::string> emitHLSCpp(mlir::func::FuncOp kernel, const HLSKernelInterface &interface);

/// The C-simulation wrapper appended to an emitted top function: `extern "C" void <wrapperName>(void **buffers)`
/// calling the top function with each buffer cast to its pointer type (docs/kernel-abi.md).
std::string emitCSimWrapper(mlir::func::FuncOp kernel, const HLSKernelInterface &interface,
                            llvm::StringRef wrapperName);

} // namespace het

#endif // HET_COMPILER_TARGET_HLS_HLSCPPEMITTER_H
