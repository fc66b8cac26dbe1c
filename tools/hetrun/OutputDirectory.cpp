// Writes a run's outputs so that a reader sees either all of them or none.
#include "OutputDirectory.h"

#include "NpyFile.h"
#include "JsonString.h"
#include "NumpyDType.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

namespace het::hetrun {
namespace {

namespace fs = std::filesystem;
using het::tools::jsonString;

std::string outputsJson(const std::vector<std::string> &names, const std::vector<std::string> &files,
                        const std::vector<Tensor> &outputs) {
  std::string json = "[";
  for (size_t i = 0; i < outputs.size(); ++i) {
    het_tensor_info_t info = outputs[i].info();
    const NumpyDType *dtype = numpyDTypeOf(info.dtype);
    std::string shape;
    for (size_t d = 0; d < info.rank; ++d)
      shape += (d ? ", " : "") + std::to_string(info.shape[d]);
    json +=
        std::string(i ? "," : "") + "\n  {\"name\": " + jsonString(names[i]) + ", \"file\": " + jsonString(files[i]) +
        ", \"dtype\": " + jsonString(dtype ? std::string(dtype->name) : "unknown") + ", \"shape\": [" + shape + "]}";
  }
  return json + (outputs.empty() ? "]\n" : "\n]\n");
}

/// Removes the temporary folder (and, when this run created it and left it empty, the output folder).
struct Cleanup {
  fs::path temporary;
  fs::path createdDirectory;
  bool committed = false;
  ~Cleanup() {
    std::error_code ignored;
    if (!temporary.empty())
      fs::remove_all(temporary, ignored);
    if (!committed && !createdDirectory.empty())
      fs::remove(createdDirectory, ignored); // only succeeds when empty
  }
};

} // namespace

std::vector<std::string> outputFileNames(const std::vector<std::string> &names) {
  std::vector<std::string> files;
  std::set<std::string> taken = {"outputs.json"};
  for (const std::string &name : names) {
    std::string stem = name.empty() ? "_" : name;
    for (char &c : stem)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
        c = '_';
    std::string file = stem + ".npy";
    for (int suffix = 1; taken.count(file); ++suffix)
      file = stem + "_" + std::to_string(suffix) + ".npy";
    taken.insert(file);
    files.push_back(file);
  }
  return files;
}

std::vector<WrittenOutput> writeOutputs(const std::string &directory, const std::vector<std::string> &names,
                                        const std::vector<Tensor> &outputs) {
  std::vector<std::string> files = outputFileNames(names);
  Cleanup cleanup;
  fs::path target(directory);
  std::error_code error;
  if (!fs::exists(target, error)) {
    if (!fs::create_directories(target, error))
      throw std::runtime_error("cannot create output directory '" + directory + "': " + error.message());
    cleanup.createdDirectory = target;
  } else if (!fs::is_directory(target, error)) {
    throw std::runtime_error("output directory '" + directory + "' exists and is not a directory");
  }
  // Inside the target, so that the final renames stay on one file system and are atomic.
  std::string pattern = (target / ".hetrun-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error("cannot create a temporary folder in '" + directory + "': " + std::strerror(errno));
  cleanup.temporary = pattern;

  for (size_t i = 0; i < outputs.size(); ++i)
    writeNpy((cleanup.temporary / files[i]).string(), outputs[i]);
  {
    std::ofstream json(cleanup.temporary / "outputs.json", std::ios::trunc);
    json << outputsJson(names, files, outputs);
    json.close();
    if (!json)
      throw std::runtime_error("cannot write '" + (cleanup.temporary / "outputs.json").string() + "'");
  }
  // outputs.json last: a reader that sees it finds every file it lists.
  files.push_back("outputs.json");
  for (const std::string &file : files) {
    fs::rename(cleanup.temporary / file, target / file, error);
    if (error)
      throw std::runtime_error("cannot move '" + file + "' into '" + directory + "': " + error.message());
  }
  cleanup.committed = true;
  std::vector<WrittenOutput> written;
  for (size_t i = 0; i < outputs.size(); ++i)
    written.push_back({names[i], files[i]});
  return written;
}

} // namespace het::hetrun
