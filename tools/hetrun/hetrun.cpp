// hetrun: loads a .hetbin through the runtime's C API, validates it and describes what it computes.
#include "het/Version.h"
#include "het/het.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

namespace {

std::string describe(const het_tensor_info_t &info) {
  std::string text = std::string(het_dtype_name(info.dtype)) + "[";
  for (size_t i = 0; i < info.rank; ++i)
    text += (i ? "x" : "") + (info.shape[i] < 0 ? std::string("?") : std::to_string(info.shape[i]));
  return text + "]";
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"hetrun: load a .hetbin fat binary and run it on the devices of this machine.\n\n"
               "The module is mapped and fully validated (header, sections, content hash, manifest)\n"
               "before anything else; a malformed file is an error with a non-zero exit.\n\n"
               "Example:\n  hetrun model.hetbin\n",
               "hetrun"};
  std::string path;
  app.add_option("module", path, "The .hetbin file to load")->required();
  app.set_version_flag("--version", std::string("hetrun ") + HET_VERSION_STRING);
  CLI11_PARSE(app, argc, argv);

  try {
    het::Module module = het::Module::loadFile(path);
    std::printf("%s: valid .hetbin produced by '%s', %zu kernel(s)\n", path.c_str(), module.producer().c_str(),
                module.kernelCount());
    for (const het_tensor_info_t &input : module.inputs())
      std::printf("  input  %s: %s\n", input.name, describe(input).c_str());
    for (const het_tensor_info_t &output : module.outputs())
      std::printf("  output %s: %s\n", output.name, describe(output).c_str());
  } catch (const het::Error &error) {
    std::fprintf(stderr, "hetrun: error: %s\n", error.what());
    return 1;
  }
  return 0;
}
