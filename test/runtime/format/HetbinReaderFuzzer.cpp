// libFuzzer target for the .hetbin reader.
//
// Whatever the bytes, parse() must fail cleanly or hand out only spans and
// manifest data that are safe to use.
#include "HetbinPatch.h"

#include "het/format/HetbinReader.h"

#include <google/protobuf/stubs/logging.h>

#include <vector>

namespace {

using namespace het::format;
namespace hetbin = het::hetbin;

/// Reads everything a user of a parsed file may read, so that AddressSanitizer
/// sees any span or index that the validation let through wrongly.
void useEverything(const HetbinFile &file) {
  std::uint8_t checksum = 0;
  for (std::uint32_t i = 0; i < file.sections().size(); ++i) {
    checksum ^= static_cast<std::uint8_t>(
        sectionKindName(file.sections()[i].kind).size());
    for (std::byte byte : file.sectionData(i))
      checksum ^= std::to_integer<std::uint8_t>(byte);
  }
  const hetbin::Manifest &manifest = file.manifest();
  std::size_t described = 0;
  for (const hetbin::Input &input : manifest.inputs())
    described += describeTensorType(input.type()).size();
  for (const hetbin::Output &output : manifest.outputs())
    described += describeTensorType(output.type()).size();
  for (const hetbin::Constant &constant : manifest.constants()) {
    described += describeTensorType(constant.type()).size() +
                 dtypeSize(constant.type().dtype());
    std::span<const std::byte> data = file.sectionData(constant.section());
    if (!data.empty())
      checksum ^= std::to_integer<std::uint8_t>(data.back());
  }
  for (const hetbin::Kernel &kernel : manifest.kernels()) {
    for (const hetbin::Binding &binding : kernel.bindings())
      described += describeTensorType(binding.type()).size();
    for (const hetbin::Variant &variant : kernel.variants()) {
      std::span<const std::byte> image =
          file.sectionData(variant.image_section());
      if (!image.empty())
        checksum ^= std::to_integer<std::uint8_t>(image.front());
    }
  }
  for (const hetbin::Dispatch &dispatch : manifest.graph().dispatches()) {
    const hetbin::Kernel &kernel =
        manifest.kernels(static_cast<int>(dispatch.kernel()));
    described += static_cast<std::size_t>(kernel.bindings_size());
    for (const hetbin::ValueRef &operand : dispatch.operands())
      if (operand.has_dispatch_result())
        described +=
            describeTensorType(manifest.graph()
                                   .dispatches(static_cast<int>(
                                       operand.dispatch_result().dispatch()))
                                   .results(static_cast<int>(
                                       operand.dispatch_result().result())))
                .size();
    for (const hetbin::TensorType &result : dispatch.results())
      described += describeTensorType(result).size();
  }
  // Keeps the reads from being optimized away.
  volatile std::size_t sink = checksum + described;
  (void)sink;
}

void parseAndUse(std::span<const std::byte> bytes) {
  std::string error;
  if (std::unique_ptr<HetbinFile> file = HetbinFile::parse(bytes, error))
    useEverything(*file);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  // Invalid UTF-8 in a string field makes protobuf log an error per input; that
  // is expected here.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data,
                                      std::size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte *>(data),
                                   size);
  parseAndUse(bytes);

  // Almost every mutation breaks the file size or the content hash, which would
  // keep the fuzzer from ever reaching the section table and manifest checks;
  // so parse again with both repaired.
  if (size >= kHeaderSize) {
    std::vector<std::byte> repaired(bytes.begin(), bytes.end());
    patch::storeU64(repaired, header_offset::kFileSize, size);
    patch::rehash(repaired);
    parseAndUse(repaired);
  }
  return 0;
}
