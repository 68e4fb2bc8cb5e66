// SignatureMatcher: all signature rules compiled into one Hyperscan database
// per field (decoded URI, normalised path, user agent, referer), so one scan
// per field finds every rule that matches. Field values repeat a lot (a site
// sees a few hundred user agents, and most requests go to a few thousand
// targets), so the scans sit behind caches (ValueCache) of the exact values
// seen and their matches: one for request targets, one for user agents, one
// for referers. Values are kept as logged, before decoding: a value seen before
// is neither decoded nor scanned again, and its entry also keeps what the
// scenarios need of its decoded form (hashes for distinct counts, whether a
// target is a static asset). A cache is emptied when it holds 32 768
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

#include "core/hash.h"
#include "core/log_record.h"
#include "core/status.h"
#include "detectors/database_cache.h"
#include "detectors/signature_databases.h"
#include "detectors/signature_rules.h"
#include "detectors/value_cache.h"
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

// The referring site of a Referer value as logged: a hash of its host, or
// of the whole value when it is not a URL; never 0.
uint32_t ReferrerHash(std::string_view referer);

class SignatureMatcher {
 public:
  ~SignatureMatcher();
  SignatureMatcher(const SignatureMatcher&) = delete;  // owns the Hyperscan databases and scratch
  SignatureMatcher& operator=(const SignatureMatcher&) = delete;
  // The rules are indexed in order; the bad user-agent list becomes one more
  // rule, "bad-user-agent", feeding http-bad-user-agent. The databases are
  // the ones built into the binary when they are for these rules and this
  // Hyperscan (embedded_databases.h), else the ones in the cache in
  // `cache_dir` (database_cache.h), else they are compiled and cached there
  // (empty `cache_dir`: no cache; "default": DefaultCacheDir(), resolved only
  // then). A pattern that does not compile is kInvalid, naming the rule.
  static StatusOr<std::unique_ptr<SignatureMatcher>> Create(const std::vector<SignatureRule>& rules,
                                                            const std::vector<std::string_view>& bad_agents,
                                                            const std::string& cache_dir);
  // Where the databases came from: "built in", "loaded from PATH",
  // "compiled, cached in PATH", "compiled (no cache)" or why they could not
  // be cached.
  const std::string& origin() const { return origin_; }
  // Scans Hyperscan refused (never expected: a scratch or database fault);
  // their values are scanned again when seen again, never cached.
  uint64_t scan_errors() const { return scan_errors_; }

  // Scans the record's target and headers, decoding them with `decoder`
  // only when the caches have not seen them as logged.
  const SignatureHits& Scan(const LogRecord& record, RequestDecoder& decoder);

  // What the last Scan() learnt of the request besides its signatures, for
  // the scenarios: 32-bit hashes of the decoded URI, path and user agent for
  // distinct counts (never 0), and whether the path is a static asset.
  struct RequestFacts {
    uint32_t uri_hash = 1, path_hash = 1, user_agent_hash = 1;
    uint32_t referrer_hash = 0;  // ReferrerHash of the referer as logged; 0: none
    bool is_static = false;
  };
  const RequestFacts& facts() const { return facts_; }

  // Values held by the caches in all (bounded, see above).
  size_t cached_values() const { return cache_[0].size() + cache_[1].size() + cache_[2].size(); }

  size_t size() const { return names_.size(); }
  std::string_view name(uint16_t id) const { return names_[id]; }
  std::string_view scenario(uint16_t id) const { return scenarios_[id]; }
  bool weak(uint16_t id) const { return weak_[id]; }

 private:
  SignatureMatcher() = default;
  struct CompiledDatabase;
  std::vector<std::string_view> names_, scenarios_;
  std::vector<bool> weak_;
  // A value as logged: a request target with the length of its path, or a
  // header (split 0).
  struct Key {
    std::string_view value;
    uint16_t split = 0;
  };
  // A cache is emptied when it would exceed either bound.
  static constexpr size_t kCacheEntries = 32768;
  static constexpr size_t kCacheBytes = 2 << 20;  // of values
  static constexpr size_t kMaxCachedValue = 256;  // longer values are scanned every time
  void ScanTarget(const LogRecord& record, RequestDecoder& decoder);
  // The databases, one per field (signature_databases.h's order), and the
  // value caches, one per field as logged (the target holds URI and path).
  enum Database { kUriDb, kPathDb, kUserAgentDb, kRefererDb };
  enum Cache { kTargetCache, kUserAgentCache, kRefererCache };
  // Scans a header (kUserAgentDb or kRefererDb); returns the distinct hash
  // of its decoded value. For the referer, *referrer gets its ReferrerHash.
  uint32_t ScanHeader(Database f, const LogRecord& r, RequestDecoder& decoder, uint32_t* referrer);
  // Runs database `field` over `value`, adding to field_hits_; false (and
  // counted) when Hyperscan failed, so the result is not cached.
  bool ScanDatabase(Database field, std::string_view value);
  void AddHits(const uint16_t* ids, int count);
  // The databases in `file` (the cache format) if it holds them for `key`
  // and these inputs; false (and none set) otherwise.
  bool LoadDatabases(std::string_view file, uint64_t key, const std::vector<DatabaseInput>& inputs);
  Status AllocateScratch();
  // Writes the compiled databases to the cache; says how it went.
  std::string SaveDatabases(const DatabaseCache& cache, uint64_t key) const;
  // The entry for `key` in cache c, its matches added to the hits, or nullptr.
  const ValueCache::Entry* Recall(Cache c, const Key& key);
  // Caches field_hits_ for `key` in cache c with the facts of its decoded
  // form (see ValueCache::Entry), emptying the cache first if it is full.
  void Remember(Cache c, const Key& key, uint32_t hash0, uint32_t hash1 = 0, bool is_static = false);

  std::unique_ptr<CompiledDatabase> databases_[4];  // by Database
  std::string origin_;
  void* scratch_ = nullptr;
  uint64_t scan_errors_ = 0;
  SignatureHits hits_, field_hits_;
  RequestFacts facts_;
  std::string target_;  // a target whose path and query are apart in the line
  // By Cache: request targets, user agents, referers.
  ValueCache cache_[3] = {{kCacheEntries, kCacheBytes}, {kCacheEntries, kCacheBytes}, {kCacheEntries, kCacheBytes}};
};

}  // namespace defender
