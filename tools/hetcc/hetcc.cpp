// hetcc: the ahead-of-time compiler driver. Imports a model, partitions it into kernels, generates code for
// every requested target and packages everything into one .hetbin.
#include "compiler/Bufferization/Passes.h"
#include "compiler/Frontend/Cpp/CppKernels.h"
#include "compiler/Frontend/ONNX/ONNXImporter.h"
#include "compiler/Package/HetbinSerializer.h"
#include "compiler/Partition/Passes.h"
#include "compiler/Target/CPU/Passes.h"
#include "compiler/Target/ExternalTool/ExternalTool.h"
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
  std::string fpgaPlatform = "xilinx_u250_gen3x16_xdma_4_1_202210_1"; ///< v++ --platform of the xclbins
  bool printSupportedOps = false;
  bool verbose = false;
  std::string kernels; ///< --kernels=OPS.cpp: C++ kernels for the model's custom-domain ops
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
  /// One line of its own among the stages, e.g. a step skipped for want of a tool.
  void note(llvm::StringRef line) {
    if (enabled_)
      llvm::errs() << "hetcc: " << line << "\n";
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

bool isCppInput(llvm::StringRef path) {
  return path.ends_with(".cpp") || path.ends_with(".cc") || path.ends_with(".cxx");
}

het::cpp::CompileOptions kernelCompileOptions(const Options &options) {
  het::cpp::CompileOptions result;
  result.targets = options.targets;
  result.cpuLevels = options.cpuLevels;
  result.cudaArchs = options.cudaArchs;
  result.fpgaPart = options.fpgaPart;
  return result;
}

/// Compiles C++ kernels (hetcc kernels.cpp): each kernel an executable with its variants already compiled.
/// --emit=mlir stops at the imported host IR.
OwningOpRef<ModuleOp> importCppKernels(MLIRContext &context, const Options &options) {
  std::optional<het::cpp::ImportedKernels> kernels =
      het::cpp::importKernelSource(options.input, context, kernelCompileOptions(options));
  if (!kernels)
    return nullptr;
  if (options.emit == "mlir")
    return std::move(kernels->host);
  return het::cpp::compileKernelFile(*kernels, kernelCompileOptions(options));
}

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
  if (!options.kernels.empty())
    importOptions.convertCustomNode = het::cpp::buildCustomCall;
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

/// The HLS pass, with xclbins where Vitis v++ is on PATH; without v++ the progress output says they are skipped.
template <typename RunPass> LogicalResult runHLSCodegen(const Options &options, Progress &progress, RunPass runPass) {
  het::HetHLSCodegenOptions hlsOptions;
  hlsOptions.platform = options.fpgaPlatform;
  std::string what = "generating HLS C++ and C-simulation objects";
  if (llvm::is_contained(options.targets, "hls")) {
    if (het::findExternalTool("", "v++"))
      what = "generating HLS C++, C-simulation objects and xclbins (v++, platform " + options.fpgaPlatform + ")";
    else
      progress.note("no Vitis v++ on PATH: skipping the xclbin build (HLS kernels get HLS C++ and C-simulation "
                    "variants only)");
  }
  return runPass(what, het::createHetHLSCodegen(hlsOptions));
}

/// Compiles every variant that still holds source IR into its target's image.
LogicalResult generateCode(ModuleOp module, const Options &options, Progress &progress) {
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
      failed(runHLSCodegen(options, progress, runPass)))
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
               "cubin) and FPGAs (Vitis HLS C++ and its C-simulation object; an xclbin too when Vitis v++ is\n"
               "on PATH, else that step is skipped and -v says so).\n\n"
               "Inputs: an ONNX model (.onnx binary or .onnxtxt text), or an .mlir module: func.func @main on\n"
               "tensors, or the het dialect (executables with per-target variants and a het.graph), or C++\n"
               "kernels (.cpp, written against <het/kernel.h>; docs/kernel-language.md).\n\n"
               "Stages (--emit stops after one): mlir (imported), partitioned (kernels + host graph),\n"
               "ptx / hls-cpp (the generated code of those variants), hetbin (the packaged file).\n\n"
               "Examples:\n"
               "  hetcc examples/mlp/mlp.onnxtxt -o mlp.hetbin\n"
               "  hetcc model.onnx -o model.hetbin --target=cpu,hls --input-shape input=1x3x224x224\n"
               "  hetcc model.onnx --emit=ptx --cuda-arch=sm_90     # print the PTX\n"
               "  hetcc --print-supported-ops\n",
               "hetcc"};
  Options options;
  app.add_option("input", options.input, "The input file (.onnx, .onnxtxt, .mlir or a C++ kernel source .cpp)")
      ->check(CLI::ExistingFile);
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
  app.add_option("--fpga-platform", options.fpgaPlatform,
                 "Vitis platform of the xclbins, built only when Vitis v++ is on PATH (else skipped, with a note)")
      ->capture_default_str();
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
  app.add_option("--kernels", options.kernels,
                 "C++ kernels (include <het/kernel.h>) implementing the model's custom-domain ops: a node of op type "
                 "T runs the HET_KERNEL named T")
      ->check(CLI::ExistingFile);
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
    llvm::errs() << "hetcc: error: no input file: pass a model (.onnx, .onnxtxt), an .mlir module or C++ kernels "
                    "(.cpp)\n";
    return 1;
  }
  if (options.emit == "hetbin" && options.output.empty()) {
    llvm::errs() << "hetcc: error: no output file: pass -o OUT.hetbin\n";
    return 1;
  }
  if (!llvm::StringRef(options.input).ends_with(".mlir") && !isONNXInput(options.input) &&
      !isCppInput(options.input)) {
    llvm::errs() << "hetcc: error: " << options.input
                 << ": unsupported input kind: hetcc reads .onnx, .onnxtxt, .mlir and C++ kernel (.cpp) files\n";
    return 1;
  }
  if (!options.kernels.empty() && !isONNXInput(options.input)) {
    llvm::errs() << "hetcc: error: --kernels binds C++ kernels to the custom ops of an ONNX model; " << options.input
                 << " is not one\n";
    return 1;
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  registry.insert<het::HetDialect>();
  MLIRContext context(registry);
  // Custom-op placeholders (--kernels) are ops of no dialect until bindCustomOps replaces their kernels.
  context.allowUnregisteredDialects(!options.kernels.empty());
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
        if (isCppInput(options.input)) {
          module = importCppKernels(context, options);
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
  if (!options.kernels.empty() && failed(progress.run("compiling C++ kernels for custom ops", [&] {
        std::optional<het::cpp::ImportedKernels> kernels =
            het::cpp::importKernelSource(options.kernels, context, kernelCompileOptions(options));
        return success(kernels && succeeded(het::cpp::bindCustomOps(*module, *kernels, kernelCompileOptions(options))));
      })))
    return 1;
  if (failed(keepTargets(*module, std::set<std::string>(options.targets.begin(), options.targets.end()))))
    return 1;
  if (options.emit == "partitioned")
    return emitMlir(*module, options.output);

  if (failed(generateCode(*module, options, progress)))
    return 1;
  if (options.emit == "ptx")
    return emitImages(*module, het::ImageFormat::Ptx, options.output);
  if (options.emit == "hls-cpp")
    return emitImages(*module, het::ImageFormat::HlsCpp, options.output);
  if (failed(progress.run("writing " + options.output, [&] { return success(package(*module, options) == 0); })))
    return 1;
  return 0;
}
