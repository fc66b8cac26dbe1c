// hetrun --kernel: reads a kernel's arguments, launches it through het_module_launch_kernel, writes what it wrote.
#include "KernelLaunch.h"

#include "NpyFile.h"
#include "OutputDirectory.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>

namespace het::hetrun {
namespace {

std::string describe(const het_binding_info_t &binding) {
  std::string text = std::string(binding.name) + ": " + het_dtype_name(binding.dtype);
  if (binding.rank == 0)
    return text + " scalar";
  text += "[";
  for (size_t i = 0; i < binding.rank; ++i)
    text += (i ? "x" : "") + (binding.shape[i] < 0 ? std::string("?") : std::to_string(binding.shape[i]));
  const char *access = binding.access == HET_ACCESS_READ ? "in" : binding.access == HET_ACCESS_WRITE ? "out" : "inout";
  return text + "] " + access;
}

std::string describeArguments(const std::vector<het_binding_info_t> &bindings) {
  std::string text;
  for (const het_binding_info_t &binding : bindings)
    text += (text.empty() ? "" : ", ") + describe(binding);
  return text.empty() ? "none" : text;
}

/// "64x64" or "1024": a shape; std::nullopt for anything else.
std::optional<std::vector<int64_t>> parseShape(const std::string &text) {
  std::vector<int64_t> shape;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('x', start);
    std::string part = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 12)
      return std::nullopt;
    shape.push_back(std::stoll(part));
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return shape;
}

/// A 0-d tensor holding `text` as a value of the binding's dtype.
Tensor parseScalar(const het_binding_info_t &binding, const std::string &text) {
  auto fail = [&]() -> Tensor {
    throw std::runtime_error("--arg " + std::string(binding.name) + "='" + text + "': expected a " +
                             het_dtype_name(binding.dtype) + " value or a .npy file");
  };
  unsigned char bytes[8] = {};
  try {
    size_t used = 0;
    switch (binding.dtype) {
    case HET_DTYPE_FLOAT32: {
      float value = std::stof(text, &used);
      std::memcpy(bytes, &value, sizeof value);
      break;
    }
    case HET_DTYPE_FLOAT64: {
      double value = std::stod(text, &used);
      std::memcpy(bytes, &value, sizeof value);
      break;
    }
    case HET_DTYPE_BOOL:
      if (text != "0" && text != "1" && text != "true" && text != "false")
        return fail();
      bytes[0] = text == "1" || text == "true";
      used = text.size();
      break;
    default: {
      if (het_dtype_size(binding.dtype) == 0 || binding.dtype == HET_DTYPE_FLOAT16 ||
          binding.dtype == HET_DTYPE_BFLOAT16)
        return fail();
      long long value = std::stoll(text, &used);
      std::memcpy(bytes, &value, het_dtype_size(binding.dtype)); // little-endian: the low bytes
      break;
    }
    }
    if (used != text.size())
      return fail();
  } catch (const std::logic_error &) {
    return fail();
  }
  return Tensor::create(binding.dtype, {}, bytes);
}

/// One argument as given and as the kernel takes it: buffers are flattened to the binding's rank 1 when their file
/// has more dimensions, and written back in the given shape.
struct Argument {
  Tensor given;
  Tensor passed;
};

Argument readArgument(const het_binding_info_t &binding, const std::string &value) {
  std::string name = binding.name;
  Tensor given = Tensor::create(HET_DTYPE_FLOAT32, {0});
  if (std::filesystem::path(value).extension() == ".npy") {
    given = readNpy(value);
  } else if (binding.rank == 0) {
    given = parseScalar(binding, value);
  } else if (std::optional<std::vector<int64_t>> shape = parseShape(value);
             shape && binding.access == HET_ACCESS_WRITE) {
    given = Tensor::create(binding.dtype, *shape);
  } else {
    throw std::runtime_error("--arg " + name + "='" + value + "': expected a .npy file" +
                             (binding.access == HET_ACCESS_WRITE ? " or a shape such as 1024 or 64x64" : ""));
  }
  het_tensor_info_t info = given.info();
  if (info.dtype != binding.dtype)
    throw std::runtime_error("--arg " + name + ": " + het_dtype_name(info.dtype) + " given, but the kernel takes " +
                             describe(binding));
  if (binding.rank == info.rank)
    return {given, given};
  if (binding.rank == 1 && binding.shape[0] < 0) {
    int64_t count = 1;
    for (size_t i = 0; i < info.rank; ++i)
      count *= info.shape[i];
    return {given, Tensor::create(info.dtype, {count}, given.data())};
  }
  throw std::runtime_error("--arg " + name + " has rank " + std::to_string(info.rank) + ", but the kernel takes " +
                           describe(binding));
}

/// "X[,Y[,Z]]" as 1 to 3 extents.
std::vector<uint64_t> parseGrid(const std::string &text) {
  std::vector<uint64_t> grid;
  size_t start = 0;
  while (true) {
    size_t end = text.find(',', start);
    std::string part = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 10 ||
        std::stoull(part) == 0 || grid.size() == 3)
      throw std::runtime_error("--grid '" + text + "': expected 1 to 3 positive extents X[,Y[,Z]]");
    grid.push_back(std::stoull(part));
    if (end == std::string::npos)
      return grid;
    start = end + 1;
  }
}

} // namespace

