#include "detectors/value_cache.h"

#include <algorithm>
#include <utility>

namespace defender {

namespace {
constexpr size_t kFirstSlots = 1024;  // 64 KB
}

ValueCache::ValueCache(size_t max_entries, size_t max_bytes)
    : max_entries_(max_entries), max_bytes_(max_bytes), long_values_(max_bytes), seed_(RandomSeed()) {
  Resize(kFirstSlots);
}

void ValueCache::Resize(size_t slots) {
  HugeArray<Entry> old = std::exchange(slots_, HugeArray<Entry>(slots));
  const size_t old_slots = old.size();
  mask_ = slots - 1;
  for (size_t i = 0; i < old_slots; ++i) {
    if (!old[i].used) continue;
    size_t j = Home(old[i].value(), old[i].split);
    while (slots_[j].used) j = (j + 1) & mask_;
    slots_[j] = old[i];
  }
}

ValueCache::Entry& ValueCache::Insert(std::string_view value, uint16_t split) {
  if (size_ + 1 > (mask_ + 1) / 2) Resize((mask_ + 1) * 2);
  size_t i = Home(value, split);
  while (slots_[i].used) i = (i + 1) & mask_;
  Entry& e = slots_[i];
  e.used = true;
  e.size = uint16_t(value.size());
  e.split = split;
  char* to = e.inline_value;
  if (value.size() > Entry::kInline) {
    to = &long_values_[long_used_];  // within max_bytes_: the caller checked full()
    e.long_value = to;
    long_used_ += value.size();
  }
  std::copy(value.begin(), value.end(), to);
  ++size_;
  bytes_ += value.size();
  return e;
}

void ValueCache::Clear() {
  // The slots stay (at most 2 * max_entries of 64 bytes): a cache that
  // filled once fills again, and growing back to this size rehashed every
  // value several times over (3 % of a run on the benchmark).
  for (size_t i = 0; i <= mask_; ++i) {
    if (slots_[i].used) slots_[i] = Entry();
  }
  size_ = bytes_ = long_used_ = 0;
}

}  // namespace defender
