#include "detectors/client_table.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace defender {

namespace {
// Pool entries are created with room for this many values, so reusing one
// for another bucket does not allocate (a few buckets need more).
constexpr size_t kPoolReserve = 64;
constexpr size_t kFirstSlots = 1024;  // 64 KB
}  // namespace

ClientTable::ClientTable(size_t max_buckets) : max_buckets_(std::max<size_t>(max_buckets, 1)), max_slots_(8) {
  while (max_slots_ / 32 * 25 < max_buckets_) max_slots_ *= 2;
  for (uint64_t& s : seed_) s = RandomSeed();
  slots_ = HugeArray<Slot>(max_slots_, HugeArray<Slot>::Reserve{});
  mask_ = std::min(kFirstSlots, max_slots_) - 1;
  slots_.Commit(mask_ + 1);
  room_until_ = mask_ + 1 < max_slots_ ? (mask_ + 1) / 2 : max_buckets_;
}

IpAddress ClientTable::ClientOf(const Slot& s) {
  std::array<uint8_t, 16> bytes;
  std::memcpy(bytes.data(), s.client, 16);
  return IpAddress::FromBytes(bytes);
}

void ClientTable::Resize(size_t slots) {
  // In place: the mapping holds the largest table from the start (see
  // slots_; made usable as far as it is used), the buckets set aside in
  // `moving_` meanwhile.
  if (moving_.size() < size_) moving_ = HugeArray<Slot>(max_buckets_, HugeArray<Slot>::Reserve{});
  slots_.Commit(slots);
  const size_t n = SetAside(slots_, mask_ + 1, moving_, [](const Slot& s) { return s.tag != 0; });
  mask_ = slots - 1;
  for (size_t k = 0; k < n; ++k) {
    size_t j = Home(moving_[k]);
    while (slots_[j].tag != 0) j = (j + 1) & mask_;
    slots_[j] = moving_[k];
  }
  room_until_ = slots < max_slots_ ? slots / 2 : max_buckets_;
}

template <typename Drop>
void ClientTable::DropIf(Drop drop) {
  // One round from an empty slot: no probe crosses it, so the slots before
  // each key's, from its home on, have been settled when the key is reached.
  size_t start = 0;
  while (slots_[start].tag != 0) ++start;
  bool freed = false;  // a slot was emptied since the last empty one
  for (size_t n = 0, i = (start + 1) & mask_; n < mask_; ++n, i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.tag == 0) {
      freed = false;
    } else if (drop(s.bucket)) {
      Release(s.bucket);
      s.tag = 0;
      --size_;
      freed = true;
    } else if (freed) {
      // A key after an emptied slot moves to the first empty one from its
      // home on (at worst, where it was), so that probes still reach it.
      size_t j = Home(s);
      while (j != i && slots_[j].tag != 0) j = (j + 1) & mask_;
      if (j != i) {
        slots_[j] = s;
        s.tag = 0;
      }
    }
  }
}

size_t ClientTable::LongestRun() const {
  size_t longest = 0, run = 0;
  for (size_t i = 0; i <= 2 * mask_ + 1; ++i) {  // twice round, for a run that wraps
    run = slots_[i & mask_].tag != 0 ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::min(longest, mask_ + 1);
}

void ClientTable::Sweep(LogTime now) {
  DropIf([&](const LeakyBucket& b) { return b.Drained(now); });
}

void ClientTable::Evict() {
  // Evict about the quarter that will have drained soonest, as they hold the
  // least (a slow brute force keeps its bucket longest). Spread over the
  // whole table: were the evictions to stop once enough were dropped, they
  // would all come from the slots swept first, and a flood of new clients
  // within one second of log time (all draining at the same time) would
  // pack the rest of the table into probe runs of tens of thousands.
  std::vector<LogTime> sample;
  sample.reserve(4096);
  const size_t step = std::max<size_t>(1, (mask_ + 1) / 8192);  // from all over the table
  for (size_t i = 0; i <= mask_ && sample.size() < 4096; i += step) {
    if (slots_[i].tag != 0) sample.push_back(slots_[i].bucket.DrainedAt());
  }
  if (sample.empty()) return;
  const size_t quarter = sample.size() / 4;
  std::nth_element(sample.begin(), sample.begin() + long(quarter), sample.end());
  const LogTime threshold = sample[quarter];
  // Those before the threshold go; of those at it (many, when clients came
  // within one log second), a share drawn at random, so that about a
  // quarter go in all.
  const size_t below = size_t(std::count_if(sample.begin(), sample.end(), [&](LogTime t) { return t < threshold; }));
  const size_t at = size_t(std::count(sample.begin(), sample.end(), threshold));
  const uint64_t share = at == 0 || quarter + 1 <= below ? 0 : (uint64_t(quarter + 1 - below) << 32) / at;
  uint64_t random = seed_[0] ^ evictions_;
  DropIf([&](const LeakyBucket& b) {
    const LogTime t = b.DrainedAt();
    if (t > threshold) return false;
    if (t == threshold) {
      random = hash_internal::Mix(random, 0x9e3779b97f4a7c15ull);
      if ((random & 0xffffffffull) >= share) return false;
    }
    ++evictions_;
    return true;
  });
}

void ClientTable::MakeRoom(LogTime now) {
  Sweep(now);  // buckets that have drained hold nothing a new one would not
  for (size_t before = 0; size_ >= max_buckets_ && size_ != before;) {  // a drawn share can fall short
    before = size_;
    Evict();
  }
  // Grow while a sweep leaves over an eighth of the slots in use, so that
  // sweeps come at most every 3/8 of the slots in new buckets (and the table
  // is at most half full, for short probes), up to the size the cap needs.
  if (mask_ + 1 < max_slots_ && size_ > (mask_ + 1) / 8) {
    Resize((mask_ + 1) * 2);
  } else {
    room_until_ = mask_ + 1 < max_slots_ ? (mask_ + 1) / 2 : max_buckets_;
  }
}

inline LeakyBucket& ClientTable::FindOrInsert(const Key& k, LogTime t, bool* inserted) {
  size_t i = Home(k);
  for (;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.tag == k.tag && s.client[0] == k.client[0] && s.client[1] == k.client[1]) {
      *inserted = false;
      return s.bucket;
    }
    if (s.tag == 0) break;
  }
  *inserted = true;
  if (size_ >= room_until_) {
    MakeRoom(t);
    for (i = Home(k); slots_[i].tag != 0; i = (i + 1) & mask_) {
    }
  }
  Slot& s = slots_[i];
  s.client[0] = k.client[0];
  s.client[1] = k.client[1];
  s.tag = k.tag;
  s.bucket = LeakyBucket{};
  ++size_;
  return s.bucket;
}

