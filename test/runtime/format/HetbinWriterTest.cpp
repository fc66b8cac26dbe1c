// Tests the .hetbin writer's layout, determinism and atomic writes; MappedFile.
#include "HetbinPatch.h"
#include "SampleHetbin.h"

#include "het/format/HetbinReader.h"
#include "het/format/HetbinWriter.h"
#include "het/format/MappedFile.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace het::format {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace patch;
namespace fs = std::filesystem;

/// A fresh empty folder per test, removed afterwards.
class ScratchDirectory {
public:
  ScratchDirectory() {
    std::string pattern =
        (fs::temp_directory_path() / "hetbin-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
      ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path &path() const { return path_; }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const fs::directory_entry &entry : fs::directory_iterator(path_))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

private:
  fs::path path_;
};

TEST(HetbinWriterTest, RoundTripsManifestAndSections) {
  sample::SampleHetbin sample = sample::buildSampleHetbin();
  std::vector<std::byte> image = sample.writer.finish(sample.manifest);
  std::string error;
  std::unique_ptr<HetbinFile> file = HetbinFile::parse(image, error);
  ASSERT_NE(file, nullptr) << error;

  std::string differences;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(sample.manifest, file->manifest()))
      << differences;

  ASSERT_EQ(file->sections().size(), sample.payloads.size() + 1);
  EXPECT_EQ(file->sections()[0].kind, SectionKind::Manifest);
  for (std::uint32_t i = 1; i < file->sections().size(); ++i) {
    std::span<const std::byte> data = file->sectionData(i);
    EXPECT_TRUE(std::equal(data.begin(), data.end(),
                           sample.payloads[i - 1].begin(),
                           sample.payloads[i - 1].end()))
        << "section " << i;
  }
  EXPECT_EQ(file->sections()[1].kind, SectionKind::Constant);
  EXPECT_EQ(file->sections()[3].kind, SectionKind::Image);
}

TEST(HetbinWriterTest, LaysOutHeaderTableAndAlignedSections) {
  sample::SampleHetbin sample = sample::buildSampleHetbin();
  std::vector<std::byte> image = sample.writer.finish(sample.manifest);
  ASSERT_GE(image.size(), kHeaderSize);
  EXPECT_TRUE(std::equal(kMagic.begin(), kMagic.end(),
                         reinterpret_cast<const std::uint8_t *>(image.data())));
  EXPECT_EQ(loadLittleEndian(image, header_offset::kVersionMajor, 2),
            kVersionMajor);
  EXPECT_EQ(loadLittleEndian(image, header_offset::kVersionMinor, 2),
            kVersionMinor);
  EXPECT_EQ(loadLittleEndian(image, header_offset::kFlags, 4), 0u);
  EXPECT_EQ(loadU64(image, header_offset::kFileSize), image.size());
  EXPECT_EQ(loadU64(image, header_offset::kSectionTableOffset), kHeaderSize);
  EXPECT_EQ(loadLittleEndian(image, header_offset::kSectionCount, 4), 7u);
  EXPECT_EQ(loadLittleEndian(image, header_offset::kHeaderSize, 4),
            kHeaderSize);
  for (std::size_t i = header_offset::kContentHash + kContentHashSize;
       i < kHeaderSize; ++i)
    EXPECT_EQ(image[i], std::byte{0}) << "reserved byte " << i;

  // Payloads start 64-aligned right after the previous one, and every byte
  // between them is zero.
  std::uint64_t previousEnd = kHeaderSize + 7 * kSectionEntrySize;
  for (std::uint32_t i = 0; i < 7; ++i) {
    std::uint64_t offset =
        loadU64(image, sectionField(i, section_offset::kOffset));
    std::uint64_t size = loadU64(image, sectionField(i, section_offset::kSize));
    EXPECT_EQ(offset % kSectionAlignment, 0u) << "section " << i;
    EXPECT_EQ(offset, (previousEnd + kSectionAlignment - 1) /
                          kSectionAlignment * kSectionAlignment);
    for (std::uint64_t padding = previousEnd; padding < offset; ++padding)
      EXPECT_EQ(image[padding], std::byte{0}) << "padding byte " << padding;
    previousEnd = offset + size;
  }
  EXPECT_EQ(previousEnd, image.size()) << "the file ends with the last payload";

  auto hash = computeContentHash(image.data(), image.size());
  EXPECT_TRUE(std::equal(hash.begin(), hash.end(),
                         reinterpret_cast<const std::uint8_t *>(image.data()) +
                             header_offset::kContentHash));
}

TEST(HetbinWriterTest, IsDeterministic) {
  sample::SampleHetbin first = sample::buildSampleHetbin();
  sample::SampleHetbin second = sample::buildSampleHetbin();
  std::vector<std::byte> image = first.writer.finish(first.manifest);
  EXPECT_EQ(image, first.writer.finish(first.manifest));
  EXPECT_EQ(image, second.writer.finish(second.manifest));
}

TEST(HetbinWriterTest, WritesAFileWithOnlyAManifest) {
  HetbinWriter writer;
  hetbin::Manifest manifest;
  std::vector<std::byte> image = writer.finish(manifest);
  std::string error;
  std::unique_ptr<HetbinFile> file = HetbinFile::parse(image, error);
  ASSERT_NE(file, nullptr) << error;
  EXPECT_EQ(file->sections().size(), 1u);
  EXPECT_EQ(file->sections()[0].size, 0u);
}

