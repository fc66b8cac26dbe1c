// hetcc: the ahead-of-time compiler driver. Imports a model, partitions it into kernels, generates code for
// every requested target and packages everything into one .hetbin.
#include "compiler/Bufferization/Passes.h"
#include "compiler/Frontend/ONNX/ONNXImporter.h"
#include "compiler/Package/HetbinSerializer.h"
#include "compiler/Partition/Passes.h"
#include "compiler/Target/CPU/Passes.h"
#include "compiler/Target/HLS/Passes.h"
#include "compiler/Target/PTX/Passes.h"
#include "dialects/Het/IR/HetDialect.h"
#include "dialects/Het/IR/HetOps.h"
#include "het/Version.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <set>
#include <unistd.h>

using namespace mlir;

namespace {

struct Options {
  std::string input;
  std::string output;
  std::vector<std::string> targets = {"cpu", "ptx", "hls"};
  std::string emit = "hetbin";
  std::vector<std::string> inputShapes;
  std::vector<std::string> inputConstants;
  std::vector<std::string> cudaArchs = {"sm_80", "sm_90"};
  std::vector<std::string> cpuLevels = {"x86-64", "x86-64-v4"};
  std::string fpgaPart = "xcu250-figd2104-2L-e";
  bool printSupportedOps = false;
  bool verbose = false;
};

/// Prints "[stage] what (time)" lines on stderr, so a long compile shows where it is. On by default when
/// stderr is a terminal, or with --verbose.
class Progress {
public:
  explicit Progress(bool enabled) : enabled_(enabled) {}
  template <typename Step> LogicalResult run(llvm::StringRef what, Step step) {
    auto started = std::chrono::steady_clock::now();
    if (enabled_)
      llvm::errs() << "hetcc: " << what << "...";
    LogicalResult result = step();
    if (enabled_) {
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      llvm::errs() << (succeeded(result) ? " done" : " failed") << llvm::formatv(" ({0:f2} s)\n", seconds);
    }
    return result;
  }

private:
  bool enabled_;
};

/// Drops the variants of targets the user did not ask for, so the .hetbin carries only those. An executable
/// left with no variant is an error: nothing could run it.
LogicalResult keepTargets(ModuleOp module, const std::set<std::string> &targets) {
  for (auto executable : module.getOps<het::ExecutableOp>()) {
    SmallVector<het::VariantOp> dropped;
    for (het::VariantOp variant : executable.getVariants())
      if (!targets.count(variant.getTarget().getTargetKind().str()))
        dropped.push_back(variant);
    if (dropped.size() == static_cast<size_t>(llvm::range_size(executable.getVariants())))
      return executable.emitError() << "executable @" << executable.getSymName()
                                    << " has no variant left for the requested targets";
    for (het::VariantOp variant : dropped)
      variant.erase();
  }
  return success();
}

int emitMlir(ModuleOp module, const std::string &output) {
  std::string error;
  auto file = openOutputFile(output.empty() ? "-" : output, &error);
  if (!file) {
    llvm::errs() << "hetcc: error: " << error << "\n";
    return 1;
  }
  module.print(file->os());
  file->os() << "\n";
  file->keep();
  return 0;
}

bool isONNXInput(llvm::StringRef path) { return path.ends_with(".onnx") || path.ends_with(".onnxtxt"); }

void printSupportedOps() {
  llvm::outs() << llvm::formatv("{0,-9} {1,-20} {2,-8} {3}\n", "domain", "op", "opsets", "family");
  for (const het::frontend::SupportedOp &op : het::frontend::supportedOps())
    llvm::outs() << llvm::formatv("{0,-9} {1,-20} {2,-8} {3}\n", op.domain, op.opType,
                                  std::to_string(op.sinceVersion) + "-" + std::to_string(op.untilVersion), op.family);
}

/// Imports an ONNX model into func.func @main on tensors.
OwningOpRef<ModuleOp> importONNX(MLIRContext &context, const Options &options) {
  het::frontend::ImportOptions importOptions;
  std::string error;
  for (const std::string &shape : options.inputShapes)
    if (!het::frontend::parseInputShape(shape, importOptions, error)) {
      llvm::errs() << "hetcc: error: " << error << "\n";
      return nullptr;
    }
  for (const std::string &binding : options.inputConstants)
    if (!het::frontend::parseInputConstant(binding, importOptions, error)) {
      llvm::errs() << "hetcc: error: " << error << "\n";
      return nullptr;
    }
  return het::frontend::importONNXFile(options.input, context, importOptions);
}

/// Partitions @main into kernels and a host graph, unless the module is already in the het dialect.
LogicalResult partition(ModuleOp module, const Options &options) {
  if (!module.getOps<het::GraphOp>().empty())
    return success();
  PassManager pm(module.getContext());
  het::HetPartitionOptions partitionOptions;
  partitionOptions.targets.assign(options.targets.begin(), options.targets.end());
  partitionOptions.cpuLevels.assign(options.cpuLevels.begin(), options.cpuLevels.end());
  partitionOptions.cudaArchs.assign(options.cudaArchs.begin(), options.cudaArchs.end());
  partitionOptions.fpgaPart = options.fpgaPart;
  pm.addPass(het::createHetPartition(partitionOptions));
  return pm.run(module);
}

/// Compiles every variant that still holds source IR into its target's image.
LogicalResult generateCode(ModuleOp module, Progress &progress) {
  auto runPass = [&](llvm::StringRef what, std::unique_ptr<Pass> pass) {
    return progress.run(what, [&] {
      PassManager pm(module.getContext());
      pm.addPass(std::move(pass));
      return pm.run(module);
    });
  };
  if (failed(runPass("bufferizing kernels", het::createHetBufferizeVariants())) ||
      failed(runPass("generating CPU code", het::createHetCPUCodegen())) ||
      failed(runPass("generating PTX", het::createHetPTXCodegen())) ||
      failed(runPass("generating HLS C++ and C-simulation objects", het::createHetHLSCodegen())))
    return failure();
  return success();
}

/// Prints the images of one format, each preceded by a comment naming its kernel and variant.
int emitImages(ModuleOp module, het::ImageFormat format, const std::string &output) {
  std::string error;
  auto file = openOutputFile(output.empty() ? "-" : output, &error);
  if (!file) {
    llvm::errs() << "hetcc: error: " << error << "\n";
    return 1;
  }
  bool any = false;
  module.walk([&](het::VariantOp variant) {
    if (variant.getFormat() != format || !variant.getImage())
      return;
    auto executable = variant->getParentOfType<het::ExecutableOp>();
    file->os() << "// kernel @" << executable.getSymName() << ", variant @" << variant.getSymName() << "\n"
               << *variant.getImage() << "\n";
    any = true;
  });
  if (!any) {
    llvm::errs() << "hetcc: error: the module has no " << het::stringifyImageFormat(format)
                 << " image: is its target among --target?\n";
    return 1;
  }
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
  CLI::App app{"hetcc: compile a model into one .hetbin that carries code for x86-64 CPUs, NVIDIA GPUs (PTX and\n"
               "cubin) and FPGAs (Vitis HLS C++ and its C-simulation object).\n\n"
               "Inputs: an ONNX model (.onnx binary or .onnxtxt text), or an .mlir module: func.func @main on\n"
               "tensors, or the het dialect (executables with per-target variants and a het.graph).\n\n"
               "Stages (--emit stops after one): mlir (imported), partitioned (kernels + host graph),\n"
               "ptx / hls-cpp (the generated code of those variants), hetbin (the packaged file).\n\n"
               "Examples:\n"
               "  hetcc examples/mlp/mlp.onnxtxt -o mlp.hetbin\n"
               "  hetcc model.onnx -o model.hetbin --target=cpu,hls --input-shape input=1x3x224x224\n"
               "  hetcc model.onnx --emit=ptx --cuda-arch=sm_90     # print the PTX\n"
               "  hetcc --print-supported-ops\n",
               "hetcc"};
  Options options;
  app.add_option("input", options.input, "The input file (.onnx, .onnxtxt or .mlir)")->check(CLI::ExistingFile);
  app.add_option("-o,--output", options.output, "Where to write the result (required for --emit=hetbin)");
  app.add_option("--target", options.targets, "Targets to compile for, comma separated: cpu, ptx, hls")
      ->delimiter(',')
      ->check(CLI::IsMember({"cpu", "ptx", "hls"}))
      ->capture_default_str();
  app.add_option("--cuda-arch", options.cudaArchs, "NVIDIA architectures of the PTX/cubin variants")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--cpu-levels", options.cpuLevels,
                 "x86-64 feature levels to build CPU code for; the runtime picks the highest the CPU has")
      ->delimiter(',')
      ->check(CLI::IsMember({"x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4"}))
      ->capture_default_str();
  app.add_option("--fpga-part", options.fpgaPart, "FPGA part of the HLS variants")->capture_default_str();
  app.add_option("--emit", options.emit, "What to produce: hetbin, mlir, partitioned, ptx or hls-cpp")
      ->check(CLI::IsMember({"hetbin", "mlir", "partitioned", "ptx", "hls-cpp"}))
      ->capture_default_str();
  app.add_option("--input-shape", options.inputShapes,
                 "Fix the shape of an ONNX graph input, e.g. --input-shape x=1x3x224x224 (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--input-constant", options.inputConstants,
                 "Bind an ONNX graph input to a constant TensorProto file at compile time, e.g. "
                 "--input-constant shape=shape.pb (repeatable)")
      ->allow_extra_args(false);
  app.add_flag("--print-supported-ops", options.printSupportedOps,
               "Print the ONNX operators the frontend converts, with their opsets, and exit");
  app.add_flag("-v,--verbose", options.verbose, "Print each stage and its time (the default on a terminal)");
  app.set_version_flag("--version", std::string("hetcc ") + HET_VERSION_STRING);
  CLI11_PARSE(app, argc, argv);

