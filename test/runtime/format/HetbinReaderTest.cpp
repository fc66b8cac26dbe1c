// Tests that the .hetbin reader rejects each kind of damage, naming the field.
#include "HetbinPatch.h"
#include "SampleHetbin.h"

#include "het/format/HetbinReader.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <functional>

namespace het::format {
namespace {

using ::testing::HasSubstr;
using namespace patch;

std::vector<std::byte> sampleImage() {
  sample::SampleHetbin sample = sample::buildSampleHetbin();
  return sample.writer.finish(sample.manifest);
}

/// Parses `image`, expects a failure and returns its message.
std::string parseError(const std::vector<std::byte> &image) {
  std::string error;
  std::unique_ptr<HetbinFile> file = HetbinFile::parse(image, error);
  EXPECT_EQ(file, nullptr);
  EXPECT_FALSE(error.empty());
  return error;
}

/// The sample with `edit` applied to its manifest, written by the writer (so
/// the hash is right).
std::string manifestError(const std::function<void(hetbin::Manifest &)> &edit) {
  sample::SampleHetbin sample = sample::buildSampleHetbin();
  edit(sample.manifest);
  return parseError(sample.writer.finish(sample.manifest));
}

TEST(HetbinReaderTest, AcceptsTheSample) {
  sample::SampleHetbin sample = sample::buildSampleHetbin();
  std::vector<std::byte> image = sample.writer.finish(sample.manifest);
  std::string error;
  std::unique_ptr<HetbinFile> file = HetbinFile::parse(image, error);
  ASSERT_NE(file, nullptr) << error;
  EXPECT_TRUE(error.empty());
  EXPECT_EQ(file->header().versionMajor, kVersionMajor);
  EXPECT_EQ(file->header().versionMinor, kVersionMinor);
  EXPECT_EQ(file->header().fileSize, image.size());
  EXPECT_EQ(file->sections().size(), sample.payloads.size() + 1);
  EXPECT_EQ(file->bytes().data(), image.data());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      file->manifest(), sample.manifest));
}

TEST(HetbinReaderTest, AcceptsANewerMinorVersion) {
  std::vector<std::byte> image = sampleImage();
  storeU16(image, header_offset::kVersionMinor, 7);
  rehash(image);
  std::string error;
  std::unique_ptr<HetbinFile> file = HetbinFile::parse(image, error);
  ASSERT_NE(file, nullptr) << error;
  EXPECT_EQ(file->header().versionMinor, 7);
}

TEST(HetbinReaderTest, RejectsEveryTruncation) {
  std::vector<std::byte> image = sampleImage();
  for (std::size_t length = 0; length < image.size(); ++length) {
    // A copy of exactly `length` bytes, so that AddressSanitizer would see a
    // read past the end.
    std::vector<std::byte> truncated(
        image.begin(), image.begin() + static_cast<std::ptrdiff_t>(length));
    std::string error;
    EXPECT_EQ(HetbinFile::parse(truncated, error), nullptr)
        << "length " << length;
    EXPECT_THAT(error, HasSubstr("truncated: ")) << "length " << length;
    if (length >= kHeaderSize)
      EXPECT_THAT(error, HasSubstr("truncated: header says " +
                                   std::to_string(image.size()) +
                                   " bytes, got " + std::to_string(length)));
  }
}

TEST(HetbinReaderTest, RejectsAnEmptyFile) {
  EXPECT_THAT(
      parseError({}),
      HasSubstr(
          "truncated: the file has 0 bytes, less than the 128-byte header"));
}

TEST(HetbinReaderTest, RejectsBadMagic) {
  std::vector<std::byte> image = sampleImage();
  image[1] = std::byte{'X'};
  rehash(image);
  EXPECT_THAT(parseError(image), HasSubstr("not a .hetbin file: bad magic"));
}

TEST(HetbinReaderTest, RejectsAShortFileThatIsNotAHetbin) {
  const char text[] = "hello";
  std::vector<std::byte> image(reinterpret_cast<const std::byte *>(text),
                               reinterpret_cast<const std::byte *>(text) + 5);
  EXPECT_THAT(parseError(image), HasSubstr("not a .hetbin file: bad magic"));
}

