// What hetrun prints about runs: the per-dispatch report (text or JSON), latency statistics of a benchmark, a
// Chrome trace-event file, and the device list.
#ifndef HET_TOOLS_HETRUN_REPORTS_H
#define HET_TOOLS_HETRUN_REPORTS_H

#include "het/het.hpp"

#include <string>
#include <vector>

namespace het::hetrun {

/// "float32[4x8]"; a dynamic dimension is "?".
std::string describeType(const het_tensor_info_t &info);

/// Latencies of the measured iterations of a benchmark, in milliseconds.
struct LatencySummary {
  std::size_t iterations = 0;
  double medianMs = 0, p10Ms = 0, p90Ms = 0, minMs = 0, maxMs = 0;
};
/// Percentiles interpolate linearly between the nearest samples; `samples` must not be empty.
LatencySummary summarizeLatencies(std::vector<double> samples);

/// "fpga-sim failed at dispatch 2 (kernel 'k'): <why>; 3 dispatch(es) placed again on the other devices".
std::string describeFault(const het_fault_record_t &fault);

/// One line per dispatch: index, kernel, device, start and time in ms, bytes moved; then the totals, then the
/// device failures the run survived and where their dispatches went.
std::string formatReportText(const RunReport &report);
/// The members of the report as JSON object members ("total_ms": ..., "dispatches": [...], "faults": [...]),
/// without braces, so that a caller can add its own.
std::string formatReportJsonMembers(const RunReport &report);
std::string formatLatencyJsonMembers(const LatencySummary &summary, std::size_t warmup);

/// Writes `report` as Chrome trace-event JSON (Perfetto, chrome://tracing): one track per device, in the order of
/// `deviceOrder`, one complete ("X") event per dispatch. Throws std::runtime_error when the file cannot be written.
void writeTrace(const std::string &path, const std::string &processName, const RunReport &report,
                const std::vector<std::string> &deviceOrder);

/// The device list of `hetrun --list-devices`, as aligned text or as one JSON object.
std::string formatDevicesText(const std::vector<het_device_capabilities_t> &devices);
std::string formatDevicesJson(const std::vector<het_device_capabilities_t> &devices);

} // namespace het::hetrun

#endif // HET_TOOLS_HETRUN_REPORTS_H
