// SignatureMatcher: all signature rules compiled into one Hyperscan database
// per field (decoded URI, normalised path, user agent, referer), so one scan
// per field finds every rule that matches. Field values repeat a lot (a site
// sees a few hundred user agents, and most requests go to a few thousand
// URIs), so the scans sit behind hash sets of the exact values seen and their
// matches: one for request targets (the URI and path databases share it, as
// most requests have no query and a normal path, so both fields are the same
// text), one for user agents, one for referers. A set is emptied when it
// holds 32 768 values or 2 MB of them, so only values new since then are
// scanned again. Compiled once at start-up; Scan() reuses its scratch space
// and does not allocate for values already seen. Not thread-safe; the
// returned hits are valid until the next Scan().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "core/decoded_request.h"
#include "core/hash.h"
#include "detectors/signature_rules.h"

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

  const SignatureHits& Scan(const DecodedRequest& request);

  // The hash of field f's value (0 uri, 1 path, 2 user agent, 3 referer) as
  // the last Scan() computed it, or 0; detectors reuse it for distinct counts.
  uint64_t last_hash(int f) const { return last_hash_[f]; }

  // Values held by the caches in all (bounded, see above).
  size_t cached_values() const { return cache_[0].size() + cache_[1].size() + cache_[2].size(); }

  size_t size() const { return names_.size(); }
  std::string_view name(uint16_t id) const { return names_[id]; }
  std::string_view scenario(uint16_t id) const { return scenarios_[id]; }

 private:
  SignatureMatcher() = default;
  struct Database;
  std::vector<std::string_view> names_, scenarios_;
  // A value seen and the matches of the databases that have scanned it
  // (the URI and the path one for a request target), in one cache line:
  // values up to 36 bytes (most URIs, paths and referers) are kept inline,
  // so confirming a hit reads no other memory; longer ones (user agents, a
  // few hundred distinct and so hot anyway) are kept apart. The matches are
  // filled in after the value is inserted, hence mutable.
  struct alignas(64) CacheEntry {
    static constexpr uint8_t kUnknown = 0xff;
    static constexpr size_t kMaxIds = 4, kInline = 36;
    uint16_t size = 0;
    mutable uint8_t count[2] = {kUnknown, kUnknown};  // per database: matches, or not scanned yet
    mutable uint16_t ids[2][kMaxIds] = {};
    char inline_value[kInline];
    std::unique_ptr<char[]> long_value;
    std::string_view value() const { return {long_value ? long_value.get() : inline_value, size}; }
  };
  static_assert(sizeof(CacheEntry) == 64);
  static std::string_view ValueOf(std::string_view v) { return v; }
  static std::string_view ValueOf(const CacheEntry& e) { return e.value(); }
  // Hashed with HashBytes, the hash the detectors reuse; looked up by value.
  struct EntryHash {
    using is_transparent = void;
    template <typename T>
    size_t operator()(const T& v) const { return HashBytes(ValueOf(v)); }
  };
  struct EntryEq {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const { return ValueOf(a) == ValueOf(b); }
  };
  using Cache = absl::flat_hash_set<CacheEntry, EntryHash, EntryEq>;
  // A set is emptied when it would exceed either bound.
  static constexpr size_t kCacheEntries = 32768;
  static constexpr size_t kCacheBytes = 2 << 20;  // of values
  static constexpr size_t kMaxCachedValue = 256;  // longer values are scanned every time
  void ScanField(int field, std::string_view value);

  std::unique_ptr<Database> databases_[4];  // uri, path, user agent, referer
  void* scratch_ = nullptr;
  SignatureHits hits_, field_hits_;
  uint64_t last_hash_[4] = {};
  Cache cache_[3];  // request targets, user agents, referers
  size_t cache_bytes_[3] = {};
};

}  // namespace defender
