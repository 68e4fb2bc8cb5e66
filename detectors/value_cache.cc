#include "detectors/value_cache.h"

#include <algorithm>
#include <bit>

namespace defender {

namespace {
constexpr size_t kFirstSlots = 1024;  // 64 KB
}

ValueCache::ValueCache(size_t max_entries, size_t max_bytes)
    : max_entries_(max_entries),
      max_bytes_(max_bytes),
      slots_(std::bit_ceil(std::max(2 * max_entries, kFirstSlots))),
      long_values_(max_bytes),
      mask_(kFirstSlots - 1),
      seed_(RandomSeed()) {}

void ValueCache::Resize(size_t slots) {
  // In place: the mapping holds the largest table from the start, so a
  // growing one touches no memory but its new part (a new mapping at each
  // doubling cleared megabytes of fresh pages, dear on a VM). The entries
  // are set aside in `moving_` meanwhile.
  if (moving_.size() == 0) moving_ = HugeArray<Entry>(max_entries_ + 1);
  const size_t n = SetAside(slots_, mask_ + 1, moving_, [](const Entry& e) { return e.used; });
  mask_ = slots - 1;
  for (size_t k = 0; k < n; ++k) {
    size_t j = Home(moving_[k].value(), moving_[k].split);
    while (slots_[j].used) j = (j + 1) & mask_;
    slots_[j] = moving_[k];
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
