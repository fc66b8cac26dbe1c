// Runs an external compiler (ptxas, ld.lld, the host C++ compiler) on one in-memory file and returns the file it writes.
#ifndef HET_COMPILER_TARGET_EXTERNALTOOL_EXTERNALTOOL_H
#define HET_COMPILER_TARGET_EXTERNALTOOL_EXTERNALTOOL_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace het {

/// Where `name` can be run from: `explicitPath` when it is not empty (it must then be executable), else `name`
/// on PATH, else `name` in one of `fallbackDirectories`. std::nullopt when it is nowhere.
std::optional<std::string> findExternalTool(llvm::StringRef explicitPath, llvm::StringRef name,
                                            llvm::ArrayRef<llvm::StringRef> fallbackDirectories = {});

/// Writes `inputContents` to `inputFileName` in a fresh private directory, runs `program` with `arguments` in
/// which every "{input}" and "{output}" stands for the paths of `inputFileName` and `outputFileName` there, and
/// returns the bytes of the output file. The directory is removed whatever happens. A tool that cannot start,
/// exits non-zero or writes no output file gives an error holding its stdout and stderr.
llvm::Expected<std::string> runExternalTool(llvm::StringRef program, llvm::ArrayRef<std::string> arguments,
                                            llvm::StringRef inputFileName, llvm::StringRef inputContents,
                                            llvm::StringRef outputFileName);

/// One input file of a tool run: its name in the private directory and its bytes.
struct ToolInput {
  llvm::StringRef fileName;
  llvm::StringRef contents;
};

/// runExternalTool with several input files (a linker's): an argument "{inputs}" stands for all their paths, in
/// order, as separate arguments, and "{input}" for the first. `inputs` must not be empty.
llvm::Expected<std::string> runExternalTool(llvm::StringRef program, llvm::ArrayRef<std::string> arguments,
                                            llvm::ArrayRef<ToolInput> inputs, llvm::StringRef outputFileName);

} // namespace het

#endif // HET_COMPILER_TARGET_EXTERNALTOOL_EXTERNALTOOL_H
