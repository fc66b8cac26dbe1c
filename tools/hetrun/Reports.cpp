// hetrun's reports: per-dispatch tables and JSON, benchmark latency percentiles, trace files, the device list.
#include "Reports.h"

#include "JsonString.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace het::hetrun {
namespace {

using tools::jsonString;

std::string number(double value, const char *format = "%.6g") {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

double percentile(const std::vector<double> &sorted, double fraction) {
  double position = fraction * static_cast<double>(sorted.size() - 1);
  std::size_t below = static_cast<std::size_t>(std::floor(position));
  std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - static_cast<double>(below));
}

const char *kindName(het_device_kind_t kind) {
  switch (kind) {
  case HET_DEVICE_KIND_CPU:
    return "cpu";
  case HET_DEVICE_KIND_FPGA_SIM:
    return "fpga-sim";
  case HET_DEVICE_KIND_CUDA:
    return "cuda";
  case HET_DEVICE_KIND_XRT:
    return "xrt";
  }
  return "unknown";
}

} // namespace

std::string describeType(const het_tensor_info_t &info) {
  std::string text = std::string(het_dtype_name(info.dtype)) + "[";
  for (size_t i = 0; i < info.rank; ++i)
    text += (i ? "x" : "") + (info.shape[i] < 0 ? std::string("?") : std::to_string(info.shape[i]));
  return text + "]";
}

LatencySummary summarizeLatencies(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  LatencySummary summary;
  summary.iterations = samples.size();
  summary.medianMs = percentile(samples, 0.5);
  summary.p10Ms = percentile(samples, 0.1);
  summary.p90Ms = percentile(samples, 0.9);
  summary.minMs = samples.front();
  summary.maxMs = samples.back();
  return summary;
}

std::string describeFault(const het_fault_record_t &fault) {
  std::string where = fault.dispatch < 0
                          ? std::string(" before this run")
                          : " at dispatch " + std::to_string(fault.dispatch) + " (kernel '" + fault.kernel + "')";
  return std::string(fault.device) + " failed" + where + ": " + fault.message + "; " +
         std::to_string(fault.replaced_count) + " dispatch(es) placed again on the other devices";
}

std::string formatReportText(const RunReport &report) {
  std::string text = "dispatch  kernel                    device      start ms    time ms  bytes moved\n";
  std::vector<het_dispatch_record_t> records = report.dispatches();
  for (std::size_t i = 0; i < records.size(); ++i) {
    char line[512];
    std::snprintf(line, sizeof line, "%-8zu  %-24s  %-10s %9.3f  %9.3f  %11llu\n", i, records[i].kernel,
                  records[i].device, records[i].start_ms, records[i].duration_ms,
                  static_cast<unsigned long long>(records[i].bytes_moved));
    text += line;
  }
  char totals[256];
  std::snprintf(totals, sizeof totals,
                "total %.3f ms, %llu bytes to devices, %llu bytes from devices, %llu bytes of results at most\n",
                report.totalMs(), static_cast<unsigned long long>(report.bytesToDevice()),
                static_cast<unsigned long long>(report.bytesFromDevice()),
                static_cast<unsigned long long>(report.peakResultBytes()));
  text += totals;
  for (const het_fault_record_t &fault : report.faults())
    text += "fault: " + describeFault(fault) + "\n";
  for (std::size_t i = 0; i < records.size(); ++i)
    if (*records[i].replaced_from)
      text += "  dispatch " + std::to_string(i) + " (" + records[i].kernel + "): " + records[i].replaced_from + " -> " +
              records[i].device + "\n";
  return text;
}

std::string formatReportJsonMembers(const RunReport &report) {
  std::string json = "\"total_ms\": " + number(report.totalMs()) +
                     ", \"bytes_to_device\": " + std::to_string(report.bytesToDevice()) +
                     ", \"bytes_from_device\": " + std::to_string(report.bytesFromDevice()) +
                     ", \"peak_result_bytes\": " + std::to_string(report.peakResultBytes()) + ", \"dispatches\": [";
  std::vector<het_dispatch_record_t> records = report.dispatches();
  for (std::size_t i = 0; i < records.size(); ++i)
    json += std::string(i ? ", " : "") + "{\"index\": " + std::to_string(i) +
            ", \"kernel\": " + jsonString(records[i].kernel) + ", \"device\": " + jsonString(records[i].device) +
            ", \"start_ms\": " + number(records[i].start_ms) + ", \"time_ms\": " + number(records[i].duration_ms) +
            ", \"bytes_moved\": " + std::to_string(records[i].bytes_moved) +
            (*records[i].replaced_from ? ", \"replaced_from\": " + jsonString(records[i].replaced_from) : "") + "}";
  json += "], \"faults\": [";
  std::vector<het_fault_record_t> faults = report.faults();
  for (std::size_t i = 0; i < faults.size(); ++i)
    json += std::string(i ? ", " : "") + "{\"device\": " + jsonString(faults[i].device) +
            ", \"dispatch\": " + std::to_string(faults[i].dispatch) + ", \"kernel\": " + jsonString(faults[i].kernel) +
            ", \"message\": " + jsonString(faults[i].message) +
            ", \"replaced_count\": " + std::to_string(faults[i].replaced_count) + "}";
  return json + "]";
}

