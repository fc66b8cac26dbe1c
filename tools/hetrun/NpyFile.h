// Reading and writing NumPy .npy files (format versions 1 to 3, little-endian, C order, no pickles).
#ifndef HET_TOOLS_HETRUN_NPYFILE_H
#define HET_TOOLS_HETRUN_NPYFILE_H

#include "het/het.hpp"

#include <string>

namespace het::hetrun {

/// Reads the array in `path`. Throws std::runtime_error naming the file and what is wrong with it (a
/// big-endian or Fortran-order array, an object array that would need unpickling, a dtype the runtime lacks, a
/// truncated file).
Tensor readNpy(const std::string &path);

/// Writes `tensor` to `path` as a version 1.0 .npy file (bfloat16 as uint16 bit patterns). Throws
/// std::runtime_error on an I/O failure.
void writeNpy(const std::string &path, const Tensor &tensor);

} // namespace het::hetrun

#endif // HET_TOOLS_HETRUN_NPYFILE_H
