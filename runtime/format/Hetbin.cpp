// Section kind names and the content hash of the .hetbin container.
#include "het/format/Hetbin.h"

#include "Sha256.h"

#include <algorithm>

namespace het::format {

std::string_view sectionKindName(SectionKind kind) {
  switch (kind) {
  case SectionKind::Manifest:
    return "manifest";
  case SectionKind::Constant:
    return "constant";
  case SectionKind::Image:
    return "image";
  }
  return "unknown";
}

bool isKnownSectionKind(std::uint32_t kind) {
  return kind >= static_cast<std::uint32_t>(SectionKind::Manifest) &&
         kind <= static_cast<std::uint32_t>(SectionKind::Image);
}

std::array<std::uint8_t, kContentHashSize>
computeContentHash(const std::byte *data, std::size_t size) {
  // The hash field cannot hash itself, so it reads as zeros. A buffer shorter
  // than the header is hashed the same way (the part of the field it has reads
  // as zeros), which keeps this total.
  constexpr std::size_t fieldBegin = header_offset::kContentHash;
  constexpr std::size_t fieldEnd = fieldBegin + kContentHashSize;
  Sha256 hasher;
  std::size_t prefixEnd = std::min(size, fieldBegin);
  hasher.update({data, prefixEnd});
  if (size > fieldBegin)
    hasher.updateZeros(std::min(size, fieldEnd) - fieldBegin);
  if (size > fieldEnd)
    hasher.update({data + fieldEnd, size - fieldEnd});
  return hasher.finish();
}

} // namespace het::format
