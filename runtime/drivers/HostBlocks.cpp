// The host block cache: freed blocks by exact size, under one lock.
#include "drivers/HostBlocks.h"

#include <cstdlib>
#include <map>
#include <mutex>

namespace het::runtime {
namespace {

/// Smaller blocks come from malloc's own free lists, already mapped; these sizes are the ones malloc maps afresh.
constexpr std::size_t kSmallestKept = 64u << 10;
constexpr std::size_t kMostKeptBytes = std::size_t(1) << 30;

struct KeptBlocks {
  std::mutex lock;
  std::multimap<std::size_t, void *> bySize;
  std::size_t bytes = 0;
};

/// Never destroyed: blocks may be freed by static destructors after this translation unit's would have run.
KeptBlocks &keptBlocks() {
  static KeptBlocks *kept = new KeptBlocks;
  return *kept;
}

} // namespace

std::size_t hostBlockSize(std::size_t size) {
  if (size > SIZE_MAX - kHostBlockAlignment)
    return 0;
  return size ? (size + kHostBlockAlignment - 1) / kHostBlockAlignment * kHostBlockAlignment : kHostBlockAlignment;
}

void *allocateHostBlock(std::size_t size) {
  std::size_t rounded = hostBlockSize(size);
  if (!rounded)
    return nullptr;
  if (rounded >= kSmallestKept) {
    KeptBlocks &kept = keptBlocks();
    std::lock_guard<std::mutex> guard(kept.lock);
    if (auto found = kept.bySize.find(rounded); found != kept.bySize.end()) {
      void *block = found->second;
      kept.bySize.erase(found);
      kept.bytes -= rounded;
      return block;
    }
  }
  return std::aligned_alloc(kHostBlockAlignment, rounded);
}

void freeHostBlock(void *block, std::size_t size) {
  if (!block)
    return;
  std::size_t rounded = hostBlockSize(size);
  if (rounded >= kSmallestKept) {
    KeptBlocks &kept = keptBlocks();
    std::lock_guard<std::mutex> guard(kept.lock);
    if (kept.bytes + rounded <= kMostKeptBytes) {
      kept.bySize.emplace(rounded, block);
      kept.bytes += rounded;
      return;
    }
  }
  std::free(block);
}

} // namespace het::runtime
