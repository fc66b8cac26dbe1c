// hetrun: loads a .hetbin through the runtime's C API and describes it, runs it on a device, or lists devices.
#include "NpyFile.h"
#include "OutputDirectory.h"
#include "TensorProtoFile.h"
#include "het/Version.h"
#include "het/het.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

namespace {

std::string describe(const het_tensor_info_t &info) {
  std::string text = std::string(het_dtype_name(info.dtype)) + "[";
  for (size_t i = 0; i < info.rank; ++i)
    text += (i ? "x" : "") + (info.shape[i] < 0 ? std::string("?") : std::to_string(info.shape[i]));
  return text + "]";
}

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

int listDevices(const het_runtime_options_t &options) {
  het::Runtime runtime = het::Runtime::create(&options);
  for (const het_device_info_t &device : runtime.devices()) {
    if (device.available)
      std::printf("%-9s available    %s\n", device.name, device.description);
    else
      std::printf("%-9s unavailable  %s\n", device.name, device.reason);
  }
  return 0;
}

void printSignature(const std::string &path, const het::Module &module) {
  std::printf("%s: valid .hetbin produced by '%s', %zu kernel(s)\n", path.c_str(), module.producer().c_str(),
              module.kernelCount());
  for (const het_tensor_info_t &input : module.inputs())
    std::printf("  input  %s: %s\n", input.name, describe(input).c_str());
  for (const het_tensor_info_t &output : module.outputs())
    std::printf("  output %s: %s\n", output.name, describe(output).c_str());
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

int run(const std::string &path, const het::Module &module, const het_runtime_options_t &options,
        const std::string &deviceName, const std::vector<std::string> &inputArguments,
        const std::string &outputDirectory) {
  std::vector<het::Tensor> inputs = readInputs(module, inputArguments);
  het::Runtime runtime = het::Runtime::create(&options);
  het_device_info_t device = runtime.findDevice(deviceName);
  auto start = std::chrono::steady_clock::now();
  std::vector<het::Tensor> outputs;
  try {
    outputs = runtime.invoke(module, deviceName, inputs);
  } catch (const het::Error &error) {
    if (error.code() != HET_STATUS_INVALID_ARGUMENT)
      throw;
    throw UsageError(std::string(error.what()) + "\nexpected inputs: " + describeInputs(module));
  }
  double milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  std::vector<std::string> names;
  for (const het_tensor_info_t &output : module.outputs())
    names.push_back(output.name);
  std::vector<het::hetrun::WrittenOutput> written = het::hetrun::writeOutputs(outputDirectory, names, outputs);
  std::printf("%s: ran on %s (%s) in %.3f ms\n", path.c_str(), device.name, device.description, milliseconds);
  for (size_t i = 0; i < outputs.size(); ++i)
    std::printf("  output %s: %s -> %s\n", written[i].name.c_str(), describe(outputs[i].info()).c_str(),
                (std::filesystem::path(outputDirectory) / written[i].file).c_str());
  return 0;
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
               "  hetrun --list-devices\n",
               "hetrun"};
  std::string path;
  std::vector<std::string> inputArguments;
  std::string outputDirectory;
  std::string deviceName = "auto";
  unsigned threads = 0;
  bool listDevicesFlag = false;
  app.add_option("module", path, "The .hetbin file to load");
  app.add_option("--input", inputArguments,
                 "NAME=FILE: graph input NAME from FILE, a NumPy .npy or an ONNX TensorProto .pb (repeatable)");
  app.add_option("--output-dir", outputDirectory,
                 "Write each output to DIR/<name>.npy and their list to DIR/outputs.json (created if missing)");
  app.add_option("--device", deviceName, "Where to run: auto (the cpu), cpu or fpga-sim")->capture_default_str();
  app.add_option("--threads", threads, "Most threads the cpu device uses (default: one per core)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--list-devices", listDevicesFlag, "List the devices of this machine, with why any is unavailable");
  app.set_version_flag("--version", std::string("hetrun ") + HET_VERSION_STRING);
  CLI11_PARSE(app, argc, argv);

  het_runtime_options_t options{};
  options.cpu_threads = threads;
  try {
    if (listDevicesFlag)
      return listDevices(options);
    if (path.empty())
      throw UsageError("a module is required (or --list-devices); run 'hetrun --help'");
    het::Module module = het::Module::loadFile(path);
    if (inputArguments.empty() && outputDirectory.empty()) {
      printSignature(path, module);
      return 0;
    }
    if (outputDirectory.empty())
      throw UsageError("--output-dir is required to run a module");
    return run(path, module, options, deviceName, inputArguments, outputDirectory);
  } catch (const std::exception &error) {
    std::fprintf(stderr, "hetrun: error: %s\n", error.what());
    return 1;
  }
}