TEST(HetbinReaderTest, RejectsAnUnknownMajorVersion) {
  std::vector<std::byte> image = sampleImage();
  storeU16(image, header_offset::kVersionMajor, 2);
  rehash(image);
  EXPECT_THAT(
      parseError(image),
      HasSubstr("unsupported format version 2.0; this reader supports 1.x"));
}

TEST(HetbinReaderTest, RejectsAnUnknownHeaderFlag) {
  std::vector<std::byte> image = sampleImage();
  storeU32(image, header_offset::kFlags, 0x4);
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("header field flags (offset 12) has unknown bits 0x4"));
}

TEST(HetbinReaderTest, RejectsAWrongHeaderSize) {
  std::vector<std::byte> image = sampleImage();
  storeU32(image, header_offset::kHeaderSize, 64);
  rehash(image);
  EXPECT_THAT(
      parseError(image),
      HasSubstr("header field header_size (offset 36) is 64, expected 128"));
}

TEST(HetbinReaderTest, RejectsTrailingBytes) {
  std::vector<std::byte> image = sampleImage();
  std::size_t size = image.size();
  image.resize(size + 64);
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("header field file_size (offset 16) is " +
                        std::to_string(size) + ", but the file has " +
                        std::to_string(size + 64) + " bytes"));
}

TEST(HetbinReaderTest, RejectsTooManySections) {
  std::vector<std::byte> image = sampleImage();
  storeU32(image, header_offset::kSectionCount, kMaxSectionCount + 1);
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("header field section_count (offset 32) is 1048577, "
                        "more than the limit 1048576"));
}

TEST(HetbinReaderTest, RejectsASectionTablePastTheEnd) {
  std::vector<std::byte> image = sampleImage();
  storeU64(image, header_offset::kSectionTableOffset, image.size() - 16);
  rehash(image);
  EXPECT_THAT(parseError(image), HasSubstr("extends past the end of the " +
                                           std::to_string(image.size())));
}

TEST(HetbinReaderTest, RejectsASectionTableOffsetThatWouldWrap) {
  // offset + count * 32 wraps around 2^64 to a small number; checked arithmetic
  // must catch it.
  std::vector<std::byte> image = sampleImage();
  storeU64(image, header_offset::kSectionTableOffset, ~std::uint64_t{0} - 31);
  rehash(image);
  EXPECT_THAT(
      parseError(image),
      HasSubstr(
          "section table (header fields section_table_offset = "
          "18446744073709551584 at offset 24, section_count = 7 at offset 32) "
          "extends past the end"));
}

TEST(HetbinReaderTest, RejectsASectionTableInsideTheHeader) {
  std::vector<std::byte> image = sampleImage();
  storeU64(image, header_offset::kSectionTableOffset, 64);
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("header field section_table_offset (offset 24) is 64, "
                        "inside the 128-byte header"));
}

TEST(HetbinReaderTest, RejectsANonZeroReservedHeaderByte) {
  std::vector<std::byte> image = sampleImage();
  image[100] = std::byte{1};
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("reserved header byte at offset 100 is not zero"));
}

TEST(HetbinReaderTest, RejectsAFileWithoutSections) {
  std::vector<std::byte> image = sampleImage();
  storeU32(image, header_offset::kSectionCount, 0);
  rehash(image);
  EXPECT_THAT(
      parseError(image),
      HasSubstr(
          "section_count (offset 32) is 0; section 0 must be the manifest"));
}

TEST(HetbinReaderTest, RejectsAnUnknownSectionKind) {
  std::vector<std::byte> image = sampleImage();
  storeU32(image, sectionField(1, section_offset::kKind), 9);
  rehash(image);
  EXPECT_THAT(
      parseError(image),
      HasSubstr("section 1: unknown kind 9 (table entry at offset 160)"));
}

TEST(HetbinReaderTest, RejectsSectionFlags) {
  std::vector<std::byte> image = sampleImage();
  storeU32(image, sectionField(2, section_offset::kFlags), 1);
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("section 2: flags 0x1 are not zero"));
}

