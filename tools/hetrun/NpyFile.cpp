// The .npy format: a magic string, a version, a Python-literal header dict, then the raw array bytes.
//
// The header is parsed with a reader for exactly the literals numpy writes there (strings, True/False, tuples
// of integers) instead of a Python evaluator, so a file cannot make hetrun run anything.
#include "NpyFile.h"

#include "NumpyDType.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>

namespace het::hetrun {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;

/// A value of the header dict: a string, a boolean or a tuple of integers.
struct HeaderValue {
  std::optional<std::string> text;
  std::optional<bool> flag;
  std::optional<std::vector<std::int64_t>> tuple;
};

/// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
class HeaderParser {
public:
  HeaderParser(std::string_view text, const std::string &path) : text_(text), path_(path) {}

  std::map<std::string, HeaderValue> parseDict() {
    std::map<std::string, HeaderValue> dict;
    expect('{');
    while (!consume('}')) {
      std::string key = parseString();
      expect(':');
      dict[key] = parseValue();
      if (!consume(',')) {
        expect('}');
        break;
      }
    }
    return dict;
  }

private:
  [[noreturn]] void fail(const std::string &what) const {
    throw std::runtime_error(path_ + ": malformed .npy header at character " + std::to_string(position_) + ": " + what);
  }
  void skipSpace() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\t'))
      ++position_;
  }
  bool consume(char c) {
    skipSpace();
    if (position_ < text_.size() && text_[position_] == c)
      return ++position_, true;
    return false;
  }
  void expect(char c) {
    if (!consume(c))
      fail(std::string("expected '") + c + "'");
  }
  std::string parseString() {
    skipSpace();
    if (position_ >= text_.size() || (text_[position_] != '\'' && text_[position_] != '"'))
      fail("expected a string");
    char quote = text_[position_++];
    std::size_t end = text_.find(quote, position_);
    if (end == std::string_view::npos)
      fail("unterminated string");
    std::string value(text_.substr(position_, end - position_));
    position_ = end + 1;
    return value;
  }
  HeaderValue parseValue() {
    skipSpace();
    HeaderValue value;
    if (position_ < text_.size() && (text_[position_] == '\'' || text_[position_] == '"')) {
      value.text = parseString();
    } else if (text_.substr(position_, 4) == "True") {
      value.flag = true;
      position_ += 4;
    } else if (text_.substr(position_, 5) == "False") {
      value.flag = false;
      position_ += 5;
    } else if (consume('(')) {
      value.tuple.emplace();
      while (!consume(')')) {
        value.tuple->push_back(parseInteger());
        if (!consume(',')) {
          expect(')');
          break;
        }
      }
    } else if (consume('[')) {
      fail("a structured dtype (a list descriptor); only plain numeric and bool arrays are supported");
    } else {
      fail("expected a string, True, False or a tuple");
    }
    return value;
  }
  std::int64_t parseInteger() {
    skipSpace();
    std::size_t begin = position_;
    std::int64_t value = 0;
    while (position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9') {
      if (__builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, text_[position_] - '0', &value))
        fail("dimension too large");
      ++position_;
    }
    if (position_ == begin)
      fail("expected a dimension");
    // Python 2 era files write long integers as "3L".
    if (position_ < text_.size() && text_[position_] == 'L')
      ++position_;
    return value;
  }

  std::string_view text_;
  const std::string &path_;
  std::size_t position_ = 0;
};

unsigned loadLittleEndian(const unsigned char *bytes, std::size_t count) {
  unsigned value = 0;
  for (std::size_t i = count; i-- > 0;)
    value = value << 8 | bytes[i];
  return value;
}

} // namespace

