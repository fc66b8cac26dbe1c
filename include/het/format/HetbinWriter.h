// Writer of .hetbin files, used by the compiler's packaging step.
//
// The output is deterministic: the same sections and manifest always give the same bytes.
#ifndef HET_FORMAT_HETBINWRITER_H
#define HET_FORMAT_HETBINWRITER_H

#include "het/format/Hetbin.h"
#include "het/format/Manifest.pb.h"

#include <span>
#include <string>
#include <vector>

namespace het::format {

class HetbinWriter {
public:
  /// Section 0 is always the manifest, so the first added section gets index 1.
  static constexpr std::uint32_t kManifestSectionIndex = 0;

  /// Copies `payload` into a new section and returns its index, which the manifest uses to refer to it.
  std::uint32_t addSection(SectionKind kind, std::span<const std::byte> payload);
  std::uint32_t addSection(SectionKind kind, std::vector<std::byte> payload);

  /// Lays out header, section table, manifest and payloads and fills in file size and content hash.
  std::vector<std::byte> finish(const hetbin::Manifest &manifest) const;

  /// finish(), then writes `path` atomically: the bytes go to a temporary file in the same folder, which is
  /// renamed over `path` only once complete, so a failure never leaves a partial file. Returns false and
  /// sets `error` on failure.
  bool writeFile(const std::string &path, const hetbin::Manifest &manifest, std::string &error) const;

private:
  struct PendingSection {
    SectionKind kind;
    std::vector<std::byte> payload;
  };
  std::vector<PendingSection> sections_;
};

} // namespace het::format

#endif // HET_FORMAT_HETBINWRITER_H
