// Read-only memory mapping of a whole file, so .hetbin sections can be used in place.
#ifndef HET_FORMAT_MAPPEDFILE_H
#define HET_FORMAT_MAPPEDFILE_H

#include <cstddef>
#include <memory>
#include <span>
#include <string>

namespace het::format {

class MappedFile {
public:
  /// Maps `path` read-only. Returns null and sets `error` ("cannot open 'x.hetbin': No such file or
  /// directory") on failure. An empty file maps to an empty span.
  static std::unique_ptr<MappedFile> open(const std::string &path, std::string &error);
  ~MappedFile();
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;

  std::span<const std::byte> bytes() const { return {data_, size_}; }

private:
  MappedFile(const std::byte *data, std::size_t size) : data_(data), size_(size) {}
  const std::byte *data_;
  std::size_t size_;
};

} // namespace het::format

#endif // HET_FORMAT_MAPPEDFILE_H
