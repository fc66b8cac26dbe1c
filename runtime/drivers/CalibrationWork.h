// The unit of work the calibration times on every device: a chunk of independent multiply-add chains, the same
// arithmetic on the host (runCalibrationChunkOnHost) and in each driver's own kernel language (the cuda driver's
// PTX), so that one chunk is the same number of flops wherever it runs.
#ifndef HET_RUNTIME_DRIVERS_CALIBRATIONWORK_H
#define HET_RUNTIME_DRIVERS_CALIBRATIONWORK_H

#include <cstdint>

namespace het::runtime {

/// Independent accumulators per chunk: enough to keep every FMA pipe of a core (or a GPU thread's) busy.
inline constexpr int kCalibrationAccumulators = 16;
/// Multiply-add steps of each accumulator per chunk.
inline constexpr std::int64_t kCalibrationSteps = 1 << 13;
/// A multiply-add counts as two flops.
inline constexpr double kCalibrationFlopsPerChunk = 2.0 * kCalibrationAccumulators * kCalibrationSteps;

/// One chunk on the calling thread; `seed` varies the starting values so no two chunks can be merged.
void runCalibrationChunkOnHost(std::int64_t seed);

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_CALIBRATIONWORK_H
