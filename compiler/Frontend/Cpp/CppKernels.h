// The C++ kernel frontend: kernels written against include/het/kernel.h, compiled by clang to LLVM IR, imported
// into MLIR and packaged as het.executables with cpu, ptx and hls variants (docs/kernel-language.md).
#ifndef HET_COMPILER_FRONTEND_CPP_CPPKERNELS_H
#define HET_COMPILER_FRONTEND_CPP_CPPKERNELS_H

#include "compiler/Frontend/ONNX/ONNXImporter.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace het::cpp {

/// One parameter of a kernel as the source declares it.
struct KernelParameter {
  enum class Kind { In, Out, InOut, Scalar };
  std::string name;
  Kind kind = Kind::Scalar;
  /// The element type (buffers) or the value type (scalars); unsigned integers are IntegerType::Unsigned, bool is
  /// i1 (one byte in memory).
  mlir::Type elementType;
  /// How C++ spells it: "float", "uint8_t", "bool", ...
  std::string cType;
  mlir::Location loc;

  bool isBuffer() const { return kind != Kind::Scalar; }
  bool isWritten() const { return kind == Kind::Out || kind == Kind::InOut; }
};

struct KernelSignature {
  std::string name;
  std::vector<KernelParameter> parameters;
  mlir::Location loc;
};

struct CompileOptions {
  std::vector<std::string> targets = {"cpu", "ptx", "hls"};
  std::vector<std::string> cpuLevels = {"x86-64", "x86-64-v4"};
  std::vector<std::string> cudaArchs = {"sm_80", "sm_90"};
  std::string fpgaPart = "xcu250-figd2104-2L-e";
  /// The C++ compiler that compiles kernels to LLVM IR and IR to objects; found on PATH or in LLVM's bin folder.
  std::string clang = "clang-22";
};

/// A kernel source compiled to LLVM IR and imported: `host` is the x86-64 IR in the llvm dialect, `device` the
/// nvptx64 IR (null when ptx is not among the targets), `source` the text every target compiles (het/kernel.h
/// inlined, then the user's file under its own name, so that lines and columns are the user's).
struct ImportedKernels {
  std::string path;
  std::string source;
  mlir::OwningOpRef<mlir::ModuleOp> host;
  mlir::OwningOpRef<mlir::ModuleOp> device;
  std::vector<KernelSignature> kernels;

  const KernelSignature *find(llvm::StringRef name) const;
};

/// Compiles `path` with clang for every target, imports the IR, reads each HET_KERNEL's signature from its debug
/// information and checks the kernel rules (no recursion, no dynamic allocation, only defined functions).
/// Returns std::nullopt after located diagnostics (clang's own, or `path:LINE:COL: error: kernel 'k' ...`).
std::optional<ImportedKernels> importKernelSource(llvm::StringRef path, mlir::MLIRContext &context,
                                                  const CompileOptions &options);

/// How one packaged kernel is launched: a standalone kernel takes its index space from a leading `het.grid`
/// binding (int64[3]) and its scalars from 0-d bindings; a kernel bound to an ONNX node has both fixed at compile
/// time, so its bindings are exactly the node's inputs and outputs.
struct KernelInstance {
  const KernelSignature *kernel = nullptr;
  /// The executable's name.
  std::string name;
  std::optional<std::array<int64_t, 3>> fixedGrid;
  /// Scalar parameter name -> its value (an IntegerAttr or FloatAttr of the parameter's type).
  llvm::StringMap<mlir::TypedAttr> fixedScalars;
  /// Static shapes of the buffer parameters, by name; a buffer without one is 1-D of dynamic size.
  llvm::StringMap<llvm::SmallVector<int64_t>> shapes;
};

/// Adds to `module` one het.executable per instance with a variant per requested target: ELF objects per cpu
/// level, PTX per CUDA architecture (and a cubin where ptxas is installed, which must accept the PTX), Vitis HLS
/// C++ and its C-simulation object.
mlir::LogicalResult compileKernelInstances(const ImportedKernels &kernels, llvm::ArrayRef<KernelInstance> instances,
                                           mlir::ModuleOp module, const CompileOptions &options);

/// The module of `hetcc kernels.cpp`: every kernel of the source as a standalone instance, and an empty het.graph.
mlir::OwningOpRef<mlir::ModuleOp> compileKernelFile(const ImportedKernels &kernels, const CompileOptions &options);

/// The placeholder op the ONNX importer emits for a node of a custom domain when C++ kernels are given; it names the
/// kernel (`kernel`) and carries the node's numeric attributes (`attributes`).
constexpr llvm::StringLiteral kCustomCallOpName = "het_cpp.call";

/// The ONNX importer's converter for custom-domain nodes: a placeholder call of the kernel named like the node's op
/// type, which het-partition outlines as a kernel of its own and bindCustomOps then compiles.
mlir::FailureOr<llvm::SmallVector<mlir::Value>> buildCustomCall(const frontend::CustomNode &node,
                                                                mlir::OpBuilder &builder, mlir::Location loc);

/// Replaces the executables het-partition made around custom-op placeholders by the C++ kernels they name,
/// compiled with the node's shapes as index space and its attributes as scalars.
mlir::LogicalResult bindCustomOps(mlir::ModuleOp module, const ImportedKernels &kernels, const CompileOptions &options);

} // namespace het::cpp

#endif // HET_COMPILER_FRONTEND_CPP_CPPKERNELS_H
