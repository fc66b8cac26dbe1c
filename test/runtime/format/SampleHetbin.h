// A small valid .hetbin shared by the format tests, fuzz seed and tool tests.
//
// Two constants, kernels with CPU, PTX and HLS variants, a two-dispatch graph;
// built in one place so that all of them start from the same file.
#ifndef HET_TEST_RUNTIME_FORMAT_SAMPLEHETBIN_H
#define HET_TEST_RUNTIME_FORMAT_SAMPLEHETBIN_H

#include "het/format/HetbinWriter.h"

#include <vector>

namespace het::format::sample {

struct SampleHetbin {
  HetbinWriter writer;
  hetbin::Manifest manifest;
  /// payloads[i] is the payload of section i + 1 (section 0 is the manifest).
  std::vector<std::vector<std::byte>> payloads;
};

/// The sample computes z = x * w + b for x: f32[?x4], w: f32[4x4], b: f32[4]:
///   sections: 0 manifest, 1 w, 2 b, 3 matmul CPU image, 4 matmul PTX, 5 matmul
///   HLS C++, 6 add_bias CPU image kernels:  0 matmul (x READ, w READ, y
///   WRITE), 1 add_bias (y READ, b READ, z READ_WRITE) graph:    dispatch 0 =
///   matmul(inputs[0], constants[0]); dispatch 1 = add_bias(dispatch 0 result
///   0,
///             constants[1]); outputs[0] "z" = dispatch 1 result 0
SampleHetbin buildSampleHetbin();

} // namespace het::format::sample

#endif // HET_TEST_RUNTIME_FORMAT_SAMPLEHETBIN_H
