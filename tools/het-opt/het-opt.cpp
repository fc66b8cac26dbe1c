// het-opt: mlir-opt with the het dialect, all upstream dialects and passes.
#include "compiler/Bufferization/Passes.h"
#include "compiler/Partition/Passes.h"
#include "compiler/Target/CPU/Passes.h"
#include "compiler/Target/HLS/Passes.h"
#include "compiler/Target/PTX/Passes.h"
#include "dialects/Het/IR/HetDialect.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  het::registerPartitionPasses();
  het::registerBufferizationPasses();
  het::registerTargetCPUPasses();
  het::registerTargetPTXPasses();
  het::registerTargetHLSPasses();

  mlir::DialectRegistry registry;
  registry.insert<het::HetDialect>();
  mlir::registerAllDialects(registry);
  // Kernel bodies go through gpu, linalg and bufferization passes whose
  // interfaces live in these extensions.
  mlir::registerAllExtensions(registry);

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "het optimizer driver\n", registry));
}
