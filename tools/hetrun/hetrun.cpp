// hetrun: loads a .hetbin through the runtime's C API and describes it, runs it on one device or spread over
// several, reports and benchmarks runs, or lists the devices of the pool.
#include "CompareDevices.h"
#include "NpyFile.h"
#include "KernelLaunch.h"
#include "OutputDirectory.h"
#include "Reports.h"
#include "TensorProtoFile.h"
#include "het/Version.h"
#include "JsonString.h"
#include "het/het.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

namespace {

std::string describe(const het_tensor_info_t &info) { return het::hetrun::describeType(info); }

std::string describeInputs(const het::Module &module) {
  std::string text;
  for (const het_tensor_info_t &input : module.inputs())
    text += (text.empty() ? "" : ", ") + std::string(input.name) + ": " + describe(input);
  return text.empty() ? "none" : text;
}

/// Thrown for a mistake in the command line or an input file; the message is the whole story.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int listDevices(const het_runtime_options_t &options, bool json) {
  het::Runtime runtime = het::Runtime::create(&options);
  std::vector<het_device_capabilities_t> devices = runtime.capabilities();
  std::fputs((json ? het::hetrun::formatDevicesJson(devices) : het::hetrun::formatDevicesText(devices)).c_str(),
             stdout);
  return 0;
}

void printSignature(const std::string &path, const het::Module &module) {
  std::printf("%s: valid .hetbin produced by '%s', %zu kernel(s)\n", path.c_str(), module.producer().c_str(),
              module.kernelCount());
  for (const het_tensor_info_t &input : module.inputs())
    std::printf("  input  %s: %s\n", input.name, describe(input).c_str());
  for (const het_tensor_info_t &output : module.outputs())
    std::printf("  output %s: %s\n", output.name, describe(output).c_str());
  std::fputs(het::hetrun::describeIndexSpaceKernels(module).c_str(), stdout);
}

het::Tensor readInputFile(const std::string &file) {
  std::string extension = std::filesystem::path(file).extension().string();
  if (extension == ".npy")
    return het::hetrun::readNpy(file);
  if (extension == ".pb")
    return het::hetrun::readTensorProto(file);
  throw UsageError("'" + file + "': unknown input file type; expected a NumPy .npy or an ONNX TensorProto .pb");
}

/// The module's inputs in signature order, from `NAME=FILE` arguments.
std::vector<het::Tensor> readInputs(const het::Module &module, const std::vector<std::string> &arguments) {
  std::vector<het_tensor_info_t> signature = module.inputs();
  std::map<std::string, std::string> files;
  for (const std::string &argument : arguments) {
    size_t equals = argument.find('=');
    if (equals == std::string::npos || equals == 0)
      throw UsageError("--input '" + argument + "': expected NAME=FILE");
    std::string name = argument.substr(0, equals);
    bool known = false;
    for (const het_tensor_info_t &input : signature)
      known |= name == input.name;
    if (!known)
      throw UsageError("--input '" + name +
                       "': the module has no such input; expected inputs: " + describeInputs(module));
    if (!files.emplace(name, argument.substr(equals + 1)).second)
      throw UsageError("--input '" + name + "' is given twice");
  }
  std::vector<het::Tensor> inputs;
  for (const het_tensor_info_t &input : signature) {
    auto file = files.find(input.name);
    if (file == files.end())
      throw UsageError("missing --input for '" + std::string(input.name) +
                       "'; expected inputs: " + describeInputs(module));
    het::Tensor tensor = readInputFile(file->second);
    het_tensor_info_t info = tensor.info();
    // NumPy has no bfloat16: such inputs arrive as uint16 bit patterns, as hetrun writes them.
    if (input.dtype == HET_DTYPE_BFLOAT16 && info.dtype == HET_DTYPE_UINT16)
      tensor = het::Tensor::create(HET_DTYPE_BFLOAT16, {info.shape, info.shape + info.rank}, tensor.data());
    inputs.push_back(std::move(tensor));
  }
  return inputs;
}

/// How a run is placed, reported and repeated: the command line's run options.
struct RunSettings {
  std::string deviceName = "auto";
  bool automaticPlacement = false;
  std::vector<std::string> pins; ///< KERNEL=DEVICE
  std::string report;            ///< "", "text" or "json"
  std::string traceFile;
  bool benchmark = false;
  unsigned iterations = 10;
  unsigned warmup = 1;
};