TEST(HetbinReaderTest, RejectsANonZeroReservedSectionByte) {
  std::vector<std::byte> image = sampleImage();
  image[sectionField(3, 30)] = std::byte{1};
  rehash(image);
  EXPECT_THAT(
      parseError(image),
      HasSubstr("section 3: reserved byte 30 of the entry is not zero"));
}

TEST(HetbinReaderTest, RejectsAMisalignedSection) {
  std::vector<std::byte> image = sampleImage();
  std::uint64_t offset =
      loadU64(image, sectionField(2, section_offset::kOffset));
  storeU64(image, sectionField(2, section_offset::kOffset), offset + 8);
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("section 2: offset " + std::to_string(offset + 8) +
                        " is not a multiple of 64"));
}

TEST(HetbinReaderTest, RejectsASectionInsideTheSectionTable) {
  std::vector<std::byte> image = sampleImage();
  storeU64(image, sectionField(0, section_offset::kOffset), 128);
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("section 0: offset 128 lies before the end of the "
                        "section table (352)"));
}

TEST(HetbinReaderTest, RejectsASectionPastTheEnd) {
  std::vector<std::byte> image = sampleImage();
  std::uint32_t last = 6;
  std::uint64_t offset =
      loadU64(image, sectionField(last, section_offset::kOffset));
  storeU64(image, sectionField(last, section_offset::kSize),
           image.size() - offset + 1);
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("section 6: offset " + std::to_string(offset) +
                        " + size " + std::to_string(image.size() - offset + 1) +
                        " = " + std::to_string(image.size() + 1) +
                        " exceeds the file size " +
                        std::to_string(image.size())));
}

TEST(HetbinReaderTest, RejectsAnOffsetPlusSizeThatOverflows) {
  std::vector<std::byte> image = sampleImage();
  // A 64-aligned offset near 2^64: a wrapping sum would be small and pass a
  // naive bounds check.
  storeU64(image, sectionField(6, section_offset::kOffset),
           ~std::uint64_t{0} - 63);
  storeU64(image, sectionField(6, section_offset::kSize), 128);
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("section 6: offset 18446744073709551552 + size 128 "
                        "overflows 64 bits"));
}

TEST(HetbinReaderTest, RejectsOverlappingSections) {
  std::vector<std::byte> image = sampleImage();
  std::uint64_t firstOffset =
      loadU64(image, sectionField(1, section_offset::kOffset));
  std::uint64_t firstSize =
      loadU64(image, sectionField(1, section_offset::kSize));
  storeU64(image, sectionField(2, section_offset::kOffset), firstOffset);
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("section 2: offset " + std::to_string(firstOffset) +
                        " is before the end of section 1 (" +
                        std::to_string(firstOffset + firstSize) +
                        "); sections must be sorted"));
}

TEST(HetbinReaderTest, RejectsUnsortedSections) {
  std::vector<std::byte> image = sampleImage();
  // Swapping two whole entries keeps every section valid on its own but breaks
  // the order.
  for (std::size_t i = 0; i < kSectionEntrySize; ++i)
    std::swap(image[sectionField(3, i)], image[sectionField(4, i)]);
  rehash(image);
  EXPECT_THAT(parseError(image), HasSubstr("section 4: offset"));
  EXPECT_THAT(
      parseError(image),
      HasSubstr("sections must be sorted by offset and must not overlap"));
}

TEST(HetbinReaderTest, RejectsAManifestThatIsNotSectionZero) {
  std::vector<std::byte> image = sampleImage();
  storeU32(image, sectionField(0, section_offset::kKind),
           static_cast<std::uint32_t>(SectionKind::Constant));
  rehash(image);
  EXPECT_THAT(
      parseError(image),
      HasSubstr(
          "section 0: kind is constant, but section 0 must be the manifest"));
}

TEST(HetbinReaderTest, RejectsASecondManifest) {
  std::vector<std::byte> image = sampleImage();
  storeU32(image, sectionField(5, section_offset::kKind),
           static_cast<std::uint32_t>(SectionKind::Manifest));
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("section 5: a second manifest section"));
}

