// hetrun --kernel: launches one kernel of a .hetbin by itself, with buffers and scalars from the command line.
#ifndef HET_TOOLS_HETRUN_KERNELLAUNCH_H
#define HET_TOOLS_HETRUN_KERNELLAUNCH_H

#include "het/het.hpp"

#include <string>
#include <vector>

namespace het::hetrun {

struct KernelLaunchRequest {
  std::string kernel;
  std::string grid;                   ///< "X[,Y[,Z]]"; empty for a kernel with a fixed launch
  std::vector<std::string> arguments; ///< NAME=FILE.npy | NAME=VALUE (scalars) | NAME=SHAPE (written buffers)
  std::string device = "auto";
  std::string outputDirectory;
};

/// "  kernel NAME(ARG: TYPE, ...)" lines for the kernels that run over an index space (C++ kernels), which
/// `hetrun --kernel` launches; empty when there are none.
std::string describeIndexSpaceKernels(const Module &module);

/// Launches the kernel, writes every buffer it writes to DIR/<name>.npy (in the shape its argument gave) and
/// DIR/outputs.json, and prints a summary. Throws std::runtime_error with the whole story on a bad request.
int launchKernel(const std::string &path, const Module &module, const het_runtime_options_t &options,
                 const KernelLaunchRequest &request);

} // namespace het::hetrun

#endif // HET_TOOLS_HETRUN_KERNELLAUNCH_H
