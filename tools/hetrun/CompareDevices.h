// hetrun --compare-devices: runs a module on every device alone and measures how far apart their outputs are.
#ifndef HET_TOOLS_HETRUN_COMPAREDEVICES_H
#define HET_TOOLS_HETRUN_COMPAREDEVICES_H

#include "het/het.hpp"

#include <string>
#include <vector>

namespace het::hetrun {

/// One device's run of the whole module, or why it had none.
struct DeviceRun {
  std::string device;
  std::string skipped; ///< why it did not run (unavailable, no variant of a kernel, failed); empty when it ran
  double milliseconds = 0;
  std::vector<Tensor> outputs;
};

/// How far one output of a device is from the reference device's: over all elements, the largest |a - b| and the
/// largest |a - b| / max(|a|, |b|) (0 where both are 0, so at most 2). NaN in both at one place is no difference;
/// NaN in one of them, or outputs of different dtypes or shapes, is an infinite one.
struct OutputDifference {
  double maxAbsolute = 0;
  double maxRelative = 0;
  bool sameShape = true;
};
OutputDifference compareOutputs(const Tensor &reference, const Tensor &other);

struct DeviceComparison {
  std::vector<DeviceRun> runs; ///< every device of the runtime, in pool order
  std::size_t reference = 0;   ///< the run the others are compared with: the first that ran
  /// [output][run]: each run's difference from the reference; zero for the reference and for skipped runs.
  std::vector<std::vector<OutputDifference>> differences;
};

/// Runs `module` on each device of `runtime` alone (a session placing every kernel there). A device that is
/// unavailable, lacks a variant of some kernel or fails mid-run (its work then ran elsewhere) is skipped with the
/// reason; any other failure throws het::Error, as does a module that no device can run.
DeviceComparison compareDevices(const Runtime &runtime, const Module &module, const std::vector<Tensor> &inputs);

/// The runs, then per output each device's largest absolute and relative difference from the reference.
std::string formatComparisonText(const std::string &path, const Module &module, const DeviceComparison &comparison);
/// The same as one JSON object: "module", "reference", "devices" [{"name", "ran", "time_ms" | "skipped"}],
/// "outputs" [{"name", "differences": [{"device", "max_abs", "max_rel"}]}] (infinite differences are null).
std::string formatComparisonJson(const std::string &path, const Module &module, const DeviceComparison &comparison);

} // namespace het::hetrun

#endif // HET_TOOLS_HETRUN_COMPAREDEVICES_H
