// The one table between the runtime's dtypes and NumPy's: .npy descriptors and the names outputs.json uses.
#ifndef HET_TOOLS_HETRUN_NUMPYDTYPE_H
#define HET_TOOLS_HETRUN_NUMPYDTYPE_H

#include "het/het.h"

#include <string_view>

namespace het::hetrun {

struct NumpyDType {
  het_dtype_t dtype;
  /// The little-endian .npy descriptor, e.g. "<f4", "|b1". bfloat16 (numpy has none) is stored as "<u2".
  std::string_view descriptor;
  /// The numpy name, e.g. "float32"; "bfloat16" for bfloat16 bit patterns.
  std::string_view name;
};

/// The entry of `dtype`, or null for HET_DTYPE_UNKNOWN.
const NumpyDType *numpyDTypeOf(het_dtype_t dtype);

/// The entry of a .npy descriptor: a byte-order mark ('<', '|', or '=' meaning this little-endian host) then a
/// kind and size. Null when the runtime has no such dtype. "<u2" is uint16, never bfloat16.
const NumpyDType *numpyDTypeOfDescriptor(std::string_view descriptor);

} // namespace het::hetrun

#endif // HET_TOOLS_HETRUN_NUMPYDTYPE_H
