// The calibration chunk on the host.
#include "drivers/CalibrationWork.h"

namespace het::runtime {

void runCalibrationChunkOnHost(std::int64_t seed) {
  float accumulators[kCalibrationAccumulators];
  for (int j = 0; j < kCalibrationAccumulators; ++j)
    accumulators[j] = static_cast<float>(seed + j);
  for (std::int64_t step = 0; step < kCalibrationSteps; ++step)
    for (float &accumulator : accumulators)
      accumulator = accumulator * 0.999999f + 0.000001f;
  float sum = 0;
  for (float accumulator : accumulators)
    sum += accumulator;
  // A volatile store keeps the result, and so the loop, which the optimizer would otherwise prove unused.
  volatile float observed = sum;
  static_cast<void>(observed);
}

} // namespace het::runtime
