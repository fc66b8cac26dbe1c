// het_module_t's layout, shared by the C API files that run modules as well as describe them.
#ifndef HET_RUNTIME_API_MODULE_H
#define HET_RUNTIME_API_MODULE_H

#include "het/format/HetbinReader.h"
#include "het/format/MappedFile.h"
#include "het/het.h"

#include <atomic>
#include <memory>
#include <vector>

struct het_module_s {
  std::atomic<int> referenceCount{1};
  // Exactly one of these holds the bytes `file` points into (none when the caller lent them).
  std::unique_ptr<het::format::MappedFile> mapping;
  std::vector<std::byte> ownedBytes;
  std::unique_ptr<het::format::HetbinFile> file;
};

#endif // HET_RUNTIME_API_MODULE_H
