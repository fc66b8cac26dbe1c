// A small self-contained SHA-256 (FIPS 180-4) for the .hetbin content hash.
//
// The runtime must not depend on a crypto library for one integrity check, and
// the hash is over trusted-size in-memory spans, so a straightforward
// implementation is enough; on x86-64 CPUs with the SHA extensions the blocks
// go through them (a .hetbin is hashed whole at every load). It is not
// hardened against timing attacks.
#ifndef HET_RUNTIME_FORMAT_SHA256_H
#define HET_RUNTIME_FORMAT_SHA256_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace het::format {

class Sha256 {
public:
  static constexpr std::size_t kDigestSize = 32;
  using Digest = std::array<std::uint8_t, kDigestSize>;

  /// How blocks are compressed: the fastest way this CPU has, or the portable
  /// C++ rounds (which tests compare it with).
  enum class Rounds { Fastest, Portable };

  explicit Sha256(Rounds rounds = Rounds::Fastest);

  /// Appends `data` to the message.
  void update(std::span<const std::byte> data);
  /// Appends `count` zero bytes, without the caller materializing them.
  void updateZeros(std::size_t count);
  /// Pads the message and returns the digest. The object must not be updated
  /// afterwards.
  Digest finish();

  static Digest digest(std::span<const std::byte> data);

private:
  /// Compresses `count` consecutive 64-byte blocks into the state.
  void processBlocks(const std::uint8_t *blocks, std::size_t count);

  bool extensions_;
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t bufferSize_ = 0;
  std::uint64_t messageBytes_ = 0;
};

} // namespace het::format

#endif // HET_RUNTIME_FORMAT_SHA256_H
