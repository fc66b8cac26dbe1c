// Writer of .hetbin files: deterministic bytes, atomic replacement on disk.
#include "het/format/HetbinWriter.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cassert>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace het::format {
namespace {

void storeU16(std::byte *p, std::uint16_t value) {
  for (unsigned i = 0; i < 2; ++i)
    p[i] = static_cast<std::byte>(value >> (8 * i));
}

void storeU32(std::byte *p, std::uint32_t value) {
  for (unsigned i = 0; i < 4; ++i)
    p[i] = static_cast<std::byte>(value >> (8 * i));
}

void storeU64(std::byte *p, std::uint64_t value) {
  for (unsigned i = 0; i < 8; ++i)
    p[i] = static_cast<std::byte>(value >> (8 * i));
}

std::uint64_t alignUp(std::uint64_t value) {
  return (value + kSectionAlignment - 1) / kSectionAlignment *
         kSectionAlignment;
}

/// Map order and unknown fields would otherwise make the bytes depend on how
/// the message was built.
std::string serializeDeterministically(const hetbin::Manifest &manifest) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stringStream(&bytes);
    google::protobuf::io::CodedOutputStream codedStream(&stringStream);
    codedStream.SetSerializationDeterministic(true);
    manifest.SerializeToCodedStream(&codedStream);
  }
  return bytes;
}

std::string systemError(std::string_view what, const std::string &path,
                        int errorNumber) {
  return std::string(what) + " '" + path + "': " + std::strerror(errorNumber);
}

} // namespace

std::uint32_t HetbinWriter::addSection(SectionKind kind,
                                       std::span<const std::byte> payload) {
  return addSection(kind,
                    std::vector<std::byte>(payload.begin(), payload.end()));
}

std::uint32_t HetbinWriter::addSection(SectionKind kind,
                                       std::vector<std::byte> payload) {
  assert(kind != SectionKind::Manifest &&
         "the manifest section is added by finish()");
  assert(sections_.size() + 1 < kMaxSectionCount &&
         "more sections than a reader accepts");
  sections_.push_back({kind, std::move(payload)});
  return static_cast<std::uint32_t>(sections_.size());
}

std::vector<std::byte>
HetbinWriter::finish(const hetbin::Manifest &manifest) const {
  const std::string manifestBytes = serializeDeterministically(manifest);
  struct Placed {
    SectionKind kind;
    std::span<const std::byte> payload;
    std::uint64_t offset;
  };
  std::vector<Placed> placed;
  placed.reserve(sections_.size() + 1);
  placed.push_back({SectionKind::Manifest,
                    std::as_bytes(std::span<const char>(manifestBytes.data(),
                                                        manifestBytes.size())),
                    0});
  for (const PendingSection &section : sections_)
    placed.push_back({section.kind, section.payload, 0});

  const std::uint64_t tableOffset = kHeaderSize;
  std::uint64_t end = tableOffset + placed.size() * kSectionEntrySize;
  for (Placed &section : placed) {
    section.offset = alignUp(end);
    end = section.offset + section.payload.size();
  }

  // Value-initialized, so the reserved fields, the hash field and all padding
  // are zero.
  std::vector<std::byte> image(end);
  std::byte *data = image.data();
  std::memcpy(data + header_offset::kMagic, kMagic.data(), kMagic.size());
  storeU16(data + header_offset::kVersionMajor, kVersionMajor);
  storeU16(data + header_offset::kVersionMinor, kVersionMinor);
  storeU32(data + header_offset::kFlags, kHeaderFlagNone);
  storeU64(data + header_offset::kFileSize, end);
  storeU64(data + header_offset::kSectionTableOffset, tableOffset);
  storeU32(data + header_offset::kSectionCount,
           static_cast<std::uint32_t>(placed.size()));
  storeU32(data + header_offset::kHeaderSize,
           static_cast<std::uint32_t>(kHeaderSize));

  for (std::size_t index = 0; index < placed.size(); ++index) {
    const Placed &section = placed[index];
    std::byte *entry = data + tableOffset + index * kSectionEntrySize;
    storeU32(entry + section_offset::kKind,
             static_cast<std::uint32_t>(section.kind));
    storeU32(entry + section_offset::kFlags, 0);
    storeU64(entry + section_offset::kOffset, section.offset);
    storeU64(entry + section_offset::kSize, section.payload.size());
    if (!section.payload.empty())
      std::memcpy(data + section.offset, section.payload.data(),
                  section.payload.size());
  }

  std::array<std::uint8_t, kContentHashSize> hash =
      computeContentHash(data, image.size());
  std::memcpy(data + header_offset::kContentHash, hash.data(), hash.size());
  return image;
}

bool HetbinWriter::writeFile(const std::string &path,
                             const hetbin::Manifest &manifest,
                             std::string &error) const {
  const std::vector<std::byte> image = finish(manifest);

  // The temporary file must be in the target's folder: rename() is only atomic
  // within one file system.
  std::string::size_type slash = path.rfind('/');
  std::size_t nameStart = slash == std::string::npos ? 0 : slash + 1;
  std::string tempPath =
      path.substr(0, nameStart) + "." + path.substr(nameStart) + ".tmp.XXXXXX";
  int fd = mkostemp(tempPath.data(), O_CLOEXEC);
  if (fd < 0) {
    error = systemError("cannot create a temporary file next to", path, errno);
    return false;
  }

  auto failWith = [&](std::string_view what) {
    int errorNumber = errno;
    if (fd >= 0)
      close(fd);
    unlink(tempPath.c_str());
    error = systemError(what, path, errorNumber);
    return false;
  };

  const std::byte *cursor = image.data();
  std::size_t remaining = image.size();
  while (remaining != 0) {
    ssize_t written = write(fd, cursor, remaining);
    if (written < 0) {
      if (errno == EINTR)
        continue;
      return failWith("cannot write");
    }
    cursor += written;
    remaining -= static_cast<std::size_t>(written);
  }
  // mkstemp creates the file 0600; a compiled program is meant to be readable
  // like any other output.
  if (fchmod(fd, 0644) != 0)
    return failWith("cannot set the permissions of");
  if (fsync(fd) != 0)
    return failWith("cannot flush");
  int closeResult = close(fd);
  fd = -1;
  if (closeResult != 0)
    return failWith("cannot write");
  if (rename(tempPath.c_str(), path.c_str()) != 0)
    return failWith("cannot replace");
  return true;
}

} // namespace het::format
