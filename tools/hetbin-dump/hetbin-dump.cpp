// hetbin-dump: prints the header, section table and manifest of a .hetbin file, as text or JSON.
#include "het/Version.h"
#include "het/format/HetbinReader.h"
#include "het/format/MappedFile.h"

#include "JsonString.h"

#include <CLI/CLI.hpp>
#include <google/protobuf/util/json_util.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>

using namespace het::format;
using het::tools::jsonString;
namespace hb = het::hetbin;

namespace {

std::string hex(std::span<const std::uint8_t> bytes) {
  static const char *digits = "0123456789abcdef";
  std::string text;
  for (std::uint8_t byte : bytes) {
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  return text;
}

std::string targetName(const hb::Target &target) {
  switch (target.kind()) {
  case hb::CPU:
    return "cpu " + target.cpu_feature_level();
  case hb::PTX:
    return "ptx " + target.cuda_arch();
  case hb::HLS:
    return "hls " + target.fpga_part();
  default:
    return "unknown";
  }
}

std::string dims(const google::protobuf::RepeatedField<std::uint64_t> &values) {
  std::string text = "[";
  for (int i = 0; i < values.size(); ++i)
    text += (i ? "," : "") + std::to_string(values[i]);
  return text + "]";
}

std::string valueName(const hb::Manifest &manifest, const hb::ValueRef &value) {
  switch (value.source_case()) {
  case hb::ValueRef::kInput:
    return "input '" + manifest.inputs(value.input()).name() + "'";
  case hb::ValueRef::kConstant:
    return "constant '" + manifest.constants(value.constant()).name() + "'";
  case hb::ValueRef::kDispatchResult:
    return "%" + std::to_string(value.dispatch_result().dispatch()) + "#" +
           std::to_string(value.dispatch_result().result());
  default:
    return "<none>";
  }
}

void printText(const std::string &path, const HetbinFile &file) {
  const Header &header = file.header();
  const hb::Manifest &manifest = file.manifest();
  std::printf("file:      %s (%llu bytes)\n", path.c_str(), static_cast<unsigned long long>(header.fileSize));
  std::printf("format:    %u.%u, flags 0x%x\n", header.versionMajor, header.versionMinor, header.flags);
  std::printf("hash:      sha256:%s\n", hex(header.contentHash).c_str());
  std::printf("producer:  %s\n", manifest.producer().c_str());
  if (!manifest.source().empty())
    std::printf("source:    %s\n", manifest.source().c_str());

  std::printf("\nsections (%zu):\n  %-4s %-9s %12s %12s\n", file.sections().size(), "#", "kind", "offset",
              "size");
  for (std::size_t i = 0; i < file.sections().size(); ++i) {
    const SectionEntry &section = file.sections()[i];
    std::printf("  %-4zu %-9s %12llu %12llu\n", i, std::string(sectionKindName(section.kind)).c_str(),
                static_cast<unsigned long long>(section.offset),
                static_cast<unsigned long long>(section.size));
  }

  std::printf("\ninputs (%d):\n", manifest.inputs_size());
  for (const hb::Input &input : manifest.inputs())
    std::printf("  %s: %s\n", input.name().c_str(), describeTensorType(input.type()).c_str());
  std::printf("outputs (%d):\n", manifest.outputs_size());
  for (const hb::Output &output : manifest.outputs())
    std::printf("  %s: %s = %s\n", output.name().c_str(), describeTensorType(output.type()).c_str(),
                valueName(manifest, output.value()).c_str());
  std::printf("constants (%d):\n", manifest.constants_size());
  for (const hb::Constant &constant : manifest.constants())
    std::printf("  %s: %s in section %u\n", constant.name().c_str(), describeTensorType(constant.type()).c_str(),
                constant.section());

  std::printf("\nkernels (%d):\n", manifest.kernels_size());
  for (int k = 0; k < manifest.kernels_size(); ++k) {
    const hb::Kernel &kernel = manifest.kernels(k);
    std::printf("  [%d] %s: flops %llu, bytes read %llu, bytes written %llu\n", k, kernel.name().c_str(),
                static_cast<unsigned long long>(kernel.cost().flops()),
                static_cast<unsigned long long>(kernel.cost().bytes_read()),
                static_cast<unsigned long long>(kernel.cost().bytes_written()));
    for (const hb::Binding &binding : kernel.bindings())
      std::printf("      binding %-10s %-10s %s\n", binding.name().c_str(),
                  hb::Access_Name(binding.access()).c_str(), describeTensorType(binding.type()).c_str());
    for (const hb::Variant &variant : kernel.variants()) {
      std::printf("      variant %-12s %-28s %-22s entry %s", variant.name().c_str(), targetName(variant.target()).c_str(),
                  hb::ImageFormat_Name(variant.format()).c_str(), variant.entry_point().c_str());
      if (variant.launch().grid_size())
        std::printf(" grid %s", dims(variant.launch().grid()).c_str());
      if (variant.launch().block_size())
        std::printf(" block %s", dims(variant.launch().block()).c_str());
      std::printf(" section %u (%zu bytes)\n", variant.image_section(),
                  file.sectionData(variant.image_section()).size());
    }
  }

  std::printf("\ngraph (%d dispatches):\n", manifest.graph().dispatches_size());
  for (int d = 0; d < manifest.graph().dispatches_size(); ++d) {
    const hb::Dispatch &dispatch = manifest.graph().dispatches(d);
    std::string operands;
    for (const hb::ValueRef &operand : dispatch.operands())
      operands += (operands.empty() ? "" : ", ") + valueName(manifest, operand);
    std::string results;
    for (const hb::TensorType &result : dispatch.results())
      results += (results.empty() ? "" : ", ") + describeTensorType(result);
    std::printf("  %%%d = dispatch %s(%s) -> (%s)\n", d, manifest.kernels(dispatch.kernel()).name().c_str(),
                operands.c_str(), results.c_str());
  }
}

bool printJson(const std::string &path, const HetbinFile &file) {
  const Header &header = file.header();
  std::string manifestJson;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(file.manifest(), &manifestJson, options).ok()) {
    std::fprintf(stderr, "hetbin-dump: %s: cannot render the manifest as JSON\n", path.c_str());
    return false;
  }
  std::ostringstream out;
  out << "{\"file\": " << jsonString(path) << ", \"header\": {\"version_major\": " << header.versionMajor
      << ", \"version_minor\": " << header.versionMinor << ", \"flags\": " << header.flags
      << ", \"file_size\": " << header.fileSize << ", \"section_table_offset\": " << header.sectionTableOffset
      << ", \"section_count\": " << header.sectionCount << ", \"content_hash\": \"sha256:"
      << hex(header.contentHash) << "\"}, \"sections\": [";
  for (std::size_t i = 0; i < file.sections().size(); ++i) {
    const SectionEntry &section = file.sections()[i];
    out << (i ? ", " : "") << "{\"index\": " << i << ", \"kind\": \"" << sectionKindName(section.kind)
        << "\", \"offset\": " << section.offset << ", \"size\": " << section.size << "}";
  }
  out << "], \"manifest\": " << manifestJson << "}\n";
  std::fputs(out.str().c_str(), stdout);
  return true;
}

/// Writes the payload of one section to `output`, so a stored image can be handed to other tools (ptxas,
/// objdump, a C++ compiler).
int extractSection(const HetbinFile &file, std::uint32_t index, const std::string &output) {
  if (index >= file.sections().size()) {
    std::fprintf(stderr, "hetbin-dump: error: --extract %u: the file has %zu sections (0 to %zu)\n", index,
                 file.sections().size(), file.sections().size() - 1);
    return 1;
  }
  std::FILE *out = output == "-" ? stdout : std::fopen(output.c_str(), "wb");
  if (!out) {
    std::fprintf(stderr, "hetbin-dump: error: cannot open '%s': %s\n", output.c_str(), std::strerror(errno));
    return 1;
  }
  std::span<const std::byte> data = file.sectionData(index);
  bool written = std::fwrite(data.data(), 1, data.size(), out) == data.size();
  if (out != stdout)
    written = std::fclose(out) == 0 && written;
  if (!written) {
    std::fprintf(stderr, "hetbin-dump: error: cannot write '%s': %s\n", output.c_str(), std::strerror(errno));
    return 1;
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"hetbin-dump: print what a .hetbin file holds (header, sections, manifest).\n"
               "The file is fully validated first; a malformed file is reported with the reader's "
               "error and a non-zero exit.\n\nExample:\n  hetbin-dump model.hetbin\n"
               "  hetbin-dump --json model.hetbin | python3 -m json.tool",
               "hetbin-dump"};
  std::string path;
  bool json = false;
  app.add_option("file", path, "The .hetbin file to print")->required();
  app.add_flag("--json", json, "Print JSON instead of text: {file, header, sections, manifest}");
  std::uint32_t extract = 0;
  std::string output = "-";
  auto *extractOption =
      app.add_option("--extract", extract, "Write the raw payload of section INDEX instead of a listing");
  app.add_option("-o,--output", output, "Where --extract writes (default: standard output)")
      ->needs(extractOption);
  app.set_version_flag("--version", std::string("hetbin-dump ") + HET_VERSION_STRING);
  CLI11_PARSE(app, argc, argv);

  std::string error;
  auto mapping = MappedFile::open(path, error);
  if (!mapping) {
    std::fprintf(stderr, "hetbin-dump: error: %s\n", error.c_str());
    return 1;
  }
  auto file = HetbinFile::parse(mapping->bytes(), error);
  if (!file) {
    std::fprintf(stderr, "hetbin-dump: error: %s: %s\n", path.c_str(), error.c_str());
    return 1;
  }
  if (*extractOption)
    return extractSection(*file, extract, output);
  if (json)
    return printJson(path, *file) ? 0 : 1;
  printText(path, *file);
  return 0;
}