het::Session createSession(const het::Runtime &runtime, const het::Module &module, const RunSettings &settings) {
  std::vector<std::string> kernels, devices;
  for (const std::string &pin : settings.pins) {
    size_t equals = pin.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == pin.size())
      throw UsageError("--pin '" + pin + "': expected KERNEL=DEVICE");
    kernels.push_back(pin.substr(0, equals));
    devices.push_back(pin.substr(equals + 1));
  }
  std::vector<het_kernel_pin_t> pins;
  for (size_t i = 0; i < kernels.size(); ++i)
    pins.push_back({kernels[i].c_str(), devices[i].c_str()});
  het_session_options_t options{};
  options.placement = settings.automaticPlacement ? HET_PLACEMENT_AUTO : HET_PLACEMENT_DEVICE;
  options.device = settings.deviceName.c_str();
  options.pins = pins.data();
  options.pin_count = pins.size();
  return het::Session::create(runtime, module, &options);
}

/// "cpu (2 cores, ...)" for a run on one device, "cpu:0, cpu:1" for several.
std::string describeDevicesUsed(const het::Runtime &runtime, const std::vector<std::string> &used) {
  if (used.size() == 1)
    for (const het_device_info_t &device : runtime.devices())
      if (used[0] == device.name)
        return used[0] + " (" + device.description + ")";
  std::string text;
  for (const std::string &name : used)
    text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "no device (the module has no kernels)" : text;
}

int run(const std::string &path, const het::Module &module, const het_runtime_options_t &options,
        const RunSettings &settings, const std::vector<std::string> &inputArguments,
        const std::string &outputDirectory) {
  std::vector<het::Tensor> inputs = readInputs(module, inputArguments);
  het::Runtime runtime = het::Runtime::create(&options);
  het::Session session = createSession(runtime, module, settings);

  auto invoke = [&](het::RunReport *report) {
    try {
      // Every run's report, so that a device failing in any run (a warmup's too) is told.
      het::RunReport runReport;
      std::vector<het::Tensor> outputs = session.invoke(inputs, &runReport);
      for (const het_fault_record_t &fault : runReport.faults())
        std::fprintf(stderr, "hetrun: warning: %s\n", het::hetrun::describeFault(fault).c_str());
      if (report)
        *report = runReport;
      return outputs;
    } catch (const het::Error &error) {
      if (error.code() != HET_STATUS_INVALID_ARGUMENT)
        throw;
      throw UsageError(std::string(error.what()) + "\nexpected inputs: " + describeInputs(module));
    }
  };
  if (settings.benchmark)
    for (unsigned i = 0; i < settings.warmup; ++i)
      invoke(nullptr);
  std::vector<double> latencies;
  std::vector<het::Tensor> outputs;
  het::RunReport report;
  for (unsigned i = 0; i < (settings.benchmark ? settings.iterations : 1u); ++i) {
    auto start = std::chrono::steady_clock::now();
    outputs = invoke(&report);
    latencies.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }

  // The devices that ran the last run, in pool order: after a device failure, not those the session started on.
  std::vector<std::string> used;
  for (const het_device_info_t &device : runtime.devices())
    for (const het_dispatch_record_t &record : report.dispatches())
      if (record.device == std::string(device.name)) {
        used.push_back(device.name);
        break;
      }

  std::vector<het::hetrun::WrittenOutput> written;
  if (!outputDirectory.empty()) {
    std::vector<std::string> names;
    for (const het_tensor_info_t &output : module.outputs())
      names.push_back(output.name);
    written = het::hetrun::writeOutputs(outputDirectory, names, outputs);
  }
  if (!settings.traceFile.empty())
    het::hetrun::writeTrace(settings.traceFile, "hetrun " + std::filesystem::path(path).filename().string(), report,
                            used);
  het::hetrun::LatencySummary summary = het::hetrun::summarizeLatencies(latencies);
  if (settings.report == "json") {
    std::string json = "{\"module\": " + het::tools::jsonString(path) + ", " +
                       het::hetrun::formatReportJsonMembers(report);
    if (settings.benchmark)
      json += ", " + het::hetrun::formatLatencyJsonMembers(summary, settings.warmup);
    std::printf("%s}\n", json.c_str());
    return 0;
  }

  if (settings.benchmark)
    std::printf("%s: ran on %s: %zu iterations after %u warmup: median %.3f ms, p10 %.3f ms, p90 %.3f ms\n",
                path.c_str(), describeDevicesUsed(runtime, used).c_str(), summary.iterations, settings.warmup,
                summary.medianMs, summary.p10Ms, summary.p90Ms);
  else
    std::printf("%s: ran on %s in %.3f ms\n", path.c_str(), describeDevicesUsed(runtime, used).c_str(),
                latencies.front());
  for (size_t i = 0; i < written.size(); ++i)
    std::printf("  output %s: %s -> %s\n", written[i].name.c_str(), describe(outputs[i].info()).c_str(),
                (std::filesystem::path(outputDirectory) / written[i].file).c_str());
  if (settings.report == "text")
    std::fputs(het::hetrun::formatReportText(report).c_str(), stdout);
  return 0;
}