TEST(HetbinReaderTest, RejectsAFlippedPayloadByte) {
  sample::SampleHetbin sample = sample::buildSampleHetbin();
  std::vector<std::byte> image = sample.writer.finish(sample.manifest);
  std::uint64_t constantOffset =
      loadU64(image, sectionField(1, section_offset::kOffset));
  image[constantOffset + 5] ^= std::byte{0x10};
  EXPECT_THAT(parseError(image),
              HasSubstr("content hash mismatch: the file is corrupted"));
}

TEST(HetbinReaderTest, RejectsAFlippedHashByte) {
  std::vector<std::byte> image = sampleImage();
  image[header_offset::kContentHash + 31] ^= std::byte{1};
  EXPECT_THAT(parseError(image),
              HasSubstr("content hash mismatch: the file is corrupted"));
}

TEST(HetbinReaderTest, RejectsAGarbageManifest) {
  std::vector<std::byte> image = sampleImage();
  std::uint64_t offset =
      loadU64(image, sectionField(0, section_offset::kOffset));
  std::uint64_t size = loadU64(image, sectionField(0, section_offset::kSize));
  // 0xff bytes make a varint longer than ten bytes, which no protobuf parser
  // accepts.
  for (std::uint64_t i = 0; i < size; ++i)
    image[offset + i] = std::byte{0xff};
  rehash(image);
  EXPECT_THAT(parseError(image),
              HasSubstr("section 0: the manifest is not a valid "
                        "het.hetbin.Manifest protobuf message"));
}

TEST(HetbinReaderTest, RejectsAVariantImageSectionThatDoesNotExist) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_kernels(1)->mutable_variants(0)->set_image_section(7);
              }),
              HasSubstr("kernels[1].variants[0].image_section: section 7 does "
                        "not exist (the file has 7 sections)"));
}

TEST(HetbinReaderTest, RejectsAVariantImageOfTheWrongKind) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_kernels(0)->mutable_variants(2)->set_image_section(1);
              }),
              HasSubstr("kernels[0].variants[2].image_section: section 1 holds a "
                        "constant, expected a section of kind image"));
}

TEST(HetbinReaderTest, RejectsAConstantSectionThatDoesNotExist) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_constants(1)->set_section(42);
              }),
              HasSubstr("constants[1].section: section 42 does not exist (the "
                        "file has 7 sections)"));
}

TEST(HetbinReaderTest, RejectsAConstantInTheManifestSection) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_constants(0)->set_section(0);
              }),
              HasSubstr("constants[0].section: section 0 holds a manifest, "
                        "expected a section of kind constant"));
}

TEST(HetbinReaderTest, RejectsAConstantSectionOfTheWrongSize) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_constants(0)->mutable_type()->set_shape(1, 3);
              }),
              HasSubstr("constants[0].section: section 1 has 64 bytes, but "
                        "float32[4x3] needs 48"));
}

TEST(HetbinReaderTest, RejectsAConstantWhoseByteSizeOverflows) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_constants(0)->mutable_type()->set_shape(
                    0, std::int64_t{1} << 62);
              }),
              HasSubstr("constants[0].type: float32[4611686018427387904x4] has "
                        "more than 2^64 bytes"));
}

TEST(HetbinReaderTest, RejectsADynamicConstant) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_constants(1)->mutable_type()->set_shape(0, -1);
              }),
              HasSubstr("constants[1].type.shape[0]: dynamic dimension; a "
                        "constant's shape must be static"));
}

TEST(HetbinReaderTest, RejectsAnInvalidDimension) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_inputs(0)->mutable_type()->set_shape(1, -2);
              }),
              HasSubstr("inputs[0].type.shape[1]: -2 is not a dimension (>= 0, "
                        "or -1 for dynamic)"));
}

TEST(HetbinReaderTest, RejectsAnUnknownDType) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_outputs(0)->mutable_type()->set_dtype(
                    static_cast<hetbin::DType>(99));
              }),
              HasSubstr("outputs[0].type.dtype: unknown element type 99"));
}