Tensor readNpy(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw std::runtime_error("cannot open '" + path + "': " + std::strerror(errno));
  unsigned char preamble[12] = {};
  file.read(reinterpret_cast<char *>(preamble), 8);
  if (file.gcount() != 8 || std::memcmp(preamble, kMagic, kMagicSize) != 0)
    throw std::runtime_error(path + ": not a .npy file (bad magic)");
  unsigned major = preamble[6];
  if (major < 1 || major > 3)
    throw std::runtime_error(path + ": unsupported .npy format version " + std::to_string(major) + "." +
                             std::to_string(preamble[7]) + "; supported: 1.0, 2.0, 3.0");
  // Version 1 stores the header length in 2 bytes, later versions in 4.
  std::size_t lengthBytes = major == 1 ? 2 : 4;
  file.read(reinterpret_cast<char *>(preamble + 8), static_cast<std::streamsize>(lengthBytes));
  if (static_cast<std::size_t>(file.gcount()) != lengthBytes)
    throw std::runtime_error(path + ": truncated .npy header");
  std::size_t headerLength = loadLittleEndian(preamble + 8, lengthBytes);
  std::string header(headerLength, '\0');
  file.read(header.data(), static_cast<std::streamsize>(headerLength));
  if (static_cast<std::size_t>(file.gcount()) != headerLength)
    throw std::runtime_error(path + ": truncated .npy header");
  while (!header.empty() && (header.back() == '\n' || header.back() == ' ' || header.back() == '\0'))
    header.pop_back();

  std::map<std::string, HeaderValue> dict = HeaderParser(header, path).parseDict();
  auto descr = dict.find("descr");
  auto fortranOrder = dict.find("fortran_order");
  auto shape = dict.find("shape");
  if (descr == dict.end() || !descr->second.text || fortranOrder == dict.end() || !fortranOrder->second.flag ||
      shape == dict.end() || !shape->second.tuple)
    throw std::runtime_error(path + ": .npy header lacks 'descr', 'fortran_order' or 'shape'");
  const std::string &descriptor = *descr->second.text;
  if (*fortranOrder->second.flag)
    throw std::runtime_error(path + ": Fortran-order arrays are not supported; save a C-order array "
                                    "(numpy.ascontiguousarray)");
  if (!descriptor.empty() && descriptor[0] == '>')
    throw std::runtime_error(
        path + ": big-endian arrays ('" + descriptor +
        "') are not supported; save a little-endian array (arr.astype(arr.dtype.newbyteorder('<')))");
  if (descriptor.size() >= 2 && descriptor[1] == 'O')
    throw std::runtime_error(path + ": object arrays ('" + descriptor +
                             "') need unpickling, which hetrun never does; save a numeric array");
  const NumpyDType *dtype = numpyDTypeOfDescriptor(descriptor);
  if (!dtype)
    throw std::runtime_error(path + ": unsupported dtype '" + descriptor +
                             "'; supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1 (little-endian)");

  Tensor tensor = Tensor::create(dtype->dtype, *shape->second.tuple);
  file.read(static_cast<char *>(tensor.data()), static_cast<std::streamsize>(tensor.byteSize()));
  if (static_cast<std::size_t>(file.gcount()) != tensor.byteSize())
    throw std::runtime_error(path + ": truncated: the header describes " + std::to_string(tensor.byteSize()) +
                             " bytes of data, the file has " + std::to_string(file.gcount()));
  if (file.peek() != std::char_traits<char>::eof())
    throw std::runtime_error(path + ": trailing bytes after the " + std::to_string(tensor.byteSize()) +
                             " bytes of array data");
  return tensor;
}

void writeNpy(const std::string &path, const Tensor &tensor) {
  het_tensor_info_t info = tensor.info();
  const NumpyDType *dtype = numpyDTypeOf(info.dtype);
  if (!dtype)
    throw std::runtime_error("cannot write '" + path + "': dtype " + het_dtype_name(info.dtype) +
                             " has no NumPy equivalent");
  std::string shape = "(";
  for (size_t i = 0; i < info.rank; ++i)
    shape += std::to_string(info.shape[i]) + (info.rank == 1 ? "," : i + 1 < info.rank ? ", " : "");
  shape += ")";
  std::string header =
      "{'descr': '" + std::string(dtype->descriptor) + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic, version and length take 10 bytes; numpy pads the header with spaces so the data starts on a
  // 64-byte boundary and ends the header with a newline.
  std::size_t total = (10 + header.size() + 1 + 63) / 64 * 64;
  header.append(total - 10 - header.size() - 1, ' ');
  header += '\n';
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  unsigned char preamble[10] = {0x93,
                                'N',
                                'U',
                                'M',
                                'P',
                                'Y',
                                1,
                                0,
                                static_cast<unsigned char>(header.size()),
                                static_cast<unsigned char>(header.size() >> 8)};
  file.write(reinterpret_cast<const char *>(preamble), sizeof preamble);
  file.write(header.data(), static_cast<std::streamsize>(header.size()));
  file.write(static_cast<const char *>(tensor.data()), static_cast<std::streamsize>(tensor.byteSize()));
  file.close();
  if (!file)
    throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
}

} // namespace het::hetrun