std::string describeIndexSpaceKernels(const Module &module) {
  std::string text;
  for (size_t kernel = 0; kernel < module.kernelCount(); ++kernel) {
    std::vector<het_binding_info_t> bindings = module.kernelBindings(kernel);
    if (bindings.empty() || std::string(bindings.front().name) != HET_GRID_BINDING_NAME)
      continue;
    bindings.erase(bindings.begin());
    text += "  kernel " + std::string(het_module_kernel_name(module.get(), kernel)) + "(" +
            describeArguments(bindings) + ") over --grid=X[,Y[,Z]]\n";
  }
  return text;
}

int launchKernel(const std::string &path, const Module &module, const het_runtime_options_t &options,
                 const KernelLaunchRequest &request) {
  size_t kernel = module.findKernel(request.kernel);
  std::vector<het_binding_info_t> bindings = module.kernelBindings(kernel);
  bool hasGrid = !bindings.empty() && std::string(bindings.front().name) == HET_GRID_BINDING_NAME;
  if (hasGrid)
    bindings.erase(bindings.begin());
  std::vector<uint64_t> grid;
  if (hasGrid && request.grid.empty())
    throw std::runtime_error("kernel '" + request.kernel + "' runs over an index space: give --grid=X[,Y[,Z]]");
  if (!hasGrid && !request.grid.empty())
    throw std::runtime_error("kernel '" + request.kernel + "' has a fixed launch: leave out --grid");
  if (hasGrid)
    grid = parseGrid(request.grid);
  if (request.outputDirectory.empty())
    throw std::runtime_error("--output-dir is required to launch a kernel");

  std::map<std::string, std::string> values;
  for (const std::string &argument : request.arguments) {
    size_t equals = argument.find('=');
    if (equals == std::string::npos || equals == 0)
      throw std::runtime_error("--arg '" + argument + "': expected NAME=FILE.npy or NAME=VALUE");
    std::string name = argument.substr(0, equals);
    bool known = false;
    for (const het_binding_info_t &binding : bindings)
      known |= name == binding.name;
    if (!known)
      throw std::runtime_error("--arg '" + name + "': kernel '" + request.kernel +
                               "' has no such argument; its arguments: " + describeArguments(bindings));
    if (!values.emplace(name, argument.substr(equals + 1)).second)
      throw std::runtime_error("--arg '" + name + "' is given twice");
  }
  std::vector<Argument> arguments;
  for (const het_binding_info_t &binding : bindings) {
    auto value = values.find(binding.name);
    if (value == values.end())
      throw std::runtime_error("missing --arg for '" + std::string(binding.name) + "'; kernel '" + request.kernel +
                               "' takes: " + describeArguments(bindings));
    arguments.push_back(readArgument(binding, value->second));
  }

  Runtime runtime = Runtime::create(&options);
  het_device_info_t device = runtime.findDevice(request.device);
  std::vector<Tensor> passed;
  for (const Argument &argument : arguments)
    passed.push_back(argument.passed);
  auto start = std::chrono::steady_clock::now();
  runtime.launchKernel(module, request.device, kernel, grid, passed);
  double milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  std::vector<std::string> names;
  std::vector<Tensor> written;
  for (size_t i = 0; i < bindings.size(); ++i) {
    if (bindings[i].access == HET_ACCESS_READ)
      continue;
    names.push_back(bindings[i].name);
    het_tensor_info_t info = arguments[i].given.info();
    written.push_back(Tensor::create(info.dtype, {info.shape, info.shape + info.rank}, arguments[i].passed.data()));
  }
  std::vector<WrittenOutput> files = writeOutputs(request.outputDirectory, names, written);
  std::printf("%s: kernel '%s' ran on %s (%s) in %.3f ms\n", path.c_str(), request.kernel.c_str(), device.name,
              device.description, milliseconds);
  for (const WrittenOutput &file : files)
    std::printf("  output %s -> %s\n", file.name.c_str(),
                (std::filesystem::path(request.outputDirectory) / file.file).c_str());
  return 0;
}

} // namespace het::hetrun
