// x86-64 micro-architecture levels: naming them and finding the one the running CPU supports.
#ifndef HET_RUNTIME_DRIVERS_CPU_FEATURELEVEL_H
#define HET_RUNTIME_DRIVERS_CPU_FEATURELEVEL_H

#include <optional>
#include <string>
#include <string_view>

namespace het::runtime::cpu {

/// 1 for "x86-64" (the baseline), 2 to 4 for "x86-64-v2" to "x86-64-v4"; nothing for other names.
std::optional<int> parseFeatureLevel(std::string_view name);

/// "x86-64", "x86-64-v2", ...; `level` must be 1 to 4.
std::string featureLevelName(int level);

/// The highest level whose whole feature set the running CPU (and OS, for AVX state) supports.
int hostFeatureLevel();

} // namespace het::runtime::cpu

#endif // HET_RUNTIME_DRIVERS_CPU_FEATURELEVEL_H
