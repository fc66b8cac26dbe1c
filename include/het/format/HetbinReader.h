// Validating reader of .hetbin files, used by the runtime and the dump tool.
//
// The reader trusts nothing in the file: every offset, size, count, alignment, the content hash and every
// index the manifest holds are checked before anything is handed out, so callers may use the spans and the
// manifest without further bounds checks.
#ifndef HET_FORMAT_HETBINREADER_H
#define HET_FORMAT_HETBINREADER_H

#include "het/format/Hetbin.h"
#include "het/format/Manifest.pb.h"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace het::format {

/// A validated view of a .hetbin image. It does not own the bytes it was parsed from.
class HetbinFile {
public:
  /// Parses and validates `bytes`. On failure returns null and sets `error` to a message that names the
  /// field at fault and its byte offset or manifest path, e.g.
  /// "section 2: offset 4168 is not a multiple of 64". `bytes` must outlive the result.
  static std::unique_ptr<HetbinFile> parse(std::span<const std::byte> bytes, std::string &error);

  const Header &header() const { return header_; }
  std::span<const SectionEntry> sections() const { return sections_; }
  const hetbin::Manifest &manifest() const { return manifest_; }
  /// The payload of section `index`; `index` must be below sections().size().
  std::span<const std::byte> sectionData(std::uint32_t index) const;
  /// The whole file image.
  std::span<const std::byte> bytes() const { return bytes_; }

private:
  HetbinFile() = default;

  std::span<const std::byte> bytes_;
  Header header_;
  std::vector<SectionEntry> sections_;
  hetbin::Manifest manifest_;
};

/// Byte size of one element of `dtype`, or 0 for DTYPE_UNSPECIFIED and values outside the enum.
std::size_t dtypeSize(hetbin::DType dtype);

/// The numpy name of a dtype, used in messages, dumps and outputs.json: "float32", "int64", "bool", ...
std::string_view dtypeName(hetbin::DType dtype);

/// "float32[1x3x224x224]", with "?" for dynamic dimensions.
std::string describeTensorType(const hetbin::TensorType &type);

} // namespace het::format

#endif // HET_FORMAT_HETBINREADER_H
