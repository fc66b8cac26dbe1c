// Validating reader of .hetbin files.
//
// Checks header, section table, content hash, then manifest semantics.
//
// The checks run in the order the format document lists them, so the first
// problem a file has is the one reported. All offset arithmetic is checked: a
// u64 that would wrap is reported, never compared after wrapping.
#include "het/format/HetbinReader.h"

#include <cassert>
#include <climits>
#include <cstring>
#include <sstream>
#include <string_view>
#include <unordered_map>

namespace het::format {
namespace {

std::uint16_t loadU16(const std::byte *p) {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(p[0]) |
                                    std::to_integer<unsigned>(p[1]) << 8);
}

std::uint32_t loadU32(const std::byte *p) {
  std::uint32_t value = 0;
  for (unsigned i = 0; i < 4; ++i)
    value |= std::to_integer<std::uint32_t>(p[i]) << (8 * i);
  return value;
}

std::uint64_t loadU64(const std::byte *p) {
  std::uint64_t value = 0;
  for (unsigned i = 0; i < 8; ++i)
    value |= std::to_integer<std::uint64_t>(p[i]) << (8 * i);
  return value;
}

bool checkedAdd(std::uint64_t a, std::uint64_t b, std::uint64_t &sum) {
  return !__builtin_add_overflow(a, b, &sum);
}

bool checkedMul(std::uint64_t a, std::uint64_t b, std::uint64_t &product) {
  return !__builtin_mul_overflow(a, b, &product);
}

template <typename... Parts> std::string concat(const Parts &...parts) {
  std::ostringstream stream;
  (stream << ... << parts);
  return stream.str();
}

std::string hex(std::uint64_t value) {
  std::ostringstream stream;
  stream << "0x" << std::hex << value;
  return stream.str();
}

/// Index suffix of a manifest path: "[3]".
std::string at(std::size_t index) { return concat('[', index, ']'); }

bool parseHeader(std::span<const std::byte> bytes, Header &header,
                 std::string &error) {
  const std::byte *data = bytes.data();
  // A short file that does not even start like a .hetbin is better described as
  // "not a .hetbin" than as truncated; either way nothing past its end is read.
  std::size_t magicBytes = std::min<std::size_t>(bytes.size(), kMagic.size());
  if (magicBytes != 0 && std::memcmp(data, kMagic.data(), magicBytes) != 0) {
    error = "not a .hetbin file: bad magic (bytes 0..7)";
    return false;
  }
  if (bytes.size() < kHeaderSize) {
    error = concat("truncated: the file has ", bytes.size(),
                   " bytes, less than the ", kHeaderSize, "-byte header");
    return false;
  }

  header.versionMajor = loadU16(data + header_offset::kVersionMajor);
  header.versionMinor = loadU16(data + header_offset::kVersionMinor);
  header.flags = loadU32(data + header_offset::kFlags);
  header.fileSize = loadU64(data + header_offset::kFileSize);
  header.sectionTableOffset =
      loadU64(data + header_offset::kSectionTableOffset);
  header.sectionCount = loadU32(data + header_offset::kSectionCount);
  header.headerSize = loadU32(data + header_offset::kHeaderSize);
  std::memcpy(header.contentHash.data(), data + header_offset::kContentHash,
              kContentHashSize);

  if (header.versionMajor != kVersionMajor) {
    error = concat("unsupported format version ", header.versionMajor, '.',
                   header.versionMinor, "; this reader supports ",
                   kVersionMajor, ".x");
    return false;
  }
  if (std::uint32_t unknown = header.flags & ~kKnownHeaderFlags) {
    error =
        concat("header field flags (offset ", header_offset::kFlags,
               ") has unknown bits ", hex(unknown), "; this reader supports ",
               kVersionMajor, '.', kVersionMinor);
    return false;
  }
  if (header.headerSize != kHeaderSize) {
    error =
        concat("header field header_size (offset ", header_offset::kHeaderSize,
               ") is ", header.headerSize, ", expected ", kHeaderSize);
    return false;
  }
  if (header.fileSize > bytes.size()) {
    error = concat("truncated: header says ", header.fileSize, " bytes, got ",
                   bytes.size());
    return false;
  }
  if (header.fileSize < bytes.size()) {
    error = concat("header field file_size (offset ", header_offset::kFileSize,
                   ") is ", header.fileSize, ", but the file has ",
                   bytes.size(), " bytes");
    return false;
  }
  if (header.sectionCount > kMaxSectionCount) {
    error = concat("header field section_count (offset ",
                   header_offset::kSectionCount, ") is ", header.sectionCount,
                   ", more than the limit ", kMaxSectionCount);
    return false;
  }
  if (header.sectionTableOffset < kHeaderSize) {
    error = concat("header field section_table_offset (offset ",
                   header_offset::kSectionTableOffset, ") is ",
                   header.sectionTableOffset, ", inside the ", kHeaderSize,
                   "-byte header");
    return false;
  }
  // sectionCount is bounded above, so the product cannot overflow; the sum can.
  std::uint64_t tableEnd = 0;
  if (!checkedAdd(header.sectionTableOffset,
                  std::uint64_t{header.sectionCount} * kSectionEntrySize,
                  tableEnd) ||
      tableEnd > header.fileSize) {
    error =
        concat("section table (header fields section_table_offset = ",
               header.sectionTableOffset, " at offset ",
               header_offset::kSectionTableOffset,
               ", section_count = ", header.sectionCount, " at offset ",
               header_offset::kSectionCount, ") extends past the end of the ",
               header.fileSize, "-byte file");
    return false;
  }
  for (std::size_t offset = header_offset::kContentHash + kContentHashSize;
       offset < kHeaderSize; ++offset) {
    if (data[offset] != std::byte{0}) {
      error = concat("reserved header byte at offset ", offset, " is not zero");
      return false;
    }
  }
  return true;
}

bool parseSectionTable(std::span<const std::byte> bytes, const Header &header,
                       std::vector<SectionEntry> &sections,
                       std::string &error) {
  // parseHeader checked that the whole table lies inside the file, so
  // sectionCount is backed by real bytes.
  const std::uint64_t tableEnd =
      header.sectionTableOffset +
      std::uint64_t{header.sectionCount} * kSectionEntrySize;
  sections.reserve(header.sectionCount);
  std::uint64_t previousEnd = tableEnd;
  for (std::uint32_t index = 0; index < header.sectionCount; ++index) {
    const std::uint64_t entryOffset =
        header.sectionTableOffset + std::uint64_t{index} * kSectionEntrySize;
    const std::byte *entry = bytes.data() + entryOffset;
    const std::string where =
        concat(" (table entry at offset ", entryOffset, ')');
    const std::string name = concat("section ", index, ": ");

    std::uint32_t kind = loadU32(entry + section_offset::kKind);
    SectionEntry section;
    section.flags = loadU32(entry + section_offset::kFlags);
    section.offset = loadU64(entry + section_offset::kOffset);
    section.size = loadU64(entry + section_offset::kSize);

    if (!isKnownSectionKind(kind)) {
      error = concat(name, "unknown kind ", kind, where);
      return false;
    }
    section.kind = static_cast<SectionKind>(kind);
    if (section.flags != 0) {
      error = concat(name, "flags ", hex(section.flags),
                     " are not zero; v1 defines no section flags", where);
      return false;
    }
    for (std::size_t offset = section_offset::kSize + 8;
         offset < kSectionEntrySize; ++offset) {
      if (entry[offset] != std::byte{0}) {
        error = concat(name, "reserved byte ", offset,
                       " of the entry is not zero", where);
        return false;
      }
    }
    if (section.offset % kSectionAlignment != 0) {
      error = concat(name, "offset ", section.offset, " is not a multiple of ",
                     kSectionAlignment, where);
      return false;
    }
    if (section.offset < tableEnd) {
      error = concat(name, "offset ", section.offset,
                     " lies before the end of the section table (", tableEnd,
                     ')', where);
      return false;
    }
    std::uint64_t end = 0;
    if (!checkedAdd(section.offset, section.size, end)) {
      error = concat(name, "offset ", section.offset, " + size ", section.size,
                     " overflows 64 bits", where);
      return false;
    }
    if (end > header.fileSize) {
      error =
          concat(name, "offset ", section.offset, " + size ", section.size,
                 " = ", end, " exceeds the file size ", header.fileSize, where);
      return false;
    }
    if (section.offset < previousEnd) {
      error = concat(
          name, "offset ", section.offset, " is before the end of section ",
          index - 1, " (", previousEnd,
          "); sections must be sorted by offset and must not overlap", where);
      return false;
    }
    if (index == 0 && section.kind != SectionKind::Manifest) {
      error = concat(name, "kind is ", sectionKindName(section.kind),
                     ", but section 0 must be the manifest", where);
      return false;
    }
    if (index != 0 && section.kind == SectionKind::Manifest) {
      error = concat(name,
                     "a second manifest section; the file must have exactly "
                     "one, as section 0",
                     where);
      return false;
    }
    previousEnd = end;
    sections.push_back(section);
  }
  if (sections.empty()) {
    error = concat("header field section_count (offset ",
                   header_offset::kSectionCount,
                   ") is 0; section 0 must be the manifest");
    return false;
  }
  return true;
}

bool checkContentHash(std::span<const std::byte> bytes, const Header &header,
                      std::string &error) {
  if (computeContentHash(bytes.data(), bytes.size()) != header.contentHash) {
    error = concat("content hash mismatch: the file is corrupted (header field "
                   "content_hash at offset ",
                   header_offset::kContentHash,
                   " does not match the SHA-256 of the file)");
    return false;
  }
  return true;
}

/// Checks what the manifest says against itself and against the section table.
class ManifestValidator {
public:
  ManifestValidator(const hetbin::Manifest &manifest,
                    std::span<const SectionEntry> sections, std::string &error)
      : manifest_(manifest), sections_(sections), error_(error) {}

