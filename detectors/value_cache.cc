#include "detectors/value_cache.h"

#include <algorithm>

namespace defender {

ValueCache::ValueCache(size_t max_entries, size_t max_bytes)
    : max_entries_(max_entries),
      max_bytes_(max_bytes),
      mask_(std::bit_ceil(std::max<size_t>(2 * max_entries, 2)) - 1),
      pages_((mask_ + 1) * sizeof(Entry)),
      slots_(static_cast<Entry*>(pages_.data())),
      seed_(RandomSeed()) {}

ValueCache::Entry& ValueCache::Insert(std::string_view value, uint16_t split) {
  size_t i = Home(value, split);
  while (slots_[i].used) i = (i + 1) & mask_;
  Entry& e = slots_[i];
  e.used = true;
  e.size = uint16_t(value.size());
  e.split = split;
  if (value.size() > Entry::kInline) {
    e.long_at = uint32_t(long_values_.size());
    long_values_.append(value);
  } else {
    std::copy(value.begin(), value.end(), e.inline_value);
  }
  ++size_;
  bytes_ += value.size();
  return e;
}

void ValueCache::Clear() {
  pages_.Zero();
  long_values_.clear();
  size_ = bytes_ = 0;
}

}  // namespace defender
