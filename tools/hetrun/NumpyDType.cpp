// Maps the runtime's dtypes to NumPy's and back.
#include "NumpyDType.h"

#include <array>

namespace het::hetrun {
namespace {

// uint16 comes before bfloat16 so that a "<u2" descriptor reads back as uint16.
constexpr std::array<NumpyDType, 13> kTable = {{
    {HET_DTYPE_FLOAT32, "<f4", "float32"},
    {HET_DTYPE_FLOAT64, "<f8", "float64"},
    {HET_DTYPE_FLOAT16, "<f2", "float16"},
    {HET_DTYPE_INT8, "|i1", "int8"},
    {HET_DTYPE_INT16, "<i2", "int16"},
    {HET_DTYPE_INT32, "<i4", "int32"},
    {HET_DTYPE_INT64, "<i8", "int64"},
    {HET_DTYPE_UINT8, "|u1", "uint8"},
    {HET_DTYPE_UINT16, "<u2", "uint16"},
    {HET_DTYPE_UINT32, "<u4", "uint32"},
    {HET_DTYPE_UINT64, "<u8", "uint64"},
    {HET_DTYPE_BOOL, "|b1", "bool"},
    {HET_DTYPE_BFLOAT16, "<u2", "bfloat16"},
}};

} // namespace

const NumpyDType *numpyDTypeOf(het_dtype_t dtype) {
  for (const NumpyDType &entry : kTable)
    if (entry.dtype == dtype)
      return &entry;
  return nullptr;
}

const NumpyDType *numpyDTypeOfDescriptor(std::string_view descriptor) {
  if (descriptor.size() < 2)
    return nullptr;
  std::string_view kindAndSize = descriptor.substr(1);
  char order = descriptor[0];
  for (const NumpyDType &entry : kTable) {
    if (entry.descriptor.substr(1) != kindAndSize)
      continue;
    // One-byte types have no byte order: numpy writes '|', but '<' and '=' mean the same for them.
    bool singleByte = entry.descriptor[0] == '|';
    if (order == '<' || order == '=' || (singleByte && order == '|'))
      return &entry;
  }
  return nullptr;
}

} // namespace het::hetrun