  bool validate() {
    return checkInputs() && checkConstants() && checkKernels() &&
           checkGraph() && checkOutputs();
  }

private:
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  bool checkTensorType(const hetbin::TensorType &type, const std::string &path,
                       bool requireStatic) {
    if (!hetbin::DType_IsValid(type.dtype()))
      return fail(concat(path, ".dtype: unknown element type ", type.dtype()));
    if (type.dtype() == hetbin::DTYPE_UNSPECIFIED)
      return fail(concat(
          path,
          ".dtype: DTYPE_UNSPECIFIED; every tensor needs an element type"));
    for (int i = 0; i < type.shape_size(); ++i) {
      std::int64_t dim = type.shape(i);
      if (dim < -1)
        return fail(concat(path, ".shape", at(i), ": ", dim,
                           " is not a dimension (>= 0, or -1 for dynamic)"));
      if (requireStatic && dim < 0)
        return fail(
            concat(path, ".shape", at(i),
                   ": dynamic dimension; a constant's shape must be static"));
    }
    return true;
  }

  bool checkSectionRef(std::uint32_t index, SectionKind kind,
                       const std::string &path) {
    if (index >= sections_.size())
      return fail(concat(path, ": section ", index,
                         " does not exist (the file has ", sections_.size(),
                         " sections)"));
    if (sections_[index].kind != kind)
      return fail(concat(path, ": section ", index, " holds a ",
                         sectionKindName(sections_[index].kind),
                         ", expected a section of kind ", sectionKindName(kind)));
    return true;
  }

