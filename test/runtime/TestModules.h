// The .hetbin modules of the runtime tests, built around real kernel images compiled by the test build.
//
// Shared by the driver and executor tests (in memory) and by hetrun-test-modules, which writes them to files
// for the C API tests and the hetrun lit tests.
#ifndef HET_TEST_RUNTIME_TESTMODULES_H
#define HET_TEST_RUNTIME_TESTMODULES_H

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace het::test {

/// The images of kernels/CpuTestKernels.c and kernels/CsimTestKernels.cpp, read from where the build put them.
struct KernelImages {
  std::vector<std::byte> cpu;
  std::vector<std::byte> csim;
};
KernelImages readKernelImages();

/// x, y: f32[4x8]; constant scale: f32[8] = 1, 2, ..., 8. Dispatch 0 sum = add(x, y), dispatch 1
/// out = scale_rows(sum, scale), each kernel with a cpu (x86-64, grid 4) and an fpga-sim variant. Outputs in
/// order: "out", "sum/raw" (dispatch 0's result, a name hetrun must sanitize), "x:echo" (input x itself),
/// "scale" (the constant).
std::vector<std::byte> buildAddScaleModule(const KernelImages &images);
/// x: f32[4x8]. A chain a = add(x, x), b = add(a, a), c = add(b, b), out = add(c, c) (cpu and fpga-sim
/// variants) whose only output is "out" = 16 x: a, b and c are freed after their one reader where results can be.
std::vector<std::byte> buildChainModule(const KernelImages &images);
/// add(x, y) with only a cpu variant: no variant for fpga-sim.
std::vector<std::byte> buildCpuOnlyModule(const KernelImages &images);
/// add(x, y) with cpu variants x86-64 (x + y), x86-64-v2 (x + y + 1000) and "x86-64-v99" (an unknown level
/// no CPU has): the driver must pick x86-64-v2 on any x86-64 machine from the last 15 years.
std::vector<std::byte> buildFeatureLevelModule(const KernelImages &images);
/// ids: i64[64] = thread_ids(), a cpu kernel with 64 tiles writing the thread that ran each tile.
std::vector<std::byte> buildThreadIdsModule(const KernelImages &images);
/// x, y: f32[4x8]. Two independent branches a = slow_add(x, y), b = slow_add(y, x) (20 ms each, with cpu and
/// fpga-sim variants), joined by out = add(a, b), whose kernel has only a cpu variant. Output "out" = 2 (x + y).
std::vector<std::byte> buildBranchesModule(const KernelImages &images);
/// No kernels: outputs "a" = input a (i64[2x3]) and "flags" = input flags (bool[4]), in that order.
std::vector<std::byte> buildIdentityModule();
/// add(x, y) whose cpu image is not an ELF file.
std::vector<std::byte> buildBrokenImageModule();
/// add(x, y) whose cpu variant names an entry point its image does not export.
std::vector<std::byte> buildMissingEntryModule(const KernelImages &images);

/// Every module above with its file name ("add-scale.hetbin", ...).
std::vector<std::pair<std::string, std::vector<std::byte>>> buildAllTestModules(const KernelImages &images);

} // namespace het::test

#endif // HET_TEST_RUNTIME_TESTMODULES_H
