// ValueCache: the field values a SignatureMatcher has scanned (a request
// target as logged, with the length of its path, or a header), each with
// the rules its decoded form matched and what the scenarios need of that
// form, in one 64-byte entry. Values up to 37 bytes (most targets and
// referers) are kept inline, so confirming a hit reads that one cache line;
// longer ones (user agents, a few hundred distinct and so hot anyway) are
// kept apart. Open addressing with linear probing over a fixed table of
// twice max_entries slots (ZeroedPages: a slot costs memory once a value
// lands in it, and nothing is ever rehashed); there is no removal but
// Clear(), as the matcher empties a full cache and starts over. Not
// thread-safe.
#pragma once

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/hash.h"
#include "core/zeroed_pages.h"

namespace defender {

class ValueCache {
 public:
  // All zero bytes is an empty slot.
  struct alignas(64) Entry {
    static constexpr size_t kMaxIds = 4, kInline = 37;
    // Distinct-count hashes of the decoded value: a target's URI and path, a
    // header's value in [0].
    uint32_t hashes[2];
    uint32_t long_at;  // where a value longer than kInline starts in the cache's store
    uint16_t size, split;
    uint16_t ids[kMaxIds];
    uint8_t count;
    bool is_static;
    bool used;
    char inline_value[kInline];
  };
  static_assert(sizeof(Entry) == 64 && std::is_trivial_v<Entry>);

  // `max_entries` and `max_bytes` (of values) are the bounds past which
  // full() is true.
  ValueCache(size_t max_entries, size_t max_bytes);

  const Entry* Find(std::string_view value, uint16_t split) const {
    for (size_t i = Home(value, split);; i = (i + 1) & mask_) {
      const Entry& e = slots_[i];
      if (!e.used) return nullptr;
      if (e.split == split && ValueOf(e) == value) return &e;
    }
  }
  // A new entry for a value Find() did not find, its value set; the caller
  // fills the rest. Only when !full().
  Entry& Insert(std::string_view value, uint16_t split);
  // An entry's value; valid until the next Insert or Clear.
  std::string_view ValueOf(const Entry& e) const {
    return {e.size > Entry::kInline ? long_values_.data() + e.long_at : e.inline_value, e.size};
  }

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

  size_t max_entries_, max_bytes_;
  size_t mask_;  // slots - 1: at most half of them are used
  ZeroedPages pages_;
  Entry* slots_;
  std::string long_values_;
  size_t size_ = 0, bytes_ = 0;
  uint64_t seed_;
};

}  // namespace defender
