// SignatureMatcher: all signature rules compiled into one Hyperscan database
// per field (decoded URI, normalised path, user agent, referer), so one scan
// per field finds every rule that matches. Field values repeat a lot (a site
// sees a few hundred user agents, and most requests go to a few thousand
// targets), so the scans sit behind hash sets of the exact values seen and
// their matches: one for request targets, one for user agents, one for
// referers. Values are kept as logged, before decoding: a value seen before
// is neither decoded nor scanned again, and its entry also keeps what the
// scenarios need of its decoded form (hashes for distinct counts, whether a
// target is a static asset). A set is emptied when it holds 32 768
// values or 2 MB of them, so only values new since then are scanned again.
// Compiled once at start-up; Scan() reuses its scratch space and does not
// allocate for values already seen. Not thread-safe; the returned hits are
// valid until the next Scan().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "core/hash.h"
#include "core/log_record.h"
#include "detectors/signature_rules.h"
#include "parsers/request_decoder.h"

namespace defender {

struct SignatureHits {
  static constexpr int kMax = 32;
  uint16_t ids[kMax];
  int count = 0;
  bool Has(uint16_t id) const {
    for (int i = 0; i < count; ++i) {
      if (ids[i] == id) return true;
    }
    return false;
  }
};

class SignatureMatcher {
 public:
  ~SignatureMatcher();
  // The rules are indexed in order; the bad user-agent list becomes one more
  // rule, "bad-user-agent", feeding http-bad-user-agent. On a pattern that
  // does not compile, returns nullptr and names the rule in *error.
  static std::unique_ptr<SignatureMatcher> Create(const std::vector<SignatureRule>& rules,
                                                  const std::vector<std::string_view>& bad_agents,
                                                  std::string* error);

  // Scans the record's target and headers, decoding them with `decoder`
  // only when the caches have not seen them as logged.
  const SignatureHits& Scan(const LogRecord& record, RequestDecoder& decoder);

  // What the last Scan() learnt of the request besides its signatures, for
  // the scenarios: 32-bit hashes of the decoded URI, path and user agent for
  // distinct counts (never 0), and whether the path is a static asset.
  struct RequestFacts {
    uint32_t uri_hash = 1, path_hash = 1, user_agent_hash = 1;
    bool is_static = false;
  };
  const RequestFacts& facts() const { return facts_; }

  // Values held by the caches in all (bounded, see above).
  size_t cached_values() const { return cache_[0].size() + cache_[1].size() + cache_[2].size(); }

  size_t size() const { return names_.size(); }
  std::string_view name(uint16_t id) const { return names_[id]; }
  std::string_view scenario(uint16_t id) const { return scenarios_[id]; }

 private:
  SignatureMatcher() = default;
  struct Database;
  std::vector<std::string_view> names_, scenarios_;
  // A value seen, as logged (a request target with the length of its path,
  // or a header), the rules its decoded form matched and the hashes of that
  // form and, for a target, whether it is a static asset, in one cache
  // line: values up to 34 bytes (most targets and referers) are kept inline,
  // so confirming a hit reads no other memory; longer ones (user agents, a
  // few hundred distinct and so hot anyway) are kept apart.
  struct Key {
    std::string_view value;
    uint16_t split = 0;  // a target's path length; 0 for headers
  };
  struct alignas(64) CacheEntry {
    static constexpr size_t kMaxIds = 4, kInline = 34;
    std::unique_ptr<char[]> long_value;
    // Distinct-count hashes of the decoded value: a target's URI and path, a
    // header's value in [0].
    uint32_t hashes[2] = {};
    uint16_t size = 0, split = 0;
    uint16_t ids[kMaxIds] = {};
    uint8_t count = 0;
    bool is_static = false;
    char inline_value[kInline];
    std::string_view value() const { return {long_value ? long_value.get() : inline_value, size}; }
  };
  static_assert(sizeof(CacheEntry) == 64);
  static Key KeyOf(const Key& k) { return k; }
  static Key KeyOf(const CacheEntry& e) { return {e.value(), e.split}; }
  // Hashed and compared by value and split.
  struct EntryHash {
    using is_transparent = void;
    template <typename T>
    size_t operator()(const T& v) const { return Hash(KeyOf(v)); }
  };
  struct EntryEq {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      const Key ka = KeyOf(a), kb = KeyOf(b);
      return ka.split == kb.split && ka.value == kb.value;
    }
  };
  static uint64_t Hash(const Key& k) { return HashBytes(k.value) ^ k.split; }
  using Cache = absl::flat_hash_set<CacheEntry, EntryHash, EntryEq>;
  // A set is emptied when it would exceed either bound.
  static constexpr size_t kCacheEntries = 32768;
  static constexpr size_t kCacheBytes = 2 << 20;  // of values
  static constexpr size_t kMaxCachedValue = 256;  // longer values are scanned every time
  void ScanTarget(const LogRecord& record, RequestDecoder& decoder);
  // Scans a header (field 2 user agent or 3 referer); returns the distinct
  // hash of its decoded value.
  uint32_t ScanHeader(int field, const LogRecord& record, RequestDecoder& decoder);
  // Runs database `field` over `value`, adding to field_hits_.
  void ScanDatabase(int field, std::string_view value);
  void AddHits(const uint16_t* ids, int count);
  // The entry for `key` in cache c, its matches added to the hits, or nullptr.
  const CacheEntry* Recall(int c, const Key& key);
  // Caches field_hits_ for `key` in cache c with the facts of its decoded
  // form (see CacheEntry), emptying the cache first if it is full.
  void Remember(int c, const Key& key, uint32_t hash0, uint32_t hash1 = 0, bool is_static = false);

  std::unique_ptr<Database> databases_[4];  // uri, path, user agent, referer
  void* scratch_ = nullptr;
  SignatureHits hits_, field_hits_;
  RequestFacts facts_;
  std::string target_;  // a target whose path and query are apart in the line
  Cache cache_[3];  // request targets, user agents, referers
  size_t cache_bytes_[3] = {};
};

}  // namespace defender