  if (options.printSupportedOps) {
    printSupportedOps();
    return 0;
  }
  if (options.input.empty()) {
    llvm::errs() << "hetcc: error: no input file: pass a model (.onnx, .onnxtxt) or an .mlir module\n";
    return 1;
  }
  if (options.emit == "hetbin" && options.output.empty()) {
    llvm::errs() << "hetcc: error: no output file: pass -o OUT.hetbin\n";
    return 1;
  }
  if (!llvm::StringRef(options.input).ends_with(".mlir") && !isONNXInput(options.input)) {
    llvm::errs() << "hetcc: error: " << options.input
                 << ": unsupported input kind: hetcc reads .onnx, .onnxtxt and .mlir files\n";
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
  Progress progress(options.verbose || isatty(STDERR_FILENO));

  OwningOpRef<ModuleOp> module;
  if (failed(progress.run("importing " + llvm::sys::path::filename(options.input).str(), [&] {
        if (isONNXInput(options.input)) {
          module = importONNX(context, options);
          return success(static_cast<bool>(module));
        }
        std::string error;
        auto buffer = openInputFile(options.input, &error);
        if (!buffer) {
          llvm::errs() << "hetcc: error: " << error << "\n";
          return failure();
        }
        sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
        module = parseSourceFile<ModuleOp>(sourceMgr, &context);
        return success(module && succeeded(verify(*module)));
      })))
    return 1;
  if (options.emit == "mlir")
    return emitMlir(*module, options.output);

  if (failed(progress.run("partitioning into kernels", [&] { return partition(*module, options); })))
    return 1;
  if (failed(keepTargets(*module, std::set<std::string>(options.targets.begin(), options.targets.end()))))
    return 1;
  if (options.emit == "partitioned")
    return emitMlir(*module, options.output);

  if (failed(generateCode(*module, progress)))
    return 1;
  if (options.emit == "ptx")
    return emitImages(*module, het::ImageFormat::Ptx, options.output);
  if (options.emit == "hls-cpp")
    return emitImages(*module, het::ImageFormat::HlsCpp, options.output);
  if (failed(progress.run("writing " + options.output, [&] { return success(package(*module, options) == 0); })))
    return 1;
  return 0;
}