  /// Dispatches with an index below `dispatchLimit` may be referenced;
  /// `fromDispatch` says whether the reference is a dispatch operand (the limit
  /// is that dispatch) or a graph output (the limit is the count).
  bool checkValueRef(const hetbin::ValueRef &ref, const std::string &path,
                     int dispatchLimit, bool fromDispatch) {
    switch (ref.source_case()) {
    case hetbin::ValueRef::SOURCE_NOT_SET:
      return fail(concat(path, ": no source set; a value is an input, a "
                               "constant or a dispatch result"));
    case hetbin::ValueRef::kInput:
      if (ref.input() >= static_cast<std::uint32_t>(manifest_.inputs_size()))
        return fail(concat(path, ".input: input ", ref.input(),
                           " does not exist (the manifest has ",
                           manifest_.inputs_size(), " inputs)"));
      return true;
    case hetbin::ValueRef::kConstant:
      if (ref.constant() >=
          static_cast<std::uint32_t>(manifest_.constants_size()))
        return fail(concat(path, ".constant: constant ", ref.constant(),
                           " does not exist (the manifest has ",
                           manifest_.constants_size(), " constants)"));
      return true;
    case hetbin::ValueRef::kDispatchResult: {
      const hetbin::ValueRef::DispatchResult &result = ref.dispatch_result();
      if (result.dispatch() >= static_cast<std::uint32_t>(dispatchLimit)) {
        if (fromDispatch)
          return fail(concat(
              path, ".dispatch_result.dispatch: dispatch ", result.dispatch(),
              " is not earlier than dispatch ", dispatchLimit,
              "; a dispatch reads only results of earlier ones"));
        return fail(concat(path, ".dispatch_result.dispatch: dispatch ",
                           result.dispatch(), " does not exist (the graph has ",
                           dispatchLimit, " dispatches)"));
      }
      const hetbin::Dispatch &producer =
          manifest_.graph().dispatches(static_cast<int>(result.dispatch()));
      if (result.result() >=
          static_cast<std::uint32_t>(producer.results_size()))
        return fail(concat(path, ".dispatch_result.result: dispatch ",
                           result.dispatch(), " has ", producer.results_size(),
                           " results, there is no result ", result.result()));
      return true;
    }
    }
    return fail(concat(path, ": unknown value source"));
  }

