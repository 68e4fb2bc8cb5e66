// ClientTable: the leaky buckets of every (client, scenario) pair, in one
// hash table with a cap. Nearly every line pours into a bucket of its
// client's that has drained since (flood, crawl and user-agent buckets leak
// within seconds), so the table is built for that churn: open addressing
// with linear probing over 64-byte slots, one cache line per bucket, and no
// deletion one by one: when the table fills to half, a sweep drops every
// bucket that has drained in one round of the slots, and the table doubles
// only if that was not enough. So it stays about as small as the set of
// clients active at the moment. At the cap, the buckets that will have
// drained soonest (so hold the least) are evicted first and counted, drawn
// from the whole table so that probe runs stay short whatever the traffic.
// Not thread-safe.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "core/hash.h"
#include "core/huge_array.h"
#include "core/ip_address.h"
#include "detectors/leaky_bucket.h"
#include "detectors/scenario.h"
#include "detectors/scenario_set.h"

namespace defender {

class ClientTable {
 public:
  // A bucket that counts distinct values remembers the first and the last
  // kMaxDistinct after it; an older one seen again counts again. So a
  // scenario with `distinct` may have this capacity at most: its bucket
  // overflows before it forgets a value it counted.
  static constexpr int kMaxDistinct = 256;

  // Holds at most max_buckets; its slots then take 64 bytes times the power
  // of two that keeps them at most 25/32 full (128 MB for the default cap).
  explicit ClientTable(size_t max_buckets);

  struct PourResult {
    bool overflow = false;
    bool counted = false;  // false: a repeated distinct value or a blackhole
    uint32_t poured = 0;
  };
  // Pours one event for `client` (already grouped, e.g. an IPv6 /64) into
  // scenario `scenario`'s bucket at log time t. `distinct` is the hash of the
  // distinct value, or 0 when the scenario has none.
  PourResult Pour(const IpAddress& client, uint16_t scenario, const BucketSettings& settings, LogTime t,
                  uint32_t distinct);

  // Gives half a token back to `client`'s bucket of `scenario`, if it has
  // one that is counting (see LeakyBucket::GiveBack); never adds a bucket.
  void GiveBack(const IpAddress& client, uint16_t scenario, const BucketSettings& settings, LogTime t);

  // Starts fetching the slot Pour(client, s, ...) will look at first, for
  // each scenario s in `scenarios`.
  void Prefetch(const IpAddress& client, ScenarioSet scenarios) const {
    Key k = KeyOf(client, 0);
    scenarios.ForEach([&](size_t s) {
      k.tag = uint32_t(s) + 1;
      __builtin_prefetch(&slots_[Home(k)]);
    });
  }

  // Drops the buckets that have drained by `now`. Pour does it by itself
  // when the table fills; this is for whoever wants it sooner.
  void Sweep(LogTime now);

  // Every bucket, for the state database: fn(client, scenario, bucket, distinct hashes).
  template <typename Fn>
  void ForEach(Fn fn) const {
    std::vector<uint32_t> distinct;
    for (size_t i = 0; i <= mask_; ++i) {
      const Slot& s = slots_[i];
      if (s.tag == 0) continue;
      const LeakyBucket& b = s.bucket;
      distinct.clear();
      if (b.distinct_first != 0) distinct.push_back(b.distinct_first);
      if (b.distinct_more != 0) {  // oldest first
        const DistinctValues& more = distinct_pool_[b.distinct_more - 1];
        distinct.insert(distinct.end(), more.values.begin() + more.oldest, more.values.end());
        distinct.insert(distinct.end(), more.values.begin(), more.values.begin() + more.oldest);
      }
      fn(ClientOf(s), uint16_t(s.tag - 1), b, distinct);
    }
  }
  // Puts back a bucket saved by a previous run.
  void Restore(const IpAddress& client, uint16_t scenario, const LeakyBucket& bucket,
               const std::vector<uint32_t>& distinct);

  size_t size() const { return size_; }
  size_t max_buckets() const { return max_buckets_; }
  size_t slots() const { return mask_ + 1; }
  uint64_t evictions() const { return evictions_; }
  // The longest run of occupied slots: what the slowest probe may cross
  // (for tests; it walks the whole table).
  size_t LongestRun() const;

 private:
  // A client's address as two words and the scenario plus one (0 marks an
  // empty slot).
  struct Key {
    uint64_t client[2];
    uint32_t tag;
  };
  struct alignas(64) Slot {
    uint64_t client[2];
    uint32_t tag;
    LeakyBucket bucket;
  };
  static_assert(sizeof(Slot) == 64);

  static Key KeyOf(const IpAddress& client, uint16_t scenario) {
    Key k;
    std::memcpy(k.client, client.bytes().data(), 16);
    k.tag = uint32_t(scenario) + 1;
    return k;
  }
  static IpAddress ClientOf(const Slot& s);
  // The slot a key's probe starts from: one multiply, seeded per table so
  // that clients cannot choose addresses that collide.
  size_t Home(const Key& k) const {
    return hash_internal::Mix(k.client[0] ^ seed_[0], k.client[1] ^ (seed_[1] + k.tag)) & mask_;
  }
  size_t Home(const Slot& s) const { return Home(Key{{s.client[0], s.client[1]}, s.tag}); }
  // The bucket for `k`, a new one (full at t) if it had none; may sweep,
  // evict or grow first.
  LeakyBucket& FindOrInsert(const Key& k, LogTime t, bool* inserted);
  LeakyBucket* Find(const Key& k);
  // Sweeps at least, then evicts if at the cap and grows if still too full.
  void MakeRoom(LogTime now);
  void Evict();
  void Resize(size_t slots);
  // Drops every bucket `drop` selects, in one round of the slots, and
  // moves the keys after them back where probes will find them.
  template <typename Drop>
  void DropIf(Drop drop);
  // True if `hash` was seen in the bucket; records it otherwise.
  bool SeenBefore(LeakyBucket& b, uint32_t hash);
  bool SeenInPool(LeakyBucket& b, uint32_t hash);  // the values after the first
  // Forgets the bucket's distinct values.
  void Release(LeakyBucket& b) {
    b.distinct_first = 0;
    if (b.distinct_more != 0) ReleasePool(b);
  }
  void ReleasePool(LeakyBucket& b);

  size_t max_buckets_;
  size_t max_slots_;  // the power of two that holds max_buckets_ at most 25/32 full
  // Reserved for max_slots_ and committed and touched as the table grows
  // into it, in 2 MB pages: fresh memory is dear on a VM (in 4 KB pages, a
  // fault every 64 slots; a new mapping at each doubling, megabytes of
  // pages to clear), and a cap of a billion buckets must not claim 128 GB
  // of the system's commit limit before it is used.
  HugeArray<Slot> slots_;
  HugeArray<Slot> moving_;  // Resize's buckets on their way
  size_t mask_ = 0;  // slots - 1
  size_t size_ = 0;
  size_t room_until_ = 0;  // the size at which MakeRoom runs
  uint64_t seed_[2] = {};
  // A bucket's distinct values after the first: the last kMaxDistinct of
  // them, in a ring once full (`oldest` is where the next one goes).
  struct DistinctValues {
    std::vector<uint32_t> values;
    size_t oldest = 0;
  };
  std::vector<DistinctValues> distinct_pool_;
  std::vector<uint32_t> free_pool_;
  uint64_t evictions_ = 0;
};

}  // namespace defender