TEST(HetbinReaderTest, RejectsAnUnspecifiedDType) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_inputs(0)->clear_type();
              }),
              HasSubstr("inputs[0].type.dtype: DTYPE_UNSPECIFIED; every tensor "
                        "needs an element type"));
}

TEST(HetbinReaderTest, RejectsDuplicateInputNames) {
  EXPECT_THAT(
      manifestError([](hetbin::Manifest &m) { *m.add_inputs() = m.inputs(0); }),
      HasSubstr("inputs[1].name: 'x' is already the name of inputs[0]"));
}

TEST(HetbinReaderTest, RejectsAnEmptyOutputName) {
  EXPECT_THAT(
      manifestError(
          [](hetbin::Manifest &m) { m.mutable_outputs(0)->clear_name(); }),
      HasSubstr("outputs[0].name: empty; every input and output needs a name"));
}

TEST(HetbinReaderTest, RejectsAKernelWithoutVariants) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_kernels(1)->clear_variants();
              }),
              HasSubstr("kernels[1].variants: empty; every kernel needs at "
                        "least one variant"));
}

TEST(HetbinReaderTest, RejectsAnUnspecifiedTargetKind) {
  EXPECT_THAT(
      manifestError([](hetbin::Manifest &m) {
        m.mutable_kernels(0)->mutable_variants(1)->clear_target();
      }),
      HasSubstr("kernels[0].variants[1].target.kind: TARGET_KIND_UNSPECIFIED"));
}

TEST(HetbinReaderTest, RejectsATargetWithoutItsField) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_kernels(0)
                    ->mutable_variants(1)
                    ->mutable_target()
                    ->clear_cuda_arch();
              }),
              HasSubstr("kernels[0].variants[1].target.cuda_arch: empty, but a "
                        "PTX target needs it"));
}

TEST(HetbinReaderTest, RejectsATargetWithAnotherKindsField) {
  EXPECT_THAT(
      manifestError([](hetbin::Manifest &m) {
        m.mutable_kernels(0)
            ->mutable_variants(0)
            ->mutable_target()
            ->set_fpga_part("xcu250");
      }),
      HasSubstr(
          "kernels[0].variants[0].target.fpga_part: set on a CPU target"));
}

TEST(HetbinReaderTest, RejectsAFormatOfAnotherTargetKind) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_kernels(0)->mutable_variants(0)->set_format(
                    hetbin::PTX_TEXT);
              }),
              HasSubstr("kernels[0].variants[0].format: PTX_TEXT is not an "
                        "image format of CPU targets"));
}

TEST(HetbinReaderTest, RejectsAnUnknownFormat) {
  EXPECT_THAT(
      manifestError([](hetbin::Manifest &m) {
        m.mutable_kernels(0)->mutable_variants(2)->set_format(
            static_cast<hetbin::ImageFormat>(77));
      }),
      HasSubstr("kernels[0].variants[2].format: unknown image format 77"));
}

TEST(HetbinReaderTest, RejectsAnEmptyEntryPoint) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_kernels(0)->mutable_variants(2)->clear_entry_point();
              }),
              HasSubstr("kernels[0].variants[2].entry_point: empty"));
}

TEST(HetbinReaderTest, RejectsALaunchWithFourDimensions) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                hetbin::LaunchConfig *launch =
                    m.mutable_kernels(0)->mutable_variants(1)->mutable_launch();
                for (int i = 0; i < 3; ++i)
                  launch->add_block(1);
              }),
              HasSubstr("kernels[0].variants[1].launch.block: 4 dimensions, at "
                        "most 3 are allowed"));
}

TEST(HetbinReaderTest, RejectsAZeroLaunchDimension) {
  EXPECT_THAT(
      manifestError([](hetbin::Manifest &m) {
        m.mutable_kernels(0)->mutable_variants(1)->mutable_launch()->set_grid(
            0, 0);
      }),
      HasSubstr("kernels[0].variants[1].launch.grid[0]: 0; a launch dimension "
                "is at least 1"));
}

