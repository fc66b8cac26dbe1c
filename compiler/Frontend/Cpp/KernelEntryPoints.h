// The entry points hetcc generates around a C++ kernel, one per target, following docs/kernel-abi.md: they map the
// launch's bindings to the kernel's parameters and walk its index space.
#ifndef HET_COMPILER_FRONTEND_CPP_KERNELENTRYPOINTS_H
#define HET_COMPILER_FRONTEND_CPP_KERNELENTRYPOINTS_H

#include "compiler/Frontend/Cpp/CppKernels.h"

namespace het::cpp {

/// The name of the binding that carries a standalone kernel's index space (int64[3]: x, y, z extents).
constexpr llvm::StringLiteral kGridBindingName = "het.grid";

/// How an instance's bindings map to its kernel's parameters: the grid binding (standalone kernels) first, then
/// the read buffers and scalars, then the written buffers, each in parameter order.
struct BindingPlan {
  struct Binding {
    std::string name;
    /// The kernel parameter it feeds; -1 for the grid binding.
    int parameter = -1;
  };
  llvm::SmallVector<Binding> bindings;
  /// Per kernel parameter: its binding, or -1 for a scalar fixed at compile time.
  llvm::SmallVector<int> parameterBinding;
  unsigned readCount = 0;
  bool hasGridBinding() const { return !bindings.empty() && bindings.front().parameter < 0; }
};

BindingPlan planBindings(const KernelInstance &instance);

/// Turns a clone of the host IR into the cpu variant's module: the kernel becomes `<name>.body` and the entry
/// `void <name>(void **buffers, int64_t tile_begin, int64_t tile_end)` runs tile t of `tiles` over the
/// points [t*N/tiles, (t+1)*N/tiles) of the flattened index space of N points, row by row along x.
mlir::LogicalResult addCpuEntryPoint(mlir::ModuleOp module, const KernelInstance &instance, const BindingPlan &plan,
                                     int64_t tiles);

/// Turns a clone of the device IR into the ptx variant's module: the kernel becomes `<name>.body` and the entry
/// `.entry <name>(buffer pointers...)` runs one thread per point; threads outside the index space do nothing.
mlir::LogicalResult addPtxEntryPoint(mlir::ModuleOp module, const KernelInstance &instance, const BindingPlan &plan);

/// The Vitis HLS C++ of the hls variant: the kernel source, then `extern "C" void <topName>(buffers...)` with an
/// m_axi interface per buffer that iterates the index space and calls the kernel at every point.
std::string emitHlsSource(const ImportedKernels &kernels, const KernelInstance &instance, const BindingPlan &plan,
                          llvm::StringRef topName);

/// The C-simulation entry `void <wrapperName>(void **buffers)` appended to the HLS source for the host build.
std::string emitCSimEntryPoint(const KernelInstance &instance, const BindingPlan &plan, llvm::StringRef topName,
                               llvm::StringRef wrapperName);

} // namespace het::cpp

#endif // HET_COMPILER_FRONTEND_CPP_KERNELENTRYPOINTS_H
