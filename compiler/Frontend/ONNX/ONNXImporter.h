// The ONNX frontend's public API: import a model file into a module holding func.func @main on tensors.
#ifndef HET_COMPILER_FRONTEND_ONNX_ONNXIMPORTER_H
#define HET_COMPILER_FRONTEND_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace het::frontend {

/// A node of a non-default domain, as ImportOptions::convertCustomNode sees it.
struct CustomNode {
  std::string domain;
  std::string opType;
  std::string name;
  llvm::SmallVector<mlir::Value> inputs;
  /// Per output: the type the model declares for it, else the first input's type.
  llvm::SmallVector<mlir::Type> outputTypes;
  /// Its INT attributes as i64 and FLOAT attributes as f32 attributes.
  llvm::SmallVector<mlir::NamedAttribute> attributes;
};

struct ImportOptions {
  /// --input-shape NAME=1x3x224x224: fixes the dims of a graph input (dynamic ones in particular).
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// --input-constant NAME=FILE.pb: binds a graph input to the ONNX TensorProto in FILE at compile time. The input
  /// leaves the signature and becomes a constant, for models that take shapes, axes or pads as inputs.
  llvm::StringMap<std::string> inputConstants;
  /// Converts nodes of domains other than the default ONNX one (hetcc --kernels binds them to C++ kernels) and
  /// returns their outputs; without it such nodes are errors.
  std::function<mlir::FailureOr<llvm::SmallVector<mlir::Value>>(const CustomNode &, mlir::OpBuilder &,
                                                                mlir::Location)>
      convertCustomNode;
};

/// Reads a binary .onnx or a textual .onnxtxt model, runs ONNX shape inference, and builds a module holding
/// func.func @main. Returns null after emitting located diagnostics on failure.
mlir::OwningOpRef<mlir::ModuleOp> importONNXFile(llvm::StringRef path, mlir::MLIRContext &context,
                                                 const ImportOptions &options);

/// Parses the value of --input-shape ("NAME=1x3x224x224", a 0-d input as "NAME=") into `options`.
/// Returns false with a message in `error` when the text is malformed.
bool parseInputShape(llvm::StringRef text, ImportOptions &options, std::string &error);

/// Parses the value of --input-constant ("NAME=FILE.pb") into `options`; false with `error` when malformed.
bool parseInputConstant(llvm::StringRef text, ImportOptions &options, std::string &error);

struct SupportedOp {
  std::string domain;
  std::string opType;
  int sinceVersion;
  int untilVersion;
  std::string family;
};

/// The converter table, for `hetcc --print-supported-ops` and the docs.
std::vector<SupportedOp> supportedOps();

} // namespace het::frontend

#endif // HET_COMPILER_FRONTEND_ONNX_ONNXIMPORTER_H
