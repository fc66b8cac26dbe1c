// Runs an external compiler on in-memory files inside a private temporary directory.
#include "compiler/Target/ExternalTool/ExternalTool.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>

using namespace llvm;

namespace het {
namespace {

/// A directory only this process writes into; it and everything in it go away with the object, so a failing
/// tool or an early return leaves nothing behind in /tmp.
class ScratchDirectory {
public:
  std::error_code create() { return sys::fs::createUniqueDirectory("het-tool", path); }
  ~ScratchDirectory() {
    if (!path.empty())
      sys::fs::remove_directories(path);
  }
  std::string file(StringRef name) const {
    SmallString<256> result(path);
    sys::path::append(result, name);
    return std::string(result);
  }

private:
  SmallString<256> path;
};

std::string readWholeFile(const std::string &path) {
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

} // namespace

std::optional<std::string> findExternalTool(StringRef explicitPath, StringRef name,
                                            ArrayRef<StringRef> fallbackDirectories) {
  if (!explicitPath.empty()) {
    if (sys::fs::can_execute(explicitPath))
      return explicitPath.str();
    return std::nullopt;
  }
  if (ErrorOr<std::string> onPath = sys::findProgramByName(name))
    return *onPath;
  if (ErrorOr<std::string> elsewhere = sys::findProgramByName(name, fallbackDirectories))
    return *elsewhere;
  return std::nullopt;
}

Expected<std::string> runExternalTool(StringRef program, ArrayRef<std::string> arguments, StringRef inputFileName,
                                      StringRef inputContents, StringRef outputFileName) {
  return runExternalTool(program, arguments, ArrayRef<ToolInput>{{inputFileName, inputContents}}, outputFileName);
}

Expected<std::string> runExternalTool(StringRef program, ArrayRef<std::string> arguments, ArrayRef<ToolInput> inputs,
                                      StringRef outputFileName) {
  assert(!inputs.empty() && "a tool run has an input");
  ScratchDirectory scratch;
  if (std::error_code error = scratch.create())
    return createStringError(error, "cannot create a temporary directory: %s", error.message().c_str());
  SmallVector<std::string> inputPaths;
  for (const ToolInput &input : inputs) {
    std::string path = scratch.file(input.fileName);
    std::error_code error;
    raw_fd_ostream file(path, error);
    if (error)
      return createStringError(error, "cannot write %s: %s", path.c_str(), error.message().c_str());
    file << input.contents;
    inputPaths.push_back(std::move(path));
  }
  std::string outputPath = scratch.file(outputFileName);
  std::string logPath = scratch.file("tool.log");

  SmallVector<std::string> expanded;
  expanded.push_back(program.str());
  for (const std::string &argument : arguments) {
    if (argument == "{inputs}") {
      expanded.append(inputPaths.begin(), inputPaths.end());
      continue;
    }
    std::string text = argument;
    for (auto [pattern, replacement] : {std::pair<StringRef, StringRef>{"{input}", inputPaths.front()},
                                        std::pair<StringRef, StringRef>{"{output}", outputPath}})
      for (size_t at = text.find(pattern); at != std::string::npos; at = text.find(pattern, at + replacement.size()))
        text.replace(at, pattern.size(), replacement.str());
    expanded.push_back(std::move(text));
  }
  SmallVector<StringRef> argv(expanded.begin(), expanded.end());

  // stdout and stderr go to one log so that the message reads in the order the tool wrote it.
  std::optional<StringRef> redirects[] = {StringRef(), StringRef(logPath), StringRef(logPath)};
  std::string launchError;
  bool launchFailed = false;
  int exitCode = sys::ExecuteAndWait(program, argv, /*Env=*/std::nullopt, redirects,
                                     /*SecondsToWait=*/0, /*MemoryLimit=*/0, &launchError, &launchFailed);
  if (launchFailed)
    return createStringError(inconvertibleErrorCode(), "cannot run " + program.str() + ": " + launchError);
  std::string log = StringRef(readWholeFile(logPath)).rtrim().str();
  if (exitCode != 0)
    return createStringError(inconvertibleErrorCode(), program.str() + " failed (exit code " +
                                                           std::to_string(exitCode) + ")" +
                                                           (log.empty() ? std::string() : ":\n" + log));
  if (!sys::fs::exists(outputPath))
    return createStringError(inconvertibleErrorCode(), program.str() + " wrote no " + outputFileName.str() +
                                                           (log.empty() ? std::string() : ":\n" + log));
  return readWholeFile(outputPath);
}

} // namespace het