TEST(HetbinReaderTest, RejectsAReadBindingAfterAWrittenOne) {
  EXPECT_THAT(
      manifestError([](hetbin::Manifest &m) {
        m.mutable_kernels(0)->mutable_bindings(1)->set_access(hetbin::WRITE);
        m.mutable_kernels(0)->mutable_bindings(2)->set_access(hetbin::READ);
      }),
      HasSubstr("kernels[0].bindings[2].access: READ after a written binding; "
                "read bindings come first"));
}

TEST(HetbinReaderTest, RejectsAnUnspecifiedAccess) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_kernels(1)->mutable_bindings(0)->clear_access();
              }),
              HasSubstr("kernels[1].bindings[0].access: ACCESS_UNSPECIFIED"));
}

TEST(HetbinReaderTest, RejectsADispatchOfAMissingKernel) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_graph()->mutable_dispatches(1)->set_kernel(2);
              }),
              HasSubstr("graph.dispatches[1].kernel: kernel 2 does not exist "
                        "(the manifest has 2 kernels)"));
}

TEST(HetbinReaderTest, RejectsADispatchReferencingALaterDispatch) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                hetbin::ValueRef *operand =
                    m.mutable_graph()->mutable_dispatches(0)->mutable_operands(
                        0);
                operand->mutable_dispatch_result()->set_dispatch(1);
              }),
              HasSubstr("graph.dispatches[0].operands[0].dispatch_result."
                        "dispatch: dispatch 1 is not earlier than "
                        "dispatch 0"));
}

TEST(HetbinReaderTest, RejectsADispatchReferencingItself) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_graph()
                    ->mutable_dispatches(1)
                    ->mutable_operands(0)
                    ->mutable_dispatch_result()
                    ->set_dispatch(1);
              }),
              HasSubstr("graph.dispatches[1].operands[0].dispatch_result."
                        "dispatch: dispatch 1 is not earlier than "
                        "dispatch 1"));
}

TEST(HetbinReaderTest, RejectsAMissingDispatchResult) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_graph()
                    ->mutable_dispatches(1)
                    ->mutable_operands(0)
                    ->mutable_dispatch_result()
                    ->set_result(1);
              }),
              HasSubstr("graph.dispatches[1].operands[0].dispatch_result."
                        "result: dispatch 0 has 1 results, there is "
                        "no result 1"));
}

TEST(HetbinReaderTest, RejectsAnOperandWithoutSource) {
  EXPECT_THAT(
      manifestError([](hetbin::Manifest &m) {
        m.mutable_graph()->mutable_dispatches(0)->mutable_operands(1)->Clear();
      }),
      HasSubstr("graph.dispatches[0].operands[1]: no source set"));
}

TEST(HetbinReaderTest, RejectsAMissingInputOrConstant) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_graph()
                    ->mutable_dispatches(0)
                    ->mutable_operands(0)
                    ->set_input(1);
              }),
              HasSubstr("graph.dispatches[0].operands[0].input: input 1 does "
                        "not exist (the manifest has 1 inputs)"));
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_graph()
                    ->mutable_dispatches(0)
                    ->mutable_operands(1)
                    ->set_constant(2);
              }),
              HasSubstr("graph.dispatches[0].operands[1].constant: constant 2 "
                        "does not exist (the manifest has 2 "
                        "constants)"));
}

TEST(HetbinReaderTest, RejectsAWrongOperandCount) {
  EXPECT_THAT(
      manifestError([](hetbin::Manifest &m) {
        m.mutable_graph()->mutable_dispatches(0)->add_operands()->set_input(0);
      }),
      HasSubstr("graph.dispatches[0].operands: 3 operands, but kernel 0 has 2 "
                "READ bindings"));
}

TEST(HetbinReaderTest, RejectsAWrongResultCount) {
  // add_bias's output is READ_WRITE, which counts as written: one result.
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_graph()->mutable_dispatches(1)->clear_results();
              }),
              HasSubstr("graph.dispatches[1].results: 0 results, but kernel 1 "
                        "has 1 WRITE or READ_WRITE bindings"));
}

