// ClientTable: the leaky buckets of every (client, scenario) pair, in one
// hash map with a cap. Buckets that have drained are dropped now and then;
// when the cap is reached anyway, those that will have drained soonest (so
// hold the least) are evicted first and counted. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "core/hash.h"
#include "core/ip_address.h"
#include "detectors/leaky_bucket.h"
#include "detectors/scenario.h"

namespace defender {

class ClientTable {
 public:
  // Holds at most max_buckets, or 25/32 of the hash table's slots if that is
  // less (see max_buckets()).
  explicit ClientTable(size_t max_buckets);

  struct PourResult {
    bool overflow = false;
    bool counted = false;  // false: a repeated distinct value or a blackhole
    uint32_t poured = 0;
  };
  // Pours one event for `client` (already grouped, e.g. an IPv6 /64) into
  // scenario `scenario`'s bucket. `distinct` is the hash of the distinct
  // value, or 0 when the scenario has none.
  PourResult Pour(const IpAddress& client, uint16_t scenario, const BucketSettings& settings, LogTime t,
                  uint32_t distinct);

  // Starts fetching the bucket Pour(client, scenario, ...) will touch.
  void Prefetch(const IpAddress& client, uint16_t scenario) const { buckets_.prefetch(Key{client, scenario}); }

  // Drops drained buckets and, if still over the cap, evicts those that will
  // drain soonest.
  // Cheap to call often: it only works when the table has grown.
  void Maintain(LogTime now) {
    if (buckets_.size() >= next_maintain_size_ || buckets_.size() > max_buckets_) Sweep(now);
  }

  // Every bucket, for the state database: fn(client, scenario, bucket, distinct hashes).
  template <typename Fn>
  void ForEach(Fn fn) const {
    std::vector<uint32_t> distinct;
    for (const auto& [key, b] : buckets_) {
      distinct.clear();
      if (b.distinct_first != 0) distinct.push_back(b.distinct_first);
      if (b.distinct_more != 0) {
        const auto& more = distinct_pool_[b.distinct_more - 1];
        distinct.insert(distinct.end(), more.begin(), more.end());
      }
      fn(key.client, key.scenario, b, distinct);
    }
  }
  // Puts back a bucket saved by a previous run.
  void Restore(const IpAddress& client, uint16_t scenario, const LeakyBucket& bucket,
               const std::vector<uint32_t>& distinct);

  size_t size() const { return buckets_.size(); }
  size_t max_buckets() const { return max_buckets_; }  // the cap held
  uint64_t evictions() const { return evictions_; }

 private:
  struct Key {
    IpAddress client;
    uint16_t scenario;
    bool operator==(const Key&) const = default;
  };
  // One multiply for the 18 bytes (absl::Hash combines them in steps: the
  // line's pours hash a key each, and so do the prefetches), seeded per
  // table so that clients cannot choose addresses that collide.
  struct KeyHash {
    static KeyHash Random();  // seeded from std::random_device
    uint64_t seed[2] = {};
    size_t operator()(const Key& k) const {
      uint64_t w[2];
      std::memcpy(w, k.client.bytes().data(), 16);
      return hash_internal::Mix(w[0] ^ seed[0], w[1] ^ (seed[1] + k.scenario));
    }
  };
  void Sweep(LogTime now);  // Maintain's work
  // True if `hash` was seen in the bucket; records it otherwise.
  bool SeenBefore(LeakyBucket& b, uint32_t hash);
  bool SeenInPool(LeakyBucket& b, uint32_t hash);  // the values after the first
  void Release(LeakyBucket& b);

  size_t max_buckets_;
  absl::flat_hash_map<Key, LeakyBucket, KeyHash> buckets_;
  std::vector<std::vector<uint32_t>> distinct_pool_;
  std::vector<uint32_t> free_pool_;
  uint64_t evictions_ = 0;
  size_t next_maintain_size_ = 4096;
  LogTime last_gc_ = 0;
};

}  // namespace defender
