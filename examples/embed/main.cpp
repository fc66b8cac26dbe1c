// embed: runs a .hetbin from an application through the runtime's C++ API. It lists the devices of the pool with
// their capabilities, places the module over them with the cost model, runs it and prints where each kernel ran
// and the outputs.
//
//   embed MODEL.hetbin [--device NAME] INPUT.bin ...
//
// Each INPUT.bin holds the raw bytes of one graph input, in the module's input order (numpy: array.tofile()).
// Without --device every kernel goes where the cost model says it finishes first.
#include "het/het.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

std::string describe(const het_tensor_info_t &info) {
  std::string text = std::string(het_dtype_name(info.dtype)) + "[";
  for (size_t i = 0; i < info.rank; ++i)
    text += (i ? "x" : "") + std::to_string(info.shape[i]);
  return text + "]";
}

/// Reads `path` as the raw bytes of a tensor shaped like `input`; throws when the size does not match.
het::Tensor readInput(const std::string &path, const het_tensor_info_t &input) {
  std::ifstream file(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (!file.good() && !file.eof())
    throw std::runtime_error("cannot read '" + path + "'");
  std::vector<int64_t> shape(input.shape, input.shape + input.rank);
  size_t expected = het_dtype_size(input.dtype);
  for (int64_t dimension : shape)
    expected *= static_cast<size_t>(dimension < 0 ? 0 : dimension);
  if (bytes.size() != expected)
    throw std::runtime_error("'" + path + "' has " + std::to_string(bytes.size()) + " bytes; input '" + input.name +
                             "' (" + describe(input) + ") takes " + std::to_string(expected));
  return het::Tensor::create(input.dtype, shape, bytes.data());
}

void printValues(const het::Tensor &tensor) {
  het_tensor_info_t info = tensor.info();
  size_t count = tensor.byteSize() / het_dtype_size(info.dtype);
  for (size_t i = 0; i < count; ++i) {
    if (info.dtype == HET_DTYPE_FLOAT32)
      std::printf(" %.9g", static_cast<const float *>(tensor.data())[i]);
    else if (info.dtype == HET_DTYPE_INT64)
      std::printf(" %lld", static_cast<long long>(static_cast<const int64_t *>(tensor.data())[i]));
    else {
      std::printf(" (%zu bytes of %s)", tensor.byteSize(), het_dtype_name(info.dtype));
      break;
    }
  }
  std::printf("\n");
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  std::string device;
  std::vector<std::string> inputFiles;
  for (size_t i = 1; i < arguments.size(); ++i) {
    if (arguments[i] == "--device" && i + 1 < arguments.size())
      device = arguments[++i];
    else
      inputFiles.push_back(arguments[i]);
  }
  if (arguments.empty()) {
    std::fprintf(stderr, "usage: embed MODEL.hetbin [--device NAME] INPUT.bin ...\n");
    return 2;
  }
  try {
    het::Module module = het::Module::loadFile(arguments[0]);
    het::Runtime runtime = het::Runtime::create();
    std::printf("het runtime %s: the pool\n", het_version());
    for (const het_device_capabilities_t &capabilities : runtime.capabilities()) {
      if (capabilities.available)
        std::printf("  %-9s %s, %s: %.1f GFLOP/s, %.1f GB/s (%s)\n", capabilities.name, capabilities.description,
                    capabilities.variant_formats, capabilities.peak_gflops, capabilities.bandwidth_gbps,
                    capabilities.calibration);
      else
        std::printf("  %-9s unavailable: %s\n", capabilities.name, capabilities.reason);
    }

    std::vector<het_tensor_info_t> signature = module.inputs();
    if (inputFiles.size() != signature.size())
      throw std::runtime_error("the module takes " + std::to_string(signature.size()) + " input(s), got " +
                               std::to_string(inputFiles.size()) + " file(s)");
    std::vector<het::Tensor> inputs;
    for (size_t i = 0; i < signature.size(); ++i)
      inputs.push_back(readInput(inputFiles[i], signature[i]));

    het_session_options_t options{};
    options.placement = device.empty() ? HET_PLACEMENT_AUTO : HET_PLACEMENT_DEVICE;
    options.device = device.c_str();
    het::Session session = het::Session::create(runtime, module, &options);
    het::RunReport report;
    std::vector<het::Tensor> outputs = session.invoke(inputs, &report);
    std::printf("ran in %.3f ms\n", report.totalMs());
    for (const het_dispatch_record_t &record : report.dispatches())
      std::printf("  %-24s on %s\n", record.kernel, record.device);
    std::vector<het_tensor_info_t> names = module.outputs();
    for (size_t i = 0; i < outputs.size(); ++i) {
      std::printf("output %s %s:", names[i].name, describe(outputs[i].info()).c_str());
      printValues(outputs[i]);
    }
  } catch (const std::exception &error) {
    std::fprintf(stderr, "embed: error: %s\n", error.what());
    return 1;
  }
  return 0;
}
