// Reading ONNX TensorProto .pb files, the format of the ONNX backend test data.
#ifndef HET_TOOLS_HETRUN_TENSORPROTOFILE_H
#define HET_TOOLS_HETRUN_TENSORPROTOFILE_H

#include "het/het.hpp"

#include <string>

namespace het::hetrun {

/// Reads the serialized onnx.TensorProto in `path`, from raw_data or the typed repeated fields. Throws
/// std::runtime_error naming the file for an unparsable file, an element type the runtime lacks (string,
/// complex), external data, or an element count that does not match the dims.
Tensor readTensorProto(const std::string &path);

} // namespace het::hetrun

#endif // HET_TOOLS_HETRUN_TENSORPROTOFILE_H
