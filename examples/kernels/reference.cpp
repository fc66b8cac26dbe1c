// The plain C++ reference of the kernel examples: writes their inputs as .npy files and checks what hetrun wrote
// against loops written here independently of the kernels (no het header, no hetcc).
//
//   reference inputs DIR                 writes the inputs of every example into DIR
//   reference check EXAMPLE DIR OUT      recomputes EXAMPLE (saxpy, stencil, swish_mlp) from the inputs in DIR,
//                                        compares with OUT/<output>.npy, prints the largest absolute difference
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Array {
  std::vector<int64_t> shape;
  std::vector<float> values;
};

constexpr int64_t kSaxpyLength = 1000;
constexpr int64_t kStencilHeight = 48, kStencilWidth = 64;
constexpr float kSaxpyA = 2.5f, kStencilAlpha = 0.2f, kSwishBeta = 1.5f;

void writeNpy(const std::string &path, const Array &array) {
  std::string shape;
  for (int64_t dim : array.shape)
    shape += std::to_string(dim) + ",";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
  // Magic, version, header length, header: the data starts at a multiple of 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  uint16_t length = static_cast<uint16_t>(header.size());
  out.write(reinterpret_cast<const char *>(&length), 2);
  out << header;
  out.write(reinterpret_cast<const char *>(array.values.data()),
            static_cast<std::streamsize>(array.values.size() * sizeof(float)));
}

bool readNpy(const std::string &path, Array &array) {
  std::ifstream in(path, std::ios::binary);
  char magic[8];
  uint16_t length = 0;
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY\x01", 7) != 0 ||
      !in.read(reinterpret_cast<char *>(&length), 2)) {
    std::fprintf(stderr, "%s: not a version 1 .npy file\n", path.c_str());
    return false;
  }
  std::string header(length, '\0');
  in.read(header.data(), length);
  if (header.find("'<f4'") == std::string::npos) {
    std::fprintf(stderr, "%s: expected float32 data\n", path.c_str());
    return false;
  }
  std::istringstream shape(header.substr(header.find('(') + 1));
  int64_t count = 1, dim = 0;
  while (shape >> dim) {
    array.shape.push_back(dim);
    count *= dim;
    shape.ignore(1); // the comma
  }
  array.values.resize(static_cast<size_t>(count));
  return static_cast<bool>(
      in.read(reinterpret_cast<char *>(array.values.data()), static_cast<std::streamsize>(count * sizeof(float))));
}

Array pattern(std::vector<int64_t> shape, float frequency, float phase) {
  Array array{std::move(shape), {}};
  int64_t count = 1;
  for (int64_t dim : array.shape)
    count *= dim;
  for (int64_t i = 0; i < count; ++i)
    array.values.push_back(std::sin(frequency * static_cast<float>(i) + phase));
  return array;
}

// The inputs, the same on every call.
Array saxpyX() { return pattern({kSaxpyLength}, 0.1f, 0.0f); }
Array saxpyY() { return pattern({kSaxpyLength}, 0.07f, 1.0f); }
Array stencilU() { return pattern({kStencilHeight, kStencilWidth}, 0.013f, 0.5f); }
Array swishX() { return pattern({4, 16}, 0.3f, 0.2f); }
Array swishW() { return pattern({16, 8}, 0.17f, 0.9f); }

Array saxpy() {
  Array x = saxpyX(), y = saxpyY();
  for (size_t i = 0; i < y.values.size(); ++i)
    y.values[i] = kSaxpyA * x.values[i] + y.values[i];
  return y;
}

Array stencil() {
  Array u = stencilU(), v = u;
  for (int64_t row = 1; row + 1 < kStencilHeight; ++row)
    for (int64_t column = 1; column + 1 < kStencilWidth; ++column) {
      auto at = [&](int64_t r, int64_t c) { return u.values[static_cast<size_t>(r * kStencilWidth + c)]; };
      float laplacian = at(row - 1, column) + at(row + 1, column) + at(row, column - 1) + at(row, column + 1) -
                        4.0f * at(row, column);
      v.values[static_cast<size_t>(row * kStencilWidth + column)] = at(row, column) + kStencilAlpha * laplacian;
    }
  return v;
}

Array swishMlp() {
  Array x = swishX(), w = swishW(), y{{4, 8}, std::vector<float>(32)};
  for (int row = 0; row < 4; ++row)
    for (int column = 0; column < 8; ++column) {
      float h = 0;
      for (int k = 0; k < 16; ++k)
        h += x.values[static_cast<size_t>(row * 16 + k)] * w.values[static_cast<size_t>(k * 8 + column)];
      y.values[static_cast<size_t>(row * 8 + column)] = h / (1.0f + std::exp(-kSwishBeta * h)) + h;
    }
  return y;
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 3 && std::string(argv[1]) == "inputs") {
    std::string dir = argv[2];
    writeNpy(dir + "/saxpy_x.npy", saxpyX());
    writeNpy(dir + "/saxpy_y.npy", saxpyY());
    writeNpy(dir + "/stencil_u.npy", stencilU());
    writeNpy(dir + "/swish_x.npy", swishX());
    writeNpy(dir + "/swish_w.npy", swishW());
    return 0;
  }
  if (argc == 5 && std::string(argv[1]) == "check") {
    std::string example = argv[2], out = argv[4];
    Array expected, actual;
    std::string output;
    if (example == "saxpy")
      expected = saxpy(), output = "y";
    else if (example == "stencil")
      expected = stencil(), output = "v";
    else if (example == "swish_mlp")
      expected = swishMlp(), output = "y";
    else
      return std::fprintf(stderr, "unknown example '%s'\n", example.c_str()), 2;
    if (!readNpy(out + "/" + output + ".npy", actual))
      return 1;
    if (actual.shape != expected.shape || actual.values.size() != expected.values.size())
      return std::fprintf(stderr, "%s: output '%s' has the wrong shape\n", example.c_str(), output.c_str()), 1;
    double largest = 0;
    for (size_t i = 0; i < expected.values.size(); ++i)
      largest = std::fmax(largest, std::fabs(static_cast<double>(expected.values[i]) - actual.values[i]));
    std::printf("%s: %zu values, max abs diff %.3g\n", example.c_str(), expected.values.size(), largest);
    // Contracted multiply-adds and the exp of each target differ from these loops in the last bits only.
    return largest <= 1e-4 ? 0 : 1;
  }
  std::fprintf(stderr, "usage: reference inputs DIR | reference check EXAMPLE DIR OUT\n");
  return 2;
}