  /// Names of inputs and of outputs are how callers bind tensors: they must
  /// exist and be unique.
  template <typename Entries>
  bool checkNames(const Entries &entries, std::string_view field) {
    std::unordered_map<std::string_view, int> seen;
    for (int i = 0; i < entries.size(); ++i) {
      const std::string &name = entries.Get(i).name();
      if (name.empty())
        return fail(concat(
            field, at(i), ".name: empty; every input and output needs a name"));
      auto [it, inserted] = seen.emplace(name, i);
      if (!inserted)
        return fail(concat(field, at(i), ".name: '", name,
                           "' is already the name of ", field, at(it->second)));
    }
    return true;
  }

  bool checkInputs() {
    if (!checkNames(manifest_.inputs(), "inputs"))
      return false;
    for (int i = 0; i < manifest_.inputs_size(); ++i)
      if (!checkTensorType(manifest_.inputs(i).type(),
                           concat("inputs", at(i), ".type"), false))
        return false;
    return true;
  }

  bool checkConstants() {
    for (int i = 0; i < manifest_.constants_size(); ++i) {
      const hetbin::Constant &constant = manifest_.constants(i);
      const std::string path = concat("constants", at(i));
      if (!checkTensorType(constant.type(), path + ".type", true) ||
          !checkSectionRef(constant.section(), SectionKind::Constant,
                           path + ".section"))
        return false;
      std::uint64_t byteSize = dtypeSize(constant.type().dtype());
      for (std::int64_t dim : constant.type().shape())
        if (!checkedMul(byteSize, static_cast<std::uint64_t>(dim), byteSize))
          return fail(concat(path,
                             ".type: ", describeTensorType(constant.type()),
                             " has more than 2^64 bytes"));
      std::uint64_t sectionSize = sections_[constant.section()].size;
      if (sectionSize != byteSize)
        return fail(concat(path, ".section: section ", constant.section(),
                           " has ", sectionSize, " bytes, but ",
                           describeTensorType(constant.type()), " needs ",
                           byteSize));
    }
    return true;
  }

  bool checkTarget(const hetbin::Target &target, const std::string &path) {
    struct FieldOfKind {
      hetbin::TargetKind kind;
      std::string_view name;
      const std::string &value;
    };
    const FieldOfKind fields[] = {
        {hetbin::CPU, "cpu_feature_level", target.cpu_feature_level()},
        {hetbin::PTX, "cuda_arch", target.cuda_arch()},
        {hetbin::HLS, "fpga_part", target.fpga_part()}};
    if (!hetbin::TargetKind_IsValid(target.kind()))
      return fail(concat(path, ".kind: unknown target kind ", target.kind()));
    if (target.kind() == hetbin::TARGET_KIND_UNSPECIFIED)
      return fail(concat(
          path, ".kind: TARGET_KIND_UNSPECIFIED; expected CPU, PTX or HLS"));
    for (const FieldOfKind &field : fields) {
      if (field.kind == target.kind() && field.value.empty())
        return fail(concat(path, '.', field.name, ": empty, but a ",
                           hetbin::TargetKind_Name(target.kind()),
                           " target needs it"));
      if (field.kind != target.kind() && !field.value.empty())
        return fail(
            concat(path, '.', field.name, ": set on a ",
                   hetbin::TargetKind_Name(target.kind()),
                   " target; only the field of the target's kind may be set"));
    }
    return true;
  }

  static bool isFormatOfKind(hetbin::ImageFormat format,
                             hetbin::TargetKind kind) {
    switch (kind) {
    case hetbin::CPU:
      return format == hetbin::ELF_SHARED_OBJECT;
    case hetbin::PTX:
      return format == hetbin::PTX_TEXT || format == hetbin::CUBIN;
    case hetbin::HLS:
      return format == hetbin::HLS_CPP ||
             format == hetbin::HLS_CSIM_SHARED_OBJECT ||
             format == hetbin::XCLBIN;
    default:
      return false;
    }
  }