TEST(HetbinReaderTest, RejectsAnOutputOfAMissingDispatch) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_outputs(0)
                    ->mutable_value()
                    ->mutable_dispatch_result()
                    ->set_dispatch(2);
              }),
              HasSubstr("outputs[0].value.dispatch_result.dispatch: dispatch 2 "
                        "does not exist (the graph has 2 "
                        "dispatches)"));
}

TEST(HetbinReaderTest, RejectsAnOutputWithoutValue) {
  EXPECT_THAT(manifestError([](hetbin::Manifest &m) {
                m.mutable_outputs(0)->clear_value();
              }),
              HasSubstr("outputs[0].value: no source set"));
}

TEST(HetbinReaderTest, AcceptsAnOutputThatIsAnInputOrConstant) {
  sample::SampleHetbin sample = sample::buildSampleHetbin();
  hetbin::Output *passThrough = sample.manifest.add_outputs();
  passThrough->set_name("x_again");
  *passThrough->mutable_type() = sample.manifest.inputs(0).type();
  passThrough->mutable_value()->set_input(0);
  std::vector<std::byte> image = sample.writer.finish(sample.manifest);
  std::string error;
  EXPECT_NE(HetbinFile::parse(image, error), nullptr) << error;
}

TEST(HetbinReaderTest, GivesSectionPayloads) {
  sample::SampleHetbin sample = sample::buildSampleHetbin();
  std::vector<std::byte> image = sample.writer.finish(sample.manifest);
  std::string error;
  std::unique_ptr<HetbinFile> file = HetbinFile::parse(image, error);
  ASSERT_NE(file, nullptr) << error;
  for (std::uint32_t i = 1; i < file->sections().size(); ++i) {
    std::span<const std::byte> data = file->sectionData(i);
    EXPECT_EQ(data.data(), image.data() + file->sections()[i].offset);
    EXPECT_TRUE(std::equal(data.begin(), data.end(),
                           sample.payloads[i - 1].begin(),
                           sample.payloads[i - 1].end()))
        << "section " << i;
  }
}

TEST(HetbinReaderTest, NamesAndSizesDTypes) {
  EXPECT_EQ(dtypeSize(hetbin::FLOAT32), 4u);
  EXPECT_EQ(dtypeSize(hetbin::BFLOAT16), 2u);
  EXPECT_EQ(dtypeSize(hetbin::INT64), 8u);
  EXPECT_EQ(dtypeSize(hetbin::BOOL), 1u);
  EXPECT_EQ(dtypeSize(hetbin::DTYPE_UNSPECIFIED), 0u);
  EXPECT_EQ(dtypeSize(static_cast<hetbin::DType>(1000)), 0u);
  EXPECT_EQ(dtypeName(hetbin::FLOAT32), "float32");
  EXPECT_EQ(dtypeName(hetbin::UINT8), "uint8");
  EXPECT_EQ(dtypeName(hetbin::BOOL), "bool");
  EXPECT_EQ(dtypeName(static_cast<hetbin::DType>(1000)), "unknown");
  for (int value = hetbin::DType_MIN; value <= hetbin::DType_MAX; ++value) {
    auto dtype = static_cast<hetbin::DType>(value);
    if (dtype != hetbin::DTYPE_UNSPECIFIED)
      EXPECT_NE(dtypeSize(dtype), 0u) << hetbin::DType_Name(dtype);
  }
}

TEST(HetbinReaderTest, DescribesTensorTypes) {
  hetbin::TensorType type;
  type.set_dtype(hetbin::FLOAT32);
  for (std::int64_t dim : {1, 3, 224, 224})
    type.add_shape(dim);
  EXPECT_EQ(describeTensorType(type), "float32[1x3x224x224]");
  type.set_shape(0, -1);
  EXPECT_EQ(describeTensorType(type), "float32[?x3x224x224]");
  type.clear_shape();
  type.set_dtype(hetbin::INT64);
  EXPECT_EQ(describeTensorType(type), "int64[]");
}

} // namespace
} // namespace het::format
