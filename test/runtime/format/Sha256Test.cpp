// Tests SHA-256 against known vectors, and the content hash built on it.
#include "Sha256.h"

#include "het/format/Hetbin.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace het::format {
namespace {

std::string toHex(const Sha256::Digest &digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (std::uint8_t byte : digest) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 15];
  }
  return text;
}

std::span<const std::byte> bytesOf(std::string_view text) {
  return std::as_bytes(std::span<const char>(text.data(), text.size()));
}

TEST(Sha256Test, MatchesTheStandardExamples) {
  EXPECT_EQ(toHex(Sha256::digest(bytesOf(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(toHex(Sha256::digest(bytesOf("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(toHex(Sha256::digest(bytesOf(
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(
      toHex(Sha256::digest(bytesOf("abcdefghbcdefghicdefghijdefghijkefghijklfgh"
                                   "ijklmghijklmnhijklmnoijklmnopjk"
                                   "lmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"))),
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256Test, MatchesAMillionAs) {
  std::string text(1000000, 'a');
  EXPECT_EQ(toHex(Sha256::digest(bytesOf(text))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, HandlesPaddingAtBlockBoundaries) {
  // 55 bytes is the longest message whose padding fits in one block; 56..64
  // need a second one.
  const std::pair<std::size_t, std::string_view> cases[] = {
      {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
      {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
      {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
      {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
      {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
      {128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"},
  };
  for (const auto &[length, expected] : cases) {
    std::string text(length, 'a');
    EXPECT_EQ(toHex(Sha256::digest(bytesOf(text))), expected)
        << length << " bytes";
  }
}

TEST(Sha256Test, FastestRoundsMatchThePortableOnes) {
  // On a CPU with the SHA extensions the fastest rounds are another
  // implementation; elsewhere this compares the portable rounds with
  // themselves and the known vectors above carry the weight.
  std::string text;
  std::uint32_t seed = 12345;
  for (int i = 0; i < 100000; ++i) {
    seed = seed * 1664525u + 1013904223u;
    text += static_cast<char>(seed >> 24);
  }
  for (std::size_t length : {0, 1, 55, 64, 65, 1000, 4096, 100000}) {
    Sha256 fastest(Sha256::Rounds::Fastest), portable(Sha256::Rounds::Portable);
    std::span<const std::byte> data = bytesOf(std::string_view(text).substr(0, length));
    fastest.update(data);
    portable.update(data);
    EXPECT_EQ(toHex(fastest.finish()), toHex(portable.finish())) << length << " bytes";
  }
}

TEST(Sha256Test, IncrementalUpdatesMatchOneShot) {
  std::string text;
  for (int i = 0; i < 1000; ++i)
    text += static_cast<char>(i * 7 + 3);
  Sha256::Digest expected = Sha256::digest(bytesOf(text));
  for (std::size_t chunk : {1, 3, 63, 64, 65, 200}) {
    Sha256 hasher;
    for (std::size_t start = 0; start < text.size(); start += chunk)
      hasher.update(bytesOf(std::string_view(text).substr(start, chunk)));
    hasher.update({});
    EXPECT_EQ(hasher.finish(), expected) << "chunks of " << chunk;
  }
}

TEST(Sha256Test, UpdateZerosMatchesZeroBytes) {
  std::vector<std::byte> zeros(150);
  Sha256 hasher;
  hasher.update(bytesOf("x"));
  hasher.updateZeros(150);
  std::vector<std::byte> message{std::byte{'x'}};
  message.insert(message.end(), zeros.begin(), zeros.end());
  EXPECT_EQ(hasher.finish(), Sha256::digest(message));
}

TEST(ContentHashTest, ReadsTheHashFieldAsZeros) {
  std::vector<std::byte> image(300);
  for (std::size_t i = 0; i < image.size(); ++i)
    image[i] = static_cast<std::byte>(i * 31 + 1);
  std::vector<std::byte> zeroed = image;
  for (std::size_t i = header_offset::kContentHash;
       i < header_offset::kContentHash + kContentHashSize; ++i)
    zeroed[i] = std::byte{0};
  Sha256::Digest expected = Sha256::digest(zeroed);
  EXPECT_EQ(computeContentHash(image.data(), image.size()), expected);
  EXPECT_EQ(computeContentHash(zeroed.data(), zeroed.size()), expected);

  // Bytes outside the field do count.
  image[header_offset::kContentHash + kContentHashSize] ^= std::byte{1};
  EXPECT_NE(computeContentHash(image.data(), image.size()), expected);
}

TEST(ContentHashTest, IsTotalOnShortBuffers) {
  std::vector<std::byte> image(50, std::byte{7});
  std::vector<std::byte> zeroed = image;
  for (std::size_t i = header_offset::kContentHash; i < image.size(); ++i)
    zeroed[i] = std::byte{0};
  EXPECT_EQ(computeContentHash(image.data(), image.size()),
            Sha256::digest(zeroed));
  EXPECT_EQ(computeContentHash(nullptr, 0), Sha256::digest({}));
}

} // namespace
} // namespace het::format
