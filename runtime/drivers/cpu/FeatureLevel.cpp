// Detects the x86-64 level of the running CPU, so the cpu driver picks the widest code it can run.
#include "drivers/cpu/FeatureLevel.h"

#include <cassert>

namespace het::runtime::cpu {

std::optional<int> parseFeatureLevel(std::string_view name) {
  if (name == "x86-64")
    return 1;
  if (name == "x86-64-v2")
    return 2;
  if (name == "x86-64-v3")
    return 3;
  if (name == "x86-64-v4")
    return 4;
  return std::nullopt;
}

std::string featureLevelName(int level) {
  assert(level >= 1 && level <= 4 && "x86-64 levels are 1 to 4");
  return level == 1 ? "x86-64" : "x86-64-v" + std::to_string(level);
}

int hostFeatureLevel() {
#if defined(__x86_64__)
  // The compiler runtime checks each level's whole feature list (and XGETBV for the AVX register state).
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4"))
    return 4;
  if (__builtin_cpu_supports("x86-64-v3"))
    return 3;
  if (__builtin_cpu_supports("x86-64-v2"))
    return 2;
  return 1;
#else
  // Not an x86-64 host: no x86-64 variant can run.
  return 0;
#endif
}

} // namespace het::runtime::cpu