/// --compare-devices: the module on every device alone, each device's outputs compared with the first's. Returns
/// 1 only when a difference exceeds `tolerance` (when it is given, >= 0); a device that cannot run it is skipped.
int compareDevices(const std::string &path, const het::Module &module, const het_runtime_options_t &options,
                   const RunSettings &settings, const std::vector<std::string> &inputArguments,
                   const std::string &outputDirectory, double tolerance) {
  if (settings.automaticPlacement || settings.deviceName != "auto" || !settings.pins.empty() || settings.benchmark ||
      !settings.traceFile.empty())
    throw UsageError("--compare-devices runs the module on every device alone; it takes no --device, --placement, "
                     "--pin, --benchmark or --trace");
  std::vector<het::Tensor> inputs = readInputs(module, inputArguments);
  het::Runtime runtime = het::Runtime::create(&options);
  het::hetrun::DeviceComparison comparison = het::hetrun::compareDevices(runtime, module, inputs);
  if (!outputDirectory.empty()) {
    std::vector<std::string> names;
    for (const het_tensor_info_t &output : module.outputs())
      names.push_back(output.name);
    het::hetrun::writeOutputs(outputDirectory, names, comparison.runs[comparison.reference].outputs);
  }
  std::fputs(settings.report == "json" ? het::hetrun::formatComparisonJson(path, module, comparison).c_str()
                                       : het::hetrun::formatComparisonText(path, module, comparison).c_str(),
             stdout);
  if (tolerance < 0)
    return 0;
  int status = 0;
  std::vector<het_tensor_info_t> outputs = module.outputs();
  for (size_t output = 0; output < comparison.differences.size(); ++output)
    for (size_t r = 0; r < comparison.runs.size(); ++r)
      if (!(comparison.differences[output][r].maxAbsolute <= tolerance)) {
        std::fprintf(stderr, "hetrun: error: output '%s' on %s differs from %s by %g, more than --tolerance %g\n",
                     outputs[output].name, comparison.runs[r].device.c_str(),
                     comparison.runs[comparison.reference].device.c_str(),
                     comparison.differences[output][r].maxAbsolute, tolerance);
        status = 1;
      }
  return status;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"hetrun: load a .hetbin fat binary and run it on the devices of this machine.\n\n"
               "The module is mapped and fully validated (header, sections, content hash, manifest)\n"
               "before anything else; a malformed file is an error with a non-zero exit. With no\n"
               "--input or --output-dir it prints the module's signature.\n\n"
               "Examples:\n"
               "  hetrun model.hetbin\n"
               "  hetrun model.hetbin --input x=x.npy --output-dir out --device=fpga-sim\n"
               "  hetrun model.hetbin --input x=x.npy --output-dir out --cpu-partitions=2 --placement=auto \\\n"
               "      --report --trace=trace.json\n"
               "  hetrun model.hetbin --input x=x.npy --benchmark --iterations 50 --report=json\n"
               "  hetrun model.hetbin --input x=x.npy --output-dir out --device=fpga-sim --inject-fault=fpga-sim:3\n"
               "  hetrun model.hetbin --input x=x.npy --compare-devices --tolerance 1e-5\n"
               "  hetrun --list-devices --json\n"
               "  hetrun k.hetbin --kernel=saxpy --grid=1024 --arg x=x.npy --arg y=y.npy --arg a=2 --output-dir out\n",
               "hetrun"};
  std::string path;
  std::vector<std::string> inputArguments;
  std::string outputDirectory;
  het::hetrun::KernelLaunchRequest kernelLaunch;
  RunSettings settings;
  std::string placement = "device";
  unsigned threads = 0;
  unsigned partitions = 1;
  bool listDevicesFlag = false;
  bool json = false;
  std::string injectFault;
  bool compare = false;
  double tolerance = -1;
  app.add_option("module", path, "The .hetbin file to load");
  app.add_option("--input", inputArguments,
                 "NAME=FILE: graph input NAME from FILE, a NumPy .npy or an ONNX TensorProto .pb (repeatable)");
  app.add_option("--kernel", kernelLaunch.kernel,
                 "Launch this kernel of the module by itself (C++ kernels, docs/kernel-language.md) instead of the "
                 "module's graph");
  app.add_option("--grid", kernelLaunch.grid, "With --kernel: the index space, X[,Y[,Z]]");
  app.add_option("--arg", kernelLaunch.arguments,
                 "With --kernel: NAME=FILE.npy, NAME=VALUE for a scalar, or NAME=SHAPE (e.g. 64x64) for a buffer the "
                 "kernel only writes (repeatable)");
  app.add_option("--output-dir", outputDirectory,
                 "Write each output to DIR/<name>.npy and their list to DIR/outputs.json (created if missing)");
  app.add_option("--device", settings.deviceName,
                 "Where to run every kernel: auto (the cpu), cpu, cpu:N (with --cpu-partitions) or fpga-sim")
      ->capture_default_str();
  app.add_option("--placement", placement,
                 "device: every kernel on --device; auto: each kernel where the cost model says it finishes first")
      ->check(CLI::IsMember({"device", "auto"}))
      ->capture_default_str();
  app.add_option("--pin", settings.pins, "KERNEL=DEVICE: run kernel KERNEL on DEVICE whatever the placement (repeatable)");
  app.add_option("--threads", threads, "Most threads the cpu device uses (default: one per core)")
      ->check(CLI::PositiveNumber);
  app.add_option("--cpu-partitions", partitions,
                 "Split the cpu into N devices cpu:0..cpu:N-1, each with its share of the threads")
      ->check(CLI::PositiveNumber);
  app.add_option("--report", settings.report,
                 "Print per dispatch its kernel, device, time and bytes moved; --report=json prints one JSON object")
      ->expected(0, 1)
      ->check(CLI::IsMember({"", "text", "json"}));
  app.add_option("--trace", settings.traceFile,
                 "Write the run as Chrome trace-event JSON (Perfetto, chrome://tracing), one track per device");
  app.add_flag("--benchmark", settings.benchmark,
               "Run repeatedly (kernels loaded once) and print the median, p10 and p90 latency");
  app.add_option("--iterations", settings.iterations, "Measured runs of --benchmark")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup", settings.warmup, "Unmeasured runs before --benchmark measures")->capture_default_str();
  app.add_option("--inject-fault", injectFault,
                 "DEVICE:N: make DEVICE fail at its N-th launch, to test re-placement (default: $HET_FAULT_INJECT)");
  app.add_flag("--compare-devices", compare,
               "Run the module on every device alone and print, per output, each device's largest absolute and "
               "relative difference from the first device's; --output-dir gets the first device's outputs");
  app.add_option("--tolerance", tolerance,
                 "With --compare-devices: exit 1 when an output differs by more than this (absolute)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--list-devices", listDevicesFlag,
               "List the devices of this machine with their capabilities and calibrated speed, or why one is "
               "unavailable");
  app.add_flag("--json", json, "With --list-devices: print the list as JSON");
  app.set_version_flag("--version", std::string("hetrun ") + HET_VERSION_STRING);
  CLI11_PARSE(app, argc, argv);

  het_runtime_options_t options{};
  options.cpu_threads = threads;
  options.cpu_partitions = partitions;
  if (app.count("--inject-fault"))
    options.fault_inject = injectFault.c_str();
  settings.automaticPlacement = placement == "auto";
  if (app.count("--report") && settings.report.empty())
    settings.report = "text";
  try {
    if (settings.automaticPlacement && app.count("--device"))
      throw UsageError("--device puts every kernel on one device and --placement=auto lets the cost model choose; "
                       "give one of them (use --pin KERNEL=DEVICE to fix single kernels)");
    if (listDevicesFlag)
      return listDevices(options, json);
    if (path.empty())
      throw UsageError("a module is required (or --list-devices); run 'hetrun --help'");
    het::Module module = het::Module::loadFile(path);
    if (!kernelLaunch.kernel.empty()) {
      kernelLaunch.device = settings.deviceName;
      kernelLaunch.outputDirectory = outputDirectory;
      return het::hetrun::launchKernel(path, module, options, kernelLaunch);
    }
    if (inputArguments.empty() && outputDirectory.empty() && !settings.benchmark && !compare) {
      printSignature(path, module);
      return 0;
    }
    if (app.count("--tolerance") && !compare)
      throw UsageError("--tolerance applies to --compare-devices only");
    if (compare)
      return compareDevices(path, module, options, settings, inputArguments, outputDirectory, tolerance);
    if (outputDirectory.empty() && !settings.benchmark)
      throw UsageError("--output-dir is required to run a module");
    return run(path, module, options, settings, inputArguments, outputDirectory);
  } catch (const std::exception &error) {
    std::fprintf(stderr, "hetrun: error: %s\n", error.what());
    return 1;
  }
}