std::string formatLatencyJsonMembers(const LatencySummary &summary, std::size_t warmup) {
  return "\"iterations\": " + std::to_string(summary.iterations) + ", \"warmup\": " + std::to_string(warmup) +
         ", \"median_ms\": " + number(summary.medianMs) + ", \"p10_ms\": " + number(summary.p10Ms) +
         ", \"p90_ms\": " + number(summary.p90Ms) + ", \"min_ms\": " + number(summary.minMs) +
         ", \"max_ms\": " + number(summary.maxMs);
}

void writeTrace(const std::string &path, const std::string &processName, const RunReport &report,
                const std::vector<std::string> &deviceOrder) {
  // Chrome's trace-event format: metadata events name the process and one thread (track) per device; each
  // dispatch is a complete event with its start and duration in microseconds.
  std::string json = "{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n"
                     "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 0, \"args\": {\"name\": " +
                     jsonString(processName) + "}}";
  auto trackOf = [&](const std::string &device) {
    return static_cast<std::size_t>(std::find(deviceOrder.begin(), deviceOrder.end(), device) - deviceOrder.begin()) +
           1;
  };
  for (std::size_t i = 0; i < deviceOrder.size(); ++i)
    json += ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": " + std::to_string(i + 1) +
            ", \"args\": {\"name\": " + jsonString(deviceOrder[i]) +
            "}},\n{\"name\": \"thread_sort_index\", \"ph\": \"M\", \"pid\": 1, \"tid\": " + std::to_string(i + 1) +
            ", \"args\": {\"sort_index\": " + std::to_string(i) + "}}";
  std::vector<het_dispatch_record_t> records = report.dispatches();
  for (std::size_t i = 0; i < records.size(); ++i)
    json +=
        ",\n{\"name\": " + jsonString(records[i].kernel) +
        ", \"cat\": \"dispatch\", \"ph\": \"X\", \"pid\": 1, \"tid\": " + std::to_string(trackOf(records[i].device)) +
        ", \"ts\": " + number(records[i].start_ms * 1e3, "%.3f") +
        ", \"dur\": " + number(records[i].duration_ms * 1e3, "%.3f") +
        ", \"args\": {\"dispatch\": " + std::to_string(i) + ", \"device\": " + jsonString(records[i].device) +
        ", \"bytes_moved\": " + std::to_string(records[i].bytes_moved) + "}}";
  json += "\n]}\n";
  std::ofstream file(path, std::ios::trunc);
  file << json;
  if (!file.flush())
    throw std::runtime_error("cannot write the trace file '" + path + "'");
}

std::string formatDevicesText(const std::vector<het_device_capabilities_t> &devices) {
  std::string text;
  for (const het_device_capabilities_t &device : devices) {
    char line[1024];
    std::snprintf(line, sizeof line, "%-9s %-12s %s\n", device.name, device.available ? "available" : "unavailable",
                  device.available ? device.description : device.reason);
    text += line;
    std::string details = std::string(device.architecture) + (*device.architecture ? ", " : "");
    if (device.memory_bytes)
      details += number(static_cast<double>(device.memory_bytes) / (1024.0 * 1024 * 1024), "%.1f") + " GiB, ";
    details += std::string("runs ") + device.variant_formats;
    if (std::string(device.calibration) != "none")
      details += "; " + number(device.peak_gflops, "%.2f") + " GFLOP/s, " + number(device.bandwidth_gbps, "%.2f") +
                 " GB/s (" + device.calibration + ")";
    text += "                       " + details + "\n";
  }
  return text;
}

std::string formatDevicesJson(const std::vector<het_device_capabilities_t> &devices) {
  std::string json = "{\"devices\": [";
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const het_device_capabilities_t &device = devices[i];
    std::string formats;
    std::string all = device.variant_formats;
    for (std::size_t begin = 0; begin < all.size();) {
      std::size_t comma = std::min(all.find(',', begin), all.size());
      formats += (formats.empty() ? "" : ", ") + jsonString(all.substr(begin, comma - begin));
      begin = comma + 1;
    }
    json += std::string(i ? ",\n  " : "\n  ") + "{\"name\": " + jsonString(device.name) +
            ", \"kind\": " + jsonString(kindName(device.kind)) +
            ", \"available\": " + (device.available ? "true" : "false") + ", \"reason\": " + jsonString(device.reason) +
            ", \"description\": " + jsonString(device.description) +
            ", \"architecture\": " + jsonString(device.architecture) +
            ", \"memory_bytes\": " + std::to_string(device.memory_bytes) + ", \"variant_formats\": [" + formats +
            "], \"peak_gflops\": " + number(device.peak_gflops) +
            ", \"bandwidth_gbps\": " + number(device.bandwidth_gbps) +
            ", \"calibration\": " + jsonString(device.calibration) + "}";
  }
  return json + "\n]}\n";
}

} // namespace het::hetrun
