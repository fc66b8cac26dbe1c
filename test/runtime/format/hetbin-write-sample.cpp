// Writes the sample .hetbin (SampleHetbin.h) to the path given as argument.
//
// It is the fuzz seed and a known-good file for tool tests.
#include "SampleHetbin.h"

#include <cstdio>
#include <string>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT.hetbin\n", argv[0]);
    return 2;
  }
  het::format::sample::SampleHetbin sample =
      het::format::sample::buildSampleHetbin();
  std::string error;
  if (!sample.writer.writeFile(argv[1], sample.manifest, error)) {
    std::fprintf(stderr, "hetbin-write-sample: %s\n", error.c_str());
    return 1;
  }
  return 0;
}
