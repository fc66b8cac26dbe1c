// hetrun-test-modules: writes the runtime tests' .hetbin modules (TestModules.h) into a folder, for the C API
// tests and the hetrun lit tests.
#include "TestModules.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: hetrun-test-modules DIR\n");
    return 2;
  }
  try {
    for (const auto &[name, bytes] : het::test::buildAllTestModules(het::test::readKernelImages())) {
      std::string path = std::string(argv[1]) + "/" + name;
      std::ofstream file(path, std::ios::binary | std::ios::trunc);
      file.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      if (!file.flush())
        throw std::runtime_error("cannot write " + path);
    }
  } catch (const std::exception &error) {
    std::fprintf(stderr, "hetrun-test-modules: %s\n", error.what());
    return 1;
  }
  return 0;
}
