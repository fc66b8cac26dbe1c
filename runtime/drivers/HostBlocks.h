// Host memory for tensors and for the buffers of host-memory devices: 64-byte aligned blocks that are kept for reuse
// when freed. A model run again asks for the same sizes; a kept block comes back with its pages already mapped,
// where a fresh one of a few megabytes would be mapped anew and fault on every page as the kernel first writes it
// (for a 1024 x 1024 float output, 1024 faults: a tenth of the GEMM that writes it).
#ifndef HET_RUNTIME_DRIVERS_HOSTBLOCKS_H
#define HET_RUNTIME_DRIVERS_HOSTBLOCKS_H

#include <cstddef>

namespace het::runtime {

/// The alignment of every block: cache lines, and the widest vector loads (AVX-512).
inline constexpr std::size_t kHostBlockAlignment = 64;

/// What a block of `size` bytes takes: rounded up to the alignment, at least one unit (so a zero-byte tensor still
/// gets a distinct address); 0 when that overflows.
std::size_t hostBlockSize(std::size_t size);

/// A block of hostBlockSize(size) bytes, a kept one of exactly that size when there is one; null when out of memory.
/// Blocks of 1 MiB and more start on a 2 MiB boundary and are offered to the kernel's transparent huge pages.
void *allocateHostBlock(std::size_t size);

/// Gives back a block of allocateHostBlock(size). Blocks of 64 KiB and more are kept for reuse, up to 1 GiB in all,
/// the rest are freed.
void freeHostBlock(void *block, std::size_t size);

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_HOSTBLOCKS_H
