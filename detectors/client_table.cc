#include "detectors/client_table.h"

#include <algorithm>
#include <random>

namespace defender {

namespace {
constexpr size_t kMaxDistinct = 256;  // values remembered per bucket
// Pool entries are created with room for this many values, so reusing one
// for another bucket does not allocate (a few buckets need more).
constexpr size_t kPoolReserve = 64;
}

ClientTable::KeyHash ClientTable::KeyHash::Random() {
  std::random_device random;
  KeyHash hash;
  for (uint64_t& s : hash.seed) s = (uint64_t(random()) << 32) ^ random();
  return hash;
}

namespace {

// The cap actually held: at most 25/32 of the slots of the table that holds
// `max_buckets`. absl's table, when its free slots run out (erased ones count
// as used until it squashes them), doubles if over 25/32 of it is in use and
// squashes them in place otherwise. A table kept at a cap above that line
// doubles sooner or later (207 or 383 MB peak from run to run, seen on the
// 5 M-client benchmark); under it, it never does.
size_t HeldCap(size_t max_buckets) {
  size_t capacity = 15;  // absl capacities are 2^k - 1 and fill to 7/8
  while (capacity - capacity / 8 < max_buckets) capacity = capacity * 2 + 1;
  return std::min(max_buckets, capacity / 32 * 25);
}

}  // namespace

ClientTable::ClientTable(size_t max_buckets) : max_buckets_(HeldCap(max_buckets)), buckets_(0, KeyHash::Random()) {}

inline bool ClientTable::SeenBefore(LeakyBucket& b, uint32_t hash) {
  if (b.distinct_first == 0) {
    b.distinct_first = hash;
    return false;
  }
  return b.distinct_first == hash || SeenInPool(b, hash);
}

bool ClientTable::SeenInPool(LeakyBucket& b, uint32_t hash) {
  if (b.distinct_more == 0) {
    uint32_t index;
    if (!free_pool_.empty()) {
      index = free_pool_.back();
      free_pool_.pop_back();
    } else {
      index = uint32_t(distinct_pool_.size());
      distinct_pool_.emplace_back().reserve(kPoolReserve);
    }
    b.distinct_more = index + 1;
  }
  auto& values = distinct_pool_[b.distinct_more - 1];
  if (std::find(values.begin(), values.end(), hash) != values.end()) return true;
  if (values.size() < kMaxDistinct) values.push_back(hash);
  return false;
}

void ClientTable::Release(LeakyBucket& b) {
  b.distinct_first = 0;
  if (b.distinct_more != 0) {
    distinct_pool_[b.distinct_more - 1].clear();  // keeps its capacity for reuse
    free_pool_.push_back(b.distinct_more - 1);
    b.distinct_more = 0;
  }
}

ClientTable::PourResult ClientTable::Pour(const IpAddress& client, uint16_t scenario,
                                          const BucketSettings& settings, LogTime t, uint32_t distinct) {
  PourResult result;
  auto [it, inserted] = buckets_.try_emplace(Key{client, scenario});
  LeakyBucket& b = it->second;
  if (inserted) {
    b.Start(t);
  } else if (t < b.blackhole_until) {
    return result;
  } else if (b.Drained(t)) {
    Release(b);  // a bucket that has leaked empty starts over
    b.Start(t);
  }
  if (distinct != 0 && SeenBefore(b, distinct)) {
    result.poured = b.poured;
    return result;
  }
  result.counted = true;
  result.overflow = b.Pour(t, settings);
  result.poured = b.poured;
  if (result.overflow) {
    Release(b);
    b.blackhole_until = t + settings.blackhole;
    b.Start(t);
  }
  return result;
}

void ClientTable::Restore(const IpAddress& client, uint16_t scenario, const LeakyBucket& bucket,
                          const std::vector<uint32_t>& distinct) {
  LeakyBucket& b = buckets_[Key{client, scenario}];
  Release(b);
  b = bucket;
  b.distinct_first = 0;
  b.distinct_more = 0;
  for (uint32_t h : distinct) SeenBefore(b, h);
}

void ClientTable::Sweep(LogTime now) {
  // 1. Forget buckets that have drained: they hold nothing a new one would not.
  if (now - last_gc_ >= 10 * kSecond || buckets_.size() > max_buckets_) {
    last_gc_ = now;
    absl::erase_if(buckets_, [&](auto& entry) {
      if (!entry.second.Drained(now)) return false;
      Release(entry.second);
      return true;
    });
  }
  // 2. Still over the cap: evict the quarter that will have drained soonest,
  // as they hold the least (a slow brute force keeps its bucket longest).
  if (buckets_.size() > max_buckets_) {
    std::vector<LogTime> sample;
    sample.reserve(4096);
    for (const auto& [key, b] : buckets_) {
      sample.push_back(b.DrainedAt());
      if (sample.size() == 4096) break;
    }
    auto nth = sample.begin() + long(sample.size() / 4);
    std::nth_element(sample.begin(), nth, sample.end());
    LogTime threshold = *nth;
    size_t target = max_buckets_ * 3 / 4;
    absl::erase_if(buckets_, [&](auto& entry) {
      if (buckets_.size() <= target || entry.second.DrainedAt() > threshold) return false;
      Release(entry.second);
      ++evictions_;
      return true;
    });
  }
  // Check again after the table has grown by a quarter (amortised O(1)).
  next_maintain_size_ = std::max<size_t>(4096, buckets_.size() + buckets_.size() / 4);
}

}  // namespace defender
