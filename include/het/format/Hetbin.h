// Fixed-layout definitions of the .hetbin container, shared by the writer (compiler) and reader (runtime).
//
// Layout of a file, all integers little-endian:
//
//   [0, 128)                 Header
//   [128, 128 + 32 * N)      SectionEntry table, N = Header::sectionCount
//   64-byte aligned          section payloads, in section-table order, zero padding between them
//
// docs/hetbin-format.md is the normative description; keep the two in step.
#ifndef HET_FORMAT_HETBIN_H
#define HET_FORMAT_HETBIN_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace het::format {

/// "\x89HETBIN\n": the high byte catches 7-bit transports, the newline catches text-mode rewriting.
inline constexpr std::array<std::uint8_t, 8> kMagic = {0x89, 'H', 'E', 'T', 'B', 'I', 'N', '\n'};

/// Readers accept any minor version of the major they know; a new major is a breaking change.
inline constexpr std::uint16_t kVersionMajor = 1;
inline constexpr std::uint16_t kVersionMinor = 0;

inline constexpr std::uint64_t kHeaderSize = 128;
inline constexpr std::uint64_t kSectionEntrySize = 32;
/// Every section payload starts on this boundary so it can be used in place after mmap.
inline constexpr std::uint64_t kSectionAlignment = 64;
inline constexpr std::size_t kContentHashSize = 32;
/// Upper bound on the section count, so a corrupted count cannot make the reader allocate or loop for long.
inline constexpr std::uint32_t kMaxSectionCount = 1u << 20;

/// Header flag bits. Bits not defined here must be zero; a reader rejects a file that sets one.
enum HeaderFlags : std::uint32_t {
  kHeaderFlagNone = 0,
};
inline constexpr std::uint32_t kKnownHeaderFlags = kHeaderFlagNone;

/// Byte offsets of the header fields.
namespace header_offset {
inline constexpr std::size_t kMagic = 0;         // u8[8]
inline constexpr std::size_t kVersionMajor = 8;  // u16
inline constexpr std::size_t kVersionMinor = 10; // u16
inline constexpr std::size_t kFlags = 12;        // u32
inline constexpr std::size_t kFileSize = 16;     // u64
inline constexpr std::size_t kSectionTableOffset = 24; // u64
inline constexpr std::size_t kSectionCount = 32; // u32
inline constexpr std::size_t kHeaderSize = 36;   // u32
inline constexpr std::size_t kContentHash = 40;  // u8[32] SHA-256
// [72, 128) reserved, zero.
} // namespace header_offset

/// Byte offsets of the fields of one section-table entry.
namespace section_offset {
inline constexpr std::size_t kKind = 0;    // u32 SectionKind
inline constexpr std::size_t kFlags = 4;   // u32, zero in v1
inline constexpr std::size_t kOffset = 8;  // u64 from the start of the file
inline constexpr std::size_t kSize = 16;   // u64 payload bytes
// [24, 32) reserved, zero.
} // namespace section_offset

/// What a section holds. The manifest says which section each constant or kernel image uses.
enum class SectionKind : std::uint32_t {
  Manifest = 1, ///< the protobuf `het.hetbin.Manifest`; exactly one per file
  Constant = 2, ///< raw little-endian tensor data, dense row-major
  Image = 3,    ///< a kernel variant's code: ELF object, PTX text, cubin, HLS C++, C-simulation object, xclbin
};

std::string_view sectionKindName(SectionKind kind);
bool isKnownSectionKind(std::uint32_t kind);

/// The parsed fixed header.
struct Header {
  std::uint16_t versionMajor = 0;
  std::uint16_t versionMinor = 0;
  std::uint32_t flags = 0;
  std::uint64_t fileSize = 0;
  std::uint64_t sectionTableOffset = 0;
  std::uint32_t sectionCount = 0;
  std::uint32_t headerSize = 0;
  std::array<std::uint8_t, kContentHashSize> contentHash{};
};

/// One parsed entry of the section table.
struct SectionEntry {
  SectionKind kind = SectionKind::Manifest;
  std::uint32_t flags = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

/// SHA-256 of a file image with the header's hash field read as zeros: the value stored in that field.
std::array<std::uint8_t, kContentHashSize> computeContentHash(const std::byte *data, std::size_t size);

} // namespace het::format

#endif // HET_FORMAT_HETBIN_H
