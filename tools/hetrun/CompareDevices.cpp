// hetrun --compare-devices: one session per device, every kernel on it, and the outputs compared element by
// element with the first device's (the cpu's, in pool order).
#include "CompareDevices.h"

#include "JsonString.h"
#include "Reports.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace het::hetrun {
namespace {

template <typename T> double load(const void *data, size_t index) {
  T value;
  std::memcpy(&value, static_cast<const char *>(data) + index * sizeof(T), sizeof(T));
  return static_cast<double>(value);
}

/// IEEE binary16 bits to their value (numpy's float16).
double halfValue(uint16_t bits) {
  int exponent = (bits >> 10) & 0x1f;
  double mantissa = bits & 0x3ff;
  double magnitude =
      exponent == 0    ? std::ldexp(mantissa, -24)
      : exponent == 31 ? (mantissa ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity())
                       : std::ldexp(mantissa + 1024, exponent - 25);
  return bits & 0x8000 ? -magnitude : magnitude;
}

/// Element `index` of a tensor of `dtype` as a double: the common ground to compare any two outputs on.
double elementValue(het_dtype_t dtype, const void *data, size_t index) {
  switch (dtype) {
  case HET_DTYPE_FLOAT32:
    return load<float>(data, index);
  case HET_DTYPE_FLOAT64:
    return load<double>(data, index);
  case HET_DTYPE_FLOAT16:
    return halfValue(static_cast<uint16_t>(load<uint16_t>(data, index)));
  case HET_DTYPE_BFLOAT16:
    return std::bit_cast<float>(static_cast<uint32_t>(load<uint16_t>(data, index)) << 16);
  case HET_DTYPE_INT8:
    return load<int8_t>(data, index);
  case HET_DTYPE_INT16:
    return load<int16_t>(data, index);
  case HET_DTYPE_INT32:
    return load<int32_t>(data, index);
  case HET_DTYPE_INT64:
    return load<int64_t>(data, index);
  case HET_DTYPE_UINT8:
  case HET_DTYPE_BOOL:
    return load<uint8_t>(data, index);
  case HET_DTYPE_UINT16:
    return load<uint16_t>(data, index);
  case HET_DTYPE_UINT32:
    return load<uint32_t>(data, index);
  case HET_DTYPE_UINT64:
    return load<uint64_t>(data, index);
  case HET_DTYPE_UNKNOWN:
    break;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

std::string number(double value) {
  if (std::isinf(value))
    return "inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

std::string jsonNumber(double value) {
  if (!std::isfinite(value))
    return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

} // namespace

OutputDifference compareOutputs(const Tensor &reference, const Tensor &other) {
  het_tensor_info_t a = reference.info(), b = other.info();
  OutputDifference difference;
  difference.sameShape = a.dtype == b.dtype && a.rank == b.rank && std::equal(a.shape, a.shape + a.rank, b.shape);
  if (!difference.sameShape) {
    difference.maxAbsolute = difference.maxRelative = std::numeric_limits<double>::infinity();
    return difference;
  }
  size_t count = het_dtype_size(a.dtype) ? reference.byteSize() / het_dtype_size(a.dtype) : 0;
  for (size_t i = 0; i < count; ++i) {
    double x = elementValue(a.dtype, reference.data(), i), y = elementValue(b.dtype, other.data(), i);
    double absolute, relative;
    if (std::isnan(x) || std::isnan(y)) {
      absolute = relative = std::isnan(x) && std::isnan(y) ? 0 : std::numeric_limits<double>::infinity();
    } else if (x == y) {
      absolute = relative = 0; // also equal infinities
    } else {
      absolute = std::fabs(x - y);
      relative = absolute / std::max(std::fabs(x), std::fabs(y));
    }
    difference.maxAbsolute = std::max(difference.maxAbsolute, absolute);
    difference.maxRelative = std::max(difference.maxRelative, relative);
  }
  return difference;
}

DeviceComparison compareDevices(const Runtime &runtime, const Module &module, const std::vector<Tensor> &inputs) {
  DeviceComparison comparison;
  bool anyRan = false;
  for (const het_device_info_t &device : runtime.devices()) {
    DeviceRun &run = comparison.runs.emplace_back();
    run.device = device.name;
    if (!device.available) {
      run.skipped = std::string("unavailable: ") + device.reason;
      continue;
    }
    het_session_options_t options{};
    options.placement = HET_PLACEMENT_DEVICE;
    options.device = device.name;
    try {
      Session session = Session::create(runtime, module, &options);
      auto start = std::chrono::steady_clock::now();
      RunReport report;
      run.outputs = session.invoke(inputs, &report);
      run.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      // A device that failed mid-run had its work moved elsewhere: what came back is not its own.
      if (std::vector<het_fault_record_t> faults = report.faults(); !faults.empty()) {
        run.outputs.clear();
        run.skipped = "failed during the run: " + describeFault(faults.front());
        continue;
      }
    } catch (const Error &error) {
      // A device without a variant of some kernel cannot run the module alone: that is a finding, not an error.
      if (error.code() != HET_STATUS_UNSUPPORTED && error.code() != HET_STATUS_UNAVAILABLE)
        throw;
      run.skipped = error.what();
      continue;
    }
    if (!anyRan)
      comparison.reference = comparison.runs.size() - 1;
    anyRan = true;
  }
  if (!anyRan) {
    std::string reasons;
    for (const DeviceRun &run : comparison.runs)
      reasons += "\n  " + run.device + ": " + run.skipped;
    throw Error(HET_STATUS_UNSUPPORTED, "no device can run the whole module:" + reasons);
  }
  const DeviceRun &reference = comparison.runs[comparison.reference];
  comparison.differences.resize(reference.outputs.size());
  for (size_t output = 0; output < reference.outputs.size(); ++output)
    for (const DeviceRun &run : comparison.runs)
      comparison.differences[output].push_back(run.skipped.empty() && &run != &reference
                                                   ? compareOutputs(reference.outputs[output], run.outputs[output])
                                                   : OutputDifference{});
  return comparison;
}

std::string formatComparisonText(const std::string &path, const Module &module, const DeviceComparison &comparison) {
  const std::string &reference = comparison.runs[comparison.reference].device;
  std::string text = path + ": each device alone, compared with " + reference + "\n";
  char line[1024];
  for (const DeviceRun &run : comparison.runs) {
    if (run.skipped.empty())
      std::snprintf(line, sizeof line, "  %-10s ran in %.3f ms%s\n", run.device.c_str(), run.milliseconds,
                    run.device == reference ? " (reference)" : "");
    else
      std::snprintf(line, sizeof line, "  %-10s skipped: %s\n", run.device.c_str(), run.skipped.c_str());
    text += line;
  }
  std::vector<het_tensor_info_t> outputs = module.outputs();
  for (size_t output = 0; output < comparison.differences.size(); ++output) {
    const Tensor &value = comparison.runs[comparison.reference].outputs[output];
    text += "output " + std::string(outputs[output].name) + " (" + describeType(value.info()) + "):\n";
    bool compared = false;
    for (size_t r = 0; r < comparison.runs.size(); ++r) {
      if (r == comparison.reference || !comparison.runs[r].skipped.empty())
        continue;
      compared = true;
      const OutputDifference &difference = comparison.differences[output][r];
      std::string note = difference.sameShape
                             ? ""
                             : " (a different type: " + describeType(comparison.runs[r].outputs[output].info()) + ")";
      std::snprintf(line, sizeof line, "  %-10s max abs difference %-9s max rel difference %s%s\n",
                    comparison.runs[r].device.c_str(), number(difference.maxAbsolute).c_str(),
                    number(difference.maxRelative).c_str(), note.c_str());
      text += line;
    }
    if (!compared)
      text += "  no other device ran the module\n";
  }
  return text;
}

std::string formatComparisonJson(const std::string &path, const Module &module, const DeviceComparison &comparison) {
  using tools::jsonString;
  std::string json = "{\"module\": " + jsonString(path) +
                     ", \"reference\": " + jsonString(comparison.runs[comparison.reference].device) +
                     ", \"devices\": [";
  for (size_t r = 0; r < comparison.runs.size(); ++r) {
    const DeviceRun &run = comparison.runs[r];
    json += std::string(r ? ", " : "") + "{\"name\": " + jsonString(run.device) +
            (run.skipped.empty() ? ", \"ran\": true, \"time_ms\": " + jsonNumber(run.milliseconds)
                                 : ", \"ran\": false, \"skipped\": " + jsonString(run.skipped)) +
            "}";
  }
  json += "], \"outputs\": [";
  std::vector<het_tensor_info_t> outputs = module.outputs();
  for (size_t output = 0; output < comparison.differences.size(); ++output) {
    json += std::string(output ? ", " : "") + "{\"name\": " + jsonString(outputs[output].name) + ", \"differences\": [";
    bool first = true;
    for (size_t r = 0; r < comparison.runs.size(); ++r) {
      if (r == comparison.reference || !comparison.runs[r].skipped.empty())
        continue;
      const OutputDifference &difference = comparison.differences[output][r];
      json += std::string(first ? "" : ", ") + "{\"device\": " + jsonString(comparison.runs[r].device) +
              ", \"max_abs\": " + jsonNumber(difference.maxAbsolute) +
              ", \"max_rel\": " + jsonNumber(difference.maxRelative) + "}";
      first = false;
    }
    json += "]}";
  }
  return json + "]}\n";
}

} // namespace het::hetrun
