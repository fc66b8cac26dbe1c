// Turns a het-dialect module (host graph, executables with compiled variant images, constants) into the
// manifest and sections of a .hetbin file.
#ifndef HET_COMPILER_PACKAGE_HETBINSERIALIZER_H
#define HET_COMPILER_PACKAGE_HETBINSERIALIZER_H

#include "het/format/HetbinWriter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace het {

struct SerializeOptions {
  /// Written into the manifest's producer field, e.g. "hetcc 0.1.0".
  std::string producer;
  /// Written into the manifest's source field: what the module was compiled from.
  std::string source;
};

/// Fills `writer` and `manifest` from `module`. The module must verify and hold exactly one het.graph;
/// every variant must carry an image. Violations are reported as located diagnostics on the op at fault.
mlir::LogicalResult serializeToHetbin(mlir::ModuleOp module, const SerializeOptions &options,
                                      format::HetbinWriter &writer, hetbin::Manifest &manifest);

} // namespace het

#endif // HET_COMPILER_PACKAGE_HETBINSERIALIZER_H
