// The host block cache: freed blocks by exact size, under one lock.
#include "drivers/HostBlocks.h"

#include <cstdlib>
#include <map>
#include <mutex>
#include <sys/mman.h>

namespace het::runtime {
namespace {

/// Smaller blocks come from malloc's own free lists, already mapped; these sizes are the ones malloc maps afresh.
constexpr std::size_t kSmallestKept = 64u << 10;
constexpr std::size_t kMostKeptBytes = std::size_t(1) << 30;
/// Blocks of a megabyte and more are laid out in whole 2 MiB huge pages, which the kernel backs with transparent
/// huge pages when asked (madvise): a first touch then faults once per 2 MiB instead of once per 4 KiB, which on
/// a virtual machine is most of a large model's first run.
constexpr std::size_t kHugePage = std::size_t(2) << 20;
constexpr std::size_t kSmallestHuge = std::size_t(1) << 20;

void *allocateFresh(std::size_t rounded) {
  if (rounded < kSmallestHuge)
    return std::aligned_alloc(kHostBlockAlignment, rounded);
  std::size_t huge = (rounded + kHugePage - 1) / kHugePage * kHugePage;
  void *block = std::aligned_alloc(kHugePage, huge);
  if (block)
    madvise(block, huge, MADV_HUGEPAGE); // advice only: without huge pages the block is still good
  return block;
}

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
  return allocateFresh(rounded);
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