  bool
  checkLaunchDims(const google::protobuf::RepeatedField<std::uint64_t> &dims,
                  const std::string &path) {
    if (dims.size() > 3)
      return fail(concat(path, ": ", dims.size(),
                         " dimensions, at most 3 are allowed"));
    for (int i = 0; i < dims.size(); ++i)
      if (dims.Get(i) == 0)
        return fail(
            concat(path, at(i), ": 0; a launch dimension is at least 1"));
    return true;
  }

  bool checkVariant(const hetbin::Variant &variant, const std::string &path) {
    if (!checkTarget(variant.target(), path + ".target"))
      return false;
    hetbin::TargetKind kind = variant.target().kind();
    if (!hetbin::ImageFormat_IsValid(variant.format()))
      return fail(
          concat(path, ".format: unknown image format ", variant.format()));
    if (!isFormatOfKind(variant.format(), kind))
      return fail(
          concat(path, ".format: ", hetbin::ImageFormat_Name(variant.format()),
                 " is not an image format of ", hetbin::TargetKind_Name(kind),
                 " targets"));
    if (!checkSectionRef(variant.image_section(), SectionKind::Image,
                         path + ".image_section"))
      return false;
    if (variant.entry_point().empty())
      return fail(concat(path, ".entry_point: empty; a variant names the "
                               "symbol or top function to launch"));
    return checkLaunchDims(variant.launch().grid(), path + ".launch.grid") &&
           checkLaunchDims(variant.launch().block(), path + ".launch.block");
  }

  bool checkKernels() {
    // Counted while checking, so that the graph can compare operand and result
    // counts with them.
    bindingCounts_.reserve(static_cast<std::size_t>(manifest_.kernels_size()));
    for (int k = 0; k < manifest_.kernels_size(); ++k) {
      const hetbin::Kernel &kernel = manifest_.kernels(k);
      const std::string path = concat("kernels", at(k));
      BindingCounts counts;
      for (int b = 0; b < kernel.bindings_size(); ++b) {
        const hetbin::Binding &binding = kernel.bindings(b);
        const std::string bindingPath = concat(path, ".bindings", at(b));
        if (!hetbin::Access_IsValid(binding.access()))
          return fail(concat(bindingPath, ".access: unknown access ",
                             binding.access()));
        if (binding.access() == hetbin::ACCESS_UNSPECIFIED)
          return fail(concat(bindingPath,
                             ".access: ACCESS_UNSPECIFIED; expected READ, "
                             "WRITE or READ_WRITE"));
        if (binding.access() == hetbin::READ) {
          if (counts.written != 0)
            return fail(concat(bindingPath,
                               ".access: READ after a written binding; "
                               "read bindings come first"));
          ++counts.read;
        } else {
          ++counts.written;
        }
        if (!checkTensorType(binding.type(), bindingPath + ".type", false))
          return false;
      }
      if (kernel.variants_size() == 0)
        return fail(concat(
            path, ".variants: empty; every kernel needs at least one variant"));
      for (int v = 0; v < kernel.variants_size(); ++v)
        if (!checkVariant(kernel.variants(v), concat(path, ".variants", at(v))))
          return false;
      bindingCounts_.push_back(counts);
    }
    return true;
  }

  bool checkGraph() {
    const auto &dispatches = manifest_.graph().dispatches();
    for (int d = 0; d < dispatches.size(); ++d) {
      const hetbin::Dispatch &dispatch = dispatches.Get(d);
      const std::string path = concat("graph.dispatches", at(d));
      if (dispatch.kernel() >=
          static_cast<std::uint32_t>(manifest_.kernels_size()))
        return fail(concat(path, ".kernel: kernel ", dispatch.kernel(),
                           " does not exist (the manifest has ",
                           manifest_.kernels_size(), " kernels)"));
      const BindingCounts &counts = bindingCounts_[dispatch.kernel()];
      if (static_cast<std::uint64_t>(dispatch.operands_size()) != counts.read)
        return fail(concat(path, ".operands: ", dispatch.operands_size(),
                           " operands, but kernel ", dispatch.kernel(), " has ",
                           counts.read, " READ bindings"));
      if (static_cast<std::uint64_t>(dispatch.results_size()) != counts.written)
        return fail(concat(path, ".results: ", dispatch.results_size(),
                           " results, but kernel ", dispatch.kernel(), " has ",
                           counts.written, " WRITE or READ_WRITE bindings"));
      for (int o = 0; o < dispatch.operands_size(); ++o)
        if (!checkValueRef(dispatch.operands(o),
                           concat(path, ".operands", at(o)), d, true))
          return false;
      for (int r = 0; r < dispatch.results_size(); ++r)
        if (!checkTensorType(dispatch.results(r),
                             concat(path, ".results", at(r)), false))
          return false;
    }
    return true;
  }

