// SHA-256 as specified by FIPS 180-4, section 6.2.
#include "Sha256.h"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace het::format {
namespace {

constexpr std::array<std::uint32_t, 64> kRoundConstants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::array<std::uint32_t, 8> kInitialState = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr std::uint32_t rotateRight(std::uint32_t value, unsigned bits) {
  return (value >> bits) | (value << (32 - bits));
}

void portableRounds(std::array<std::uint32_t, 8> &state, const std::uint8_t *block) {
  std::array<std::uint32_t, 64> schedule;
  for (unsigned i = 0; i < 16; ++i)
    schedule[i] = (std::uint32_t(block[4 * i]) << 24) |
                  (std::uint32_t(block[4 * i + 1]) << 16) |
                  (std::uint32_t(block[4 * i + 2]) << 8) |
                  std::uint32_t(block[4 * i + 3]);
  for (unsigned i = 16; i < 64; ++i) {
    std::uint32_t s0 = rotateRight(schedule[i - 15], 7) ^
                       rotateRight(schedule[i - 15], 18) ^
                       (schedule[i - 15] >> 3);
    std::uint32_t s1 = rotateRight(schedule[i - 2], 17) ^
                       rotateRight(schedule[i - 2], 19) ^
                       (schedule[i - 2] >> 10);
    schedule[i] = schedule[i - 16] + s0 + schedule[i - 7] + s1;
  }

  std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  std::uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  for (unsigned i = 0; i < 64; ++i) {
    std::uint32_t sum1 =
        rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25);
    std::uint32_t choose = (e & f) ^ (~e & g);
    std::uint32_t temp1 = h + sum1 + choose + kRoundConstants[i] + schedule[i];
    std::uint32_t sum0 =
        rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22);
    std::uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
    std::uint32_t temp2 = sum0 + majority;
    h = g;
    g = f;
    f = e;
    e = d + temp1;
    d = c;
    c = b;
    b = a;
    a = temp1 + temp2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

#if defined(__x86_64__)
bool hasShaExtensions() { return __builtin_cpu_supports("sha"); }

// The rounds with the SHA extensions (Intel's SHA-NI, also on AMD since Zen):
// the state lives as ABEF and CDGH halves, sha256rnds2 does two rounds, and
// sha256msg1/msg2 extend the message schedule four words at a time. Group g
// covers rounds 4g..4g+3 and message words m[g % 4].
__attribute__((target("sha,sse4.1,ssse3"))) void
extensionRounds(std::array<std::uint32_t, 8> &state, const std::uint8_t *blocks,
                std::size_t count) {
  const __m128i byteSwap =
      _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i cdab = _mm_shuffle_epi32(
      _mm_loadu_si128(reinterpret_cast<const __m128i *>(&state[0])), 0xB1);
  __m128i efgh = _mm_shuffle_epi32(
      _mm_loadu_si128(reinterpret_cast<const __m128i *>(&state[4])), 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
  for (; count != 0; --count, blocks += 64) {
    __m128i savedAbef = abef, savedCdgh = cdgh;
    __m128i m[4];
    for (unsigned g = 0; g < 16; ++g) {
      if (g < 4)
        m[g] = _mm_shuffle_epi8(
            _mm_loadu_si128(reinterpret_cast<const __m128i *>(blocks + 16 * g)),
            byteSwap);
      __m128i words = _mm_add_epi32(
          m[g % 4], _mm_loadu_si128(reinterpret_cast<const __m128i *>(
                        &kRoundConstants[4 * g])));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, words);
      if (g >= 3 && g < 15) {
        __m128i &next = m[(g + 1) % 4];
        next = _mm_add_epi32(next, _mm_alignr_epi8(m[g % 4], m[(g + 3) % 4], 4));
        next = _mm_sha256msg2_epu32(next, m[g % 4]);
      }
      abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(words, 0x0E));
      if (g >= 1 && g < 13)
        m[(g + 3) % 4] = _mm_sha256msg1_epu32(m[(g + 3) % 4], m[g % 4]);
    }
    abef = _mm_add_epi32(abef, savedAbef);
    cdgh = _mm_add_epi32(cdgh, savedCdgh);
  }
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i *>(&state[0]),
                   _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i *>(&state[4]),
                   _mm_alignr_epi8(dchg, feba, 8));
}
#else
bool hasShaExtensions() { return false; }
#endif

} // namespace

Sha256::Sha256(Rounds rounds)
    : extensions_(rounds == Rounds::Fastest && hasShaExtensions()),
      state_(kInitialState) {}

void Sha256::processBlocks(const std::uint8_t *blocks, std::size_t count) {
#if defined(__x86_64__)
  if (extensions_)
    return extensionRounds(state_, blocks, count);
#endif
  for (; count != 0; --count, blocks += 64)
    portableRounds(state_, blocks);
}

void Sha256::update(std::span<const std::byte> data) {
  const auto *bytes = reinterpret_cast<const std::uint8_t *>(data.data());
  std::size_t remaining = data.size();
  // An empty span may carry a null pointer, which memcpy must not see.
  if (remaining == 0)
    return;
  messageBytes_ += remaining;
  if (bufferSize_ != 0) {
    std::size_t take = std::min(remaining, buffer_.size() - bufferSize_);
    std::memcpy(buffer_.data() + bufferSize_, bytes, take);
    bufferSize_ += take;
    bytes += take;
    remaining -= take;
    if (bufferSize_ < buffer_.size())
      return;
    processBlocks(buffer_.data(), 1);
    bufferSize_ = 0;
  }
  // Whole blocks straight from the input, without copying them through the
  // buffer.
  std::size_t wholeBlocks = remaining / 64;
  processBlocks(bytes, wholeBlocks);
  bytes += 64 * wholeBlocks;
  remaining -= 64 * wholeBlocks;
  if (remaining != 0)
    std::memcpy(buffer_.data(), bytes, remaining);
  bufferSize_ = remaining;
}

void Sha256::updateZeros(std::size_t count) {
  static constexpr std::array<std::byte, 64> kZeros{};
  while (count != 0) {
    std::size_t take = std::min(count, kZeros.size());
    update(std::span<const std::byte>(kZeros.data(), take));
    count -= take;
  }
}

Sha256::Digest Sha256::finish() {
  std::uint64_t messageBits = messageBytes_ * 8;
  buffer_[bufferSize_++] = 0x80;
  if (bufferSize_ > 56) {
    std::fill(buffer_.begin() + bufferSize_, buffer_.end(), 0);
    processBlocks(buffer_.data(), 1);
    bufferSize_ = 0;
  }
  std::fill(buffer_.begin() + bufferSize_, buffer_.begin() + 56, 0);
  for (unsigned i = 0; i < 8; ++i)
    buffer_[56 + i] = std::uint8_t(messageBits >> (56 - 8 * i));
  processBlocks(buffer_.data(), 1);

  Digest digest;
  for (unsigned i = 0; i < 8; ++i) {
    digest[4 * i] = std::uint8_t(state_[i] >> 24);
    digest[4 * i + 1] = std::uint8_t(state_[i] >> 16);
    digest[4 * i + 2] = std::uint8_t(state_[i] >> 8);
    digest[4 * i + 3] = std::uint8_t(state_[i]);
  }
  return digest;
}

Sha256::Digest Sha256::digest(std::span<const std::byte> data) {
  Sha256 hasher;
  hasher.update(data);
  return hasher.finish();
}

} // namespace het::format
