// HashBytes: a fast 64-bit hash of a byte string (16 bytes per step with a
// 64x64->128-bit multiply, in the manner of wyhash), used where a line's
// fields are hashed: the signature cache and the distinct-value counts of
// the buckets. Unlike absl::Hash, whose seed changes with every process, it
// is the same in every run, so distinct-value hashes saved in the state
// database still mean the same values after a restart. Not a defence against
// chosen collisions: the distinct counts are 32-bit summaries anyway. (Hash
// tables mix their keys with a RandomSeed() of their own instead, as clients
// choose the addresses and values that would collide.) Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace defender {

namespace hash_internal {

__extension__ typedef unsigned __int128 Uint128;  // GCC and Clang

inline uint64_t Mix(uint64_t a, uint64_t b) {
  Uint128 r = Uint128(a) * b;
  return uint64_t(r) ^ uint64_t(r >> 64);
}

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace hash_internal

// A seed from std::random_device, for a hash table's own mixing.
uint64_t RandomSeed();

inline uint64_t HashBytes(std::string_view s) {
  using hash_internal::Load64;
  using hash_internal::Mix;
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull, k2 = 0x8ebc6af09c88c6e3ull;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = k0 ^ (uint64_t(n) * k2);
  for (; n > 16; n -= 16, p += 16) h = Mix(Load64(p) ^ k1, Load64(p + 8) ^ h);
  uint64_t a = 0, b = 0;
  if (n >= 8) {  // the last 8 to 16 bytes, as two possibly overlapping words
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    uint32_t x, y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = (uint64_t(uint8_t(p[0])) << 16) | (uint64_t(uint8_t(p[n / 2])) << 8) | uint8_t(p[n - 1]);
  }
  return Mix(Mix(a ^ k1, b ^ h) ^ k2, uint64_t(s.size()) ^ k0);
}

// The hash a scenario counts a distinct value by (never 0, which means
// "no value").
inline uint32_t DistinctHash(std::string_view v) { return uint32_t(HashBytes(v) | 1); }

}  // namespace defender