  bool checkOutputs() {
    if (!checkNames(manifest_.outputs(), "outputs"))
      return false;
    for (int i = 0; i < manifest_.outputs_size(); ++i) {
      const hetbin::Output &output = manifest_.outputs(i);
      const std::string path = concat("outputs", at(i));
      if (!checkTensorType(output.type(), path + ".type", false) ||
          !checkValueRef(output.value(), path + ".value",
                         manifest_.graph().dispatches_size(), false))
        return false;
    }
    return true;
  }

  struct BindingCounts {
    std::uint64_t read = 0;
    std::uint64_t written = 0;
  };

  const hetbin::Manifest &manifest_;
  std::span<const SectionEntry> sections_;
  std::string &error_;
  std::vector<BindingCounts> bindingCounts_;
};

} // namespace

std::unique_ptr<HetbinFile> HetbinFile::parse(std::span<const std::byte> bytes,
                                              std::string &error) {
  error.clear();
  std::unique_ptr<HetbinFile> file(new HetbinFile());
  file->bytes_ = bytes;
  if (!parseHeader(bytes, file->header_, error) ||
      !parseSectionTable(bytes, file->header_, file->sections_, error) ||
      !checkContentHash(bytes, file->header_, error))
    return nullptr;

  const SectionEntry &manifestSection = file->sections_[0];
  if (manifestSection.size > static_cast<std::uint64_t>(INT_MAX)) {
    error = concat("section 0: the manifest has ", manifestSection.size,
                   " bytes, more than protobuf can parse (2 GiB - 1)");
    return nullptr;
  }
  if (!file->manifest_.ParseFromArray(bytes.data() + manifestSection.offset,
                                      static_cast<int>(manifestSection.size))) {
    error = "section 0: the manifest is not a valid het.hetbin.Manifest "
            "protobuf message";
    return nullptr;
  }
  if (!ManifestValidator(file->manifest_, file->sections_, error).validate())
    return nullptr;
  return file;
}

std::span<const std::byte> HetbinFile::sectionData(std::uint32_t index) const {
  assert(index < sections_.size() && "section index out of range");
  const SectionEntry &section = sections_[index];
  return bytes_.subspan(section.offset, section.size);
}

std::size_t dtypeSize(hetbin::DType dtype) {
  switch (dtype) {
  case hetbin::INT8:
  case hetbin::UINT8:
  case hetbin::BOOL:
    return 1;
  case hetbin::FLOAT16:
  case hetbin::BFLOAT16:
  case hetbin::INT16:
  case hetbin::UINT16:
    return 2;
  case hetbin::FLOAT32:
  case hetbin::INT32:
  case hetbin::UINT32:
    return 4;
  case hetbin::FLOAT64:
  case hetbin::INT64:
  case hetbin::UINT64:
    return 8;
  default:
    return 0;
  }
}

std::string_view dtypeName(hetbin::DType dtype) {
  switch (dtype) {
  case hetbin::FLOAT32:
    return "float32";
  case hetbin::FLOAT16:
    return "float16";
  case hetbin::BFLOAT16:
    return "bfloat16";
  case hetbin::FLOAT64:
    return "float64";
  case hetbin::INT8:
    return "int8";
  case hetbin::INT16:
    return "int16";
  case hetbin::INT32:
    return "int32";
  case hetbin::INT64:
    return "int64";
  case hetbin::UINT8:
    return "uint8";
  case hetbin::UINT16:
    return "uint16";
  case hetbin::UINT32:
    return "uint32";
  case hetbin::UINT64:
    return "uint64";
  case hetbin::BOOL:
    return "bool";
  case hetbin::DTYPE_UNSPECIFIED:
    return "unspecified";
  default:
    return "unknown";
  }
}

std::string describeTensorType(const hetbin::TensorType &type) {
  std::string text(dtypeName(type.dtype()));
  text += '[';
  for (int i = 0; i < type.shape_size(); ++i) {
    if (i != 0)
      text += 'x';
    text +=
        type.shape(i) == -1 ? std::string("?") : std::to_string(type.shape(i));
  }
  text += ']';
  return text;
}

} // namespace het::format
