// ValueCache: the field values a SignatureMatcher has scanned (a request
// target as logged, with the length of its path, or a header), each with
// the rules its decoded form matched and what the scenarios need of that
// form, in one 64-byte entry. Values up to 33 bytes (most targets and
// referers) are kept inline, so confirming a hit reads that one cache line;
// longer ones (user agents, a few hundred distinct and so hot anyway) are
// kept apart, in an arena of the cache's. Open addressing with linear
// probing, at most half full; there is no removal but Clear(), as the
// matcher empties a full cache and starts over (keeping its slots: at most
// 2 * max_entries of 64 bytes). Slots and arena are HugeArrays, mapped at
// their largest and touched as they fill: grown in new 4 KB pages, the three
// caches of a run took 2 000 page faults, 6 % of the benchmark's time on
// this VM. Not thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/hash.h"
#include "core/huge_array.h"

namespace defender {

class ValueCache {
 public:
  struct alignas(64) Entry {
    static constexpr size_t kMaxIds = 4, kInline = 33;
    const char* long_value = nullptr;  // a value longer than kInline, in the arena
    // Distinct-count hashes of the decoded value: a target's URI and path, a
    // header's value in [0].
    uint32_t hashes[2] = {};
    uint16_t size = 0, split = 0;
    uint16_t ids[kMaxIds] = {};
    uint8_t count = 0;
    bool is_static = false;
    bool used = false;  // false: an empty slot
    char inline_value[kInline];
    std::string_view value() const { return {long_value ? long_value : inline_value, size}; }
  };
  static_assert(sizeof(Entry) == 64);

  // `max_entries` and `max_bytes` (of values) are the bounds past which
  // full() is true; the table never holds more than twice max_entries slots.
  ValueCache(size_t max_entries, size_t max_bytes);

  const Entry* Find(std::string_view value, uint16_t split) const {
    for (size_t i = Home(value, split);; i = (i + 1) & mask_) {
      const Entry& e = slots_[i];
      if (!e.used) return nullptr;
      if (e.split == split && e.value() == value) return &e;
    }
  }
  // A new entry for a value Find() did not find, its value set; the caller
  // fills the rest. Only when !full().
  Entry& Insert(std::string_view value, uint16_t split);

  // True when one more value of `size` bytes would pass a bound.
  bool full(size_t size) const { return size_ >= max_entries_ || bytes_ + size > max_bytes_; }
  void Clear();
  size_t size() const { return size_; }

 private:
  // The slot a value's probe starts from. HashBytes is the same in every
  // run, so values that collide in its low bits can be found offline; mixed
  // with a seed of this cache's, they no longer share a slot.
  size_t Home(std::string_view value, uint16_t split) const {
    return hash_internal::Mix(HashBytes(value) ^ split ^ seed_, 0x9e3779b97f4a7c15ull) & mask_;
  }
  void Resize(size_t slots);

  size_t max_entries_, max_bytes_;
  HugeArray<Entry> slots_;
  HugeArray<Entry> moving_;      // Resize's entries on their way
  HugeArray<char> long_values_;  // max_bytes_, of which long_used_ are taken
  size_t long_used_ = 0;
  size_t mask_ = 0;
  size_t size_ = 0, bytes_ = 0;
  uint64_t seed_;
};

}  // namespace defender
