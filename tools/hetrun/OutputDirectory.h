// Writing a run's outputs: one .npy per output and outputs.json, all or nothing.
#ifndef HET_TOOLS_HETRUN_OUTPUTDIRECTORY_H
#define HET_TOOLS_HETRUN_OUTPUTDIRECTORY_H

#include "het/het.hpp"

#include <string>
#include <vector>

namespace het::hetrun {

/// An output as written: its graph name and its file relative to the output directory.
struct WrittenOutput {
  std::string name;
  std::string file;
};

/// The .npy file name of output `name`: characters outside [A-Za-z0-9._-] become '_', then ".npy". Names that
/// collide after that get "_1", "_2", ... before the extension, in graph order.
std::vector<std::string> outputFileNames(const std::vector<std::string> &names);

/// Writes `outputs` (named after `names`) and outputs.json into `directory`, creating it if missing. The files
/// are written into a temporary folder inside `directory` and moved into place only once all are complete, so a
/// failure leaves no partial output. Throws std::runtime_error on failure.
std::vector<WrittenOutput> writeOutputs(const std::string &directory, const std::vector<std::string> &names,
                                        const std::vector<Tensor> &outputs);

} // namespace het::hetrun

#endif // HET_TOOLS_HETRUN_OUTPUTDIRECTORY_H
