// Byte-level edits of a .hetbin image for the corruption tests.
//
// rehash() lets the check a test aims at fire rather than the content hash.
#ifndef HET_TEST_RUNTIME_FORMAT_HETBINPATCH_H
#define HET_TEST_RUNTIME_FORMAT_HETBINPATCH_H

#include "het/format/Hetbin.h"

#include <cstring>
#include <vector>

namespace het::format::patch {

inline void storeLittleEndian(std::vector<std::byte> &image, std::size_t offset,
                              std::uint64_t value, unsigned width) {
  for (unsigned i = 0; i < width; ++i)
    image.at(offset + i) = static_cast<std::byte>(value >> (8 * i));
}

inline std::uint64_t loadLittleEndian(const std::vector<std::byte> &image,
                                      std::size_t offset, unsigned width) {
  std::uint64_t value = 0;
  for (unsigned i = 0; i < width; ++i)
    value |= std::to_integer<std::uint64_t>(image.at(offset + i)) << (8 * i);
  return value;
}

inline void storeU16(std::vector<std::byte> &image, std::size_t offset,
                     std::uint16_t value) {
  storeLittleEndian(image, offset, value, 2);
}
inline void storeU32(std::vector<std::byte> &image, std::size_t offset,
                     std::uint32_t value) {
  storeLittleEndian(image, offset, value, 4);
}
inline void storeU64(std::vector<std::byte> &image, std::size_t offset,
                     std::uint64_t value) {
  storeLittleEndian(image, offset, value, 8);
}
inline std::uint64_t loadU64(const std::vector<std::byte> &image,
                             std::size_t offset) {
  return loadLittleEndian(image, offset, 8);
}

/// File offset of a field of section-table entry `index`, for a table at the
/// writer's offset (128).
inline std::size_t sectionField(std::uint32_t index, std::size_t fieldOffset) {
  return kHeaderSize + index * kSectionEntrySize + fieldOffset;
}

/// Stores the content hash of `image` in its header.
inline void rehash(std::vector<std::byte> &image) {
  auto hash = computeContentHash(image.data(), image.size());
  std::memcpy(image.data() + header_offset::kContentHash, hash.data(),
              hash.size());
}

} // namespace het::format::patch

#endif // HET_TEST_RUNTIME_FORMAT_HETBINPATCH_H