inline LeakyBucket* ClientTable::Find(const Key& k) {
  for (size_t i = Home(k);; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.tag == k.tag && s.client[0] == k.client[0] && s.client[1] == k.client[1]) return &s.bucket;
    if (s.tag == 0) return nullptr;
  }
}

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
      distinct_pool_.emplace_back().values.reserve(kPoolReserve);
    }
    b.distinct_more = index + 1;
  }
  DistinctValues& more = distinct_pool_[b.distinct_more - 1];
  if (std::find(more.values.begin(), more.values.end(), hash) != more.values.end()) return true;
  if (more.values.size() < size_t(kMaxDistinct)) {
    more.values.push_back(hash);
  } else {
    // Full: the oldest is forgotten, so a value asked for lately is never
    // counted twice (kept first ones instead, every reload of a later page
    // would count as a new one).
    more.values[more.oldest] = hash;
    more.oldest = (more.oldest + 1) % more.values.size();
  }
  return false;
}

void ClientTable::ReleasePool(LeakyBucket& b) {
  DistinctValues& more = distinct_pool_[b.distinct_more - 1];
  more.values.clear();  // keeps its capacity for reuse
  more.oldest = 0;
  free_pool_.push_back(b.distinct_more - 1);
  b.distinct_more = 0;
}

ClientTable::PourResult ClientTable::Pour(const IpAddress& client, uint16_t scenario,
                                          const BucketSettings& settings, LogTime t, uint32_t distinct) {
  PourResult result;
  bool inserted;
  LeakyBucket& b = FindOrInsert(KeyOf(client, scenario), t, &inserted);
  if (!inserted) t = std::max(t, b.last);  // a late event counts at the bucket's time
  if (inserted) {
    b.Start(t);
  } else if (t < b.blackhole_until) {
    return result;
  } else if (b.Drained(t)) {
    Release(b);  // a bucket that has leaked empty starts over
    b.Start(t);
  }
  if (distinct != 0 && SeenBefore(b, distinct)) {
    if (settings.repeats_give_back) b.GiveBack(t, settings);
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

void ClientTable::GiveBack(const IpAddress& client, uint16_t scenario, const BucketSettings& settings, LogTime t) {
  LeakyBucket* b = Find(KeyOf(client, scenario));
  if (b == nullptr) return;
  t = std::max(t, b->last);
  if (t < b->blackhole_until || b->Drained(t)) return;
  b->GiveBack(t, settings);
}

void ClientTable::Restore(const IpAddress& client, uint16_t scenario, const LeakyBucket& bucket,
                          const std::vector<uint32_t>& distinct) {
  bool inserted;
  // Making room here drops no saved bucket for having drained, only evicts.
  LeakyBucket& b = FindOrInsert(KeyOf(client, scenario), std::numeric_limits<LogTime>::min(), &inserted);
  if (!inserted) Release(b);
  b = bucket;
  b.distinct_first = 0;
  b.distinct_more = 0;
  for (uint32_t h : distinct) SeenBefore(b, h);
}

}  // namespace defender