TEST(HetbinWriterTest, WritesEmptySections) {
  HetbinWriter writer;
  EXPECT_EQ(writer.addSection(SectionKind::Constant, std::vector<std::byte>{}),
            1u);
  hetbin::Manifest manifest;
  hetbin::Constant *empty = manifest.add_constants();
  empty->set_name("empty");
  empty->mutable_type()->set_dtype(hetbin::FLOAT32);
  empty->mutable_type()->add_shape(0);
  empty->set_section(1);
  std::vector<std::byte> image = writer.finish(manifest);
  std::string error;
  std::unique_ptr<HetbinFile> file = HetbinFile::parse(image, error);
  ASSERT_NE(file, nullptr) << error;
  EXPECT_TRUE(file->sectionData(1).empty());
}

TEST(HetbinWriterTest, NumbersSectionsFromOne) {
  HetbinWriter writer;
  std::array<std::byte, 3> payload{};
  EXPECT_EQ(writer.addSection(SectionKind::Image, payload), 1u);
  EXPECT_EQ(writer.addSection(SectionKind::Constant, payload), 2u);
}

TEST(HetbinWriterTest, WriteFileRoundTripsThroughMappedFile) {
  ScratchDirectory directory;
  std::string path = (directory.path() / "model.hetbin").string();
  sample::SampleHetbin sample = sample::buildSampleHetbin();
  std::string error;
  ASSERT_TRUE(sample.writer.writeFile(path, sample.manifest, error)) << error;
  EXPECT_THAT(directory.entries(), ElementsAre("model.hetbin"))
      << "no temporary file is left behind";

  struct stat status;
  ASSERT_EQ(stat(path.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0644u);

  std::unique_ptr<MappedFile> mapped = MappedFile::open(path, error);
  ASSERT_NE(mapped, nullptr) << error;
  std::vector<std::byte> expected = sample.writer.finish(sample.manifest);
  EXPECT_TRUE(std::equal(mapped->bytes().begin(), mapped->bytes().end(),
                         expected.begin(), expected.end()));
  std::unique_ptr<HetbinFile> file = HetbinFile::parse(mapped->bytes(), error);
  ASSERT_NE(file, nullptr) << error;
  // mmap returns page-aligned memory, so 64-aligned offsets are 64-aligned
  // addresses.
  for (std::uint32_t i = 0; i < file->sections().size(); ++i)
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(file->sectionData(i).data()) %
                  kSectionAlignment,
              0u);
}

TEST(HetbinWriterTest, WriteFileReplacesAnExistingFile) {
  ScratchDirectory directory;
  std::string path = (directory.path() / "model.hetbin").string();
  std::ofstream(path) << "an older, longer file that must be replaced entirely "
                         ".......................";
  HetbinWriter writer;
  std::string error;
  ASSERT_TRUE(writer.writeFile(path, hetbin::Manifest(), error)) << error;
  std::unique_ptr<MappedFile> mapped = MappedFile::open(path, error);
  ASSERT_NE(mapped, nullptr) << error;
  EXPECT_NE(HetbinFile::parse(mapped->bytes(), error), nullptr) << error;
  EXPECT_THAT(directory.entries(), ElementsAre("model.hetbin"));
}

TEST(HetbinWriterTest, WriteFileIntoAMissingFolderFailsCleanly) {
  ScratchDirectory directory;
  std::string path = (directory.path() / "missing" / "model.hetbin").string();
  HetbinWriter writer;
  std::string error;
  EXPECT_FALSE(writer.writeFile(path, hetbin::Manifest(), error));
  EXPECT_THAT(error, HasSubstr("'" + path + "': No such file or directory"));
  EXPECT_TRUE(directory.entries().empty());
}

TEST(HetbinWriterTest, WriteFileOverAFolderFailsAndRemovesTheTemporaryFile) {
  // The temporary file is written completely and only the final rename fails.
  ScratchDirectory directory;
  fs::path target = directory.path() / "model.hetbin";
  fs::create_directories(target / "occupied");
  HetbinWriter writer;
  std::string error;
  EXPECT_FALSE(writer.writeFile(target.string(), hetbin::Manifest(), error));
  EXPECT_THAT(error, HasSubstr("cannot replace '" + target.string() + "': "));
  EXPECT_THAT(directory.entries(), ElementsAre("model.hetbin"));
  EXPECT_TRUE(fs::is_directory(target));
}

TEST(MappedFileTest, ReportsAMissingFile) {
  ScratchDirectory directory;
  std::string path = (directory.path() / "absent.hetbin").string();
  std::string error;
  EXPECT_EQ(MappedFile::open(path, error), nullptr);
  EXPECT_EQ(error, "cannot open '" + path + "': No such file or directory");
}

TEST(MappedFileTest, RejectsAFolder) {
  ScratchDirectory directory;
  std::string error;
  EXPECT_EQ(MappedFile::open(directory.path().string(), error), nullptr);
  EXPECT_THAT(error, HasSubstr("not a regular file"));
}

TEST(MappedFileTest, MapsAnEmptyFileToAnEmptySpan) {
  ScratchDirectory directory;
  std::string path = (directory.path() / "empty").string();
  std::ofstream{path};
  std::string error;
  std::unique_ptr<MappedFile> mapped = MappedFile::open(path, error);
  ASSERT_NE(mapped, nullptr) << error;
  EXPECT_TRUE(mapped->bytes().empty());
  EXPECT_EQ(HetbinFile::parse(mapped->bytes(), error), nullptr);
  EXPECT_THAT(error, HasSubstr("truncated"));
}

} // namespace
} // namespace het::format
