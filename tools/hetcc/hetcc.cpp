// hetcc: the ahead-of-time compiler driver. Reads a het-dialect module and packages it into one .hetbin.
#include "compiler/Package/HetbinSerializer.h"
#include "dialects/Het/IR/HetDialect.h"
#include "dialects/Het/IR/HetOps.h"
#include "het/Version.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

#include <set>

using namespace mlir;

namespace {

struct Options {
  std::string input;
  std::string output;
  std::vector<std::string> targets = {"cpu", "ptx", "hls"};
  std::string emit = "hetbin";
};

/// Drops the variants of targets the user did not ask for, so the .hetbin carries only those.
void keepTargets(ModuleOp module, const std::set<std::string> &targets) {
  SmallVector<het::VariantOp> dropped;
  module.walk([&](het::VariantOp variant) {
    if (!targets.count(variant.getTarget().getTargetKind().str()))
      dropped.push_back(variant);
  });
  for (het::VariantOp variant : dropped)
    variant.erase();
}

int emitMlir(ModuleOp module, const std::string &output) {
  std::string error;
  auto file = openOutputFile(output.empty() ? "-" : output, &error);
  if (!file) {
    llvm::errs() << "hetcc: error: " << error << "\n";
    return 1;
  }
  module.print(file->os());
  file->keep();
  return 0;
}

int package(ModuleOp module, const Options &options) {
  het::SerializeOptions serializeOptions{std::string("hetcc ") + HET_VERSION_STRING,
                                         llvm::sys::path::filename(options.input).str()};
  het::format::HetbinWriter writer;
  het::hetbin::Manifest manifest;
  if (failed(het::serializeToHetbin(module, serializeOptions, writer, manifest)))
    return 1;
  std::string error;
  if (!writer.writeFile(options.output, manifest, error)) {
    llvm::errs() << "hetcc: error: " << error << "\n";
    return 1;
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"hetcc: compile a model into one .hetbin that carries code for CPU, NVIDIA PTX and FPGA HLS.\n\n"
               "Input: an .mlir file in the het dialect (executables with per-target variants and one\n"
               "het.graph entry point). The output holds every variant of the requested targets.\n\n"
               "Examples:\n"
               "  hetcc examples/vector-add/vector_add.mlir -o vector_add.hetbin\n"
               "  hetcc model.mlir -o model.hetbin --target=cpu,hls\n"
               "  hetcc model.mlir --emit=mlir          # print the verified module\n",
               "hetcc"};
  Options options;
  app.add_option("input", options.input, "The input file (.mlir)")->required()->check(CLI::ExistingFile);
  app.add_option("-o,--output", options.output, "Where to write the result (required for --emit=hetbin)");
  app.add_option("--target", options.targets, "Targets to keep, comma separated: cpu, ptx, hls")
      ->delimiter(',')
      ->check(CLI::IsMember({"cpu", "ptx", "hls"}))
      ->capture_default_str();
  app.add_option("--emit", options.emit, "What to produce: hetbin (the fat binary) or mlir (the module text)")
      ->check(CLI::IsMember({"hetbin", "mlir"}))
      ->capture_default_str();
  app.set_version_flag("--version", std::string("hetcc ") + HET_VERSION_STRING);
  CLI11_PARSE(app, argc, argv);

  if (options.emit == "hetbin" && options.output.empty()) {
    llvm::errs() << "hetcc: error: no output file: pass -o OUT.hetbin\n";
    return 1;
  }
  if (!llvm::StringRef(options.input).ends_with(".mlir")) {
    llvm::errs() << "hetcc: error: " << options.input
                 << ": unsupported input kind: hetcc reads .mlir files in the het dialect\n";
    return 1;
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  registry.insert<het::HetDialect>();
  MLIRContext context(registry);
  // Users get the located message; a dump of the whole op would bury it.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  std::string error;
  auto buffer = openInputFile(options.input, &error);
  if (!buffer) {
    llvm::errs() << "hetcc: error: " << error << "\n";
    return 1;
  }
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  if (failed(verify(*module)))
    return 1;
  keepTargets(*module, std::set<std::string>(options.targets.begin(), options.targets.end()));
  if (options.emit == "mlir")
    return emitMlir(*module, options.output);
  return package(*module, options);
}
