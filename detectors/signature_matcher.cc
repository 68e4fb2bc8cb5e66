#include "detectors/signature_matcher.h"

#include <hs/hs.h>
#include <sys/mman.h>

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "core/hash.h"
#include "detectors/embedded_databases.h"
#include "detectors/signature_databases.h"
#include "detectors/static_path.h"

namespace defender {

struct SignatureMatcher::CompiledDatabase {
  hs_database_t* db = nullptr;
  size_t mapped = 0;  // db is a mapping of this many bytes, else Hyperscan allocated it
  ~CompiledDatabase() {
    if (mapped) {
      munmap(db, mapped);
    } else {
      hs_free_database(db);
    }
  }
};

namespace {

int OnMatch(unsigned int id, unsigned long long, unsigned long long, unsigned int, void* ctx) {
  auto* hits = static_cast<SignatureHits*>(ctx);
  if (hits->Has(uint16_t(id))) return 0;
  if (hits->count < SignatureHits::kMax) hits->ids[hits->count++] = uint16_t(id);
  return 0;
}

}  // namespace

SignatureMatcher::~SignatureMatcher() { hs_free_scratch(static_cast<hs_scratch_t*>(scratch_)); }

namespace {

// The disk cache's key: the rules, Hyperscan's version, this CPU.
uint64_t CacheKey(uint64_t inputs_hash) {
  hs_platform_info_t platform{};
  hs_populate_platform(&platform);
  return HashBytes(fmt::format("{:x} {} {} {}", inputs_hash, hs_version(), platform.tune, platform.cpu_features));
}

}  // namespace

bool SignatureMatcher::LoadDatabases(std::string_view file, uint64_t key, const std::vector<DatabaseInput>& inputs) {
  const auto blobs = ParseCacheFile(file, key, inputs.size());
  if (!blobs) return false;
  std::unique_ptr<CompiledDatabase> loaded[kSignatureDatabases];
  for (size_t f = 0; f < inputs.size(); ++f) {
    const std::string_view blob = (*blobs)[f];
    if (blob.empty() != inputs[f].patterns.empty()) return false;
    if (blob.empty()) continue;
    size_t size = 0;
    if (hs_serialized_database_size(blob.data(), blob.size(), &size) != HS_SUCCESS) return false;
    // Mapped with its pages made at once: page by page, the faults of
    // copying a megabyte of databases were a fifth of a short run.
    void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (memory == MAP_FAILED) return false;
    loaded[f] = std::make_unique<CompiledDatabase>();
    loaded[f]->db = static_cast<hs_database_t*>(memory);
    loaded[f]->mapped = size;
    // Hyperscan checks the bytes too: its version, the CPU, a checksum.
    if (hs_deserialize_database_at(blob.data(), blob.size(), loaded[f]->db) != HS_SUCCESS) return false;
  }
  for (size_t f = 0; f < inputs.size(); ++f) databases_[f] = std::move(loaded[f]);
  return true;
}

StatusOr<std::unique_ptr<SignatureMatcher>> SignatureMatcher::Create(const std::vector<SignatureRule>& rules,
                                                                     const std::vector<std::string_view>& bad_agents,
                                                                     const std::string& cache_dir) {
  std::unique_ptr<SignatureMatcher> m(new SignatureMatcher());
  for (const auto& r : rules) {
    m->names_.push_back(r.name);
    m->scenarios_.push_back(r.scenario);
    m->weak_.push_back(r.weak);
  }
  m->names_.push_back("bad-user-agent");  // id rules.size(), see SignatureDatabaseInputs
  m->scenarios_.push_back("http-bad-user-agent");
  m->weak_.push_back(false);

  // The databases built into the binary (the built-in rules, with the
  // Hyperscan it was built with), else this machine's cache, else compile.
  const std::vector<DatabaseInput> inputs = SignatureDatabaseInputs(rules, bad_agents);
  const uint64_t inputs_hash = InputsHash(inputs);
  if (!std::getenv("DEFENDER_SCAN_IGNORE_BUILT_IN") && m->LoadDatabases(EmbeddedDatabases(), inputs_hash, inputs)) {
    m->origin_ = "built in";
    if (Status s = m->AllocateScratch(); !s.ok()) return s;
    return m;
  }
  const DatabaseCache cache(cache_dir == "default" ? DefaultCacheDir() : cache_dir);
  const uint64_t key = CacheKey(inputs_hash);
  if (std::optional<std::string> cached = cache.Read(key); cached && m->LoadDatabases(*cached, key, inputs)) {
    m->origin_ = fmt::format("loaded from {}", cache.Path(key));
  } else {
    // The databases compile in parallel: compiling is most of a cold start.
    std::string errors[kSignatureDatabases];
    std::vector<std::thread> workers;
    for (size_t f = 0; f < inputs.size(); ++f) {
      if (inputs[f].patterns.empty()) continue;
      workers.emplace_back([&, f] {
        auto compiled = CompileDatabase(inputs[f], nullptr, m->names_);
        if (!compiled.ok()) {
          errors[f] = compiled.status().message();
          return;
        }
        m->databases_[f] = std::make_unique<CompiledDatabase>();
        m->databases_[f]->db = *compiled;
      });
    }
    for (auto& w : workers) w.join();
    for (const std::string& e : errors) {
      if (!e.empty()) return Status::Invalid(e);
    }
    m->origin_ = cache.enabled() ? m->SaveDatabases(cache, key) : "compiled (no cache)";
  }
  if (Status s = m->AllocateScratch(); !s.ok()) return s;
  return m;
}

Status SignatureMatcher::AllocateScratch() {
  for (const auto& database : databases_) {
    if (!database) continue;
    hs_scratch_t* scratch = static_cast<hs_scratch_t*>(scratch_);
    if (hs_alloc_scratch(database->db, &scratch) != HS_SUCCESS) {
      return Status::Error("cannot allocate Hyperscan scratch space");
    }
    scratch_ = scratch;
  }
  return Status::Ok();
}

std::string SignatureMatcher::SaveDatabases(const DatabaseCache& cache, uint64_t key) const {
  char* bytes[kSignatureDatabases] = {};
  std::vector<std::string_view> blobs;
  bool ok = true;
  for (int f = 0; f < kSignatureDatabases; ++f) {
    size_t length = 0;
    if (databases_[f] && hs_serialize_database(databases_[f]->db, &bytes[f], &length) != HS_SUCCESS) ok = false;
    blobs.emplace_back(bytes[f], bytes[f] ? length : 0);
  }
  Status written = ok ? cache.Write(key, blobs) : Status::Error("cannot serialize the databases");
  for (char* b : bytes) free(b);
  return written.ok() ? fmt::format("compiled, cached in {}", cache.Path(key))
                      : fmt::format("compiled; not cached: {}", written.message());
}

void SignatureMatcher::AddHits(const uint16_t* ids, int count) {
  for (int i = 0; i < count; ++i) {
    if (!hits_.Has(ids[i]) && hits_.count < SignatureHits::kMax) hits_.ids[hits_.count++] = ids[i];
  }
}

bool SignatureMatcher::ScanDatabase(Database f, std::string_view value) {
  if (!databases_[f] || value.empty()) return true;
  const hs_error_t e = hs_scan(databases_[f]->db, value.data(), unsigned(value.size()), 0,
                               static_cast<hs_scratch_t*>(scratch_), OnMatch, &field_hits_);
  if (e == HS_SUCCESS) return true;
  ++scan_errors_;
  return false;
}

inline const ValueCache::Entry* SignatureMatcher::Recall(Cache c, const Key& key) {
  if (key.value.size() > kMaxCachedValue) return nullptr;
  const ValueCache::Entry* e = cache_[c].Find(key.value, key.split);
  if (e) AddHits(e->ids, e->count);
  return e;
}

void SignatureMatcher::Remember(Cache c, const Key& key, uint32_t hash0, uint32_t hash1, bool is_static) {
  // Very long values, and values with more matches than an entry holds, are
  // decoded and scanned every time.
  if (key.value.size() > kMaxCachedValue || size_t(field_hits_.count) > ValueCache::Entry::kMaxIds) return;
  ValueCache& cache = cache_[c];
  if (cache.full(key.value.size())) cache.Clear();
  ValueCache::Entry& e = cache.Insert(key.value, key.split);
  e.hashes[0] = hash0;
  e.hashes[1] = hash1;
  std::copy(field_hits_.ids, field_hits_.ids + field_hits_.count, e.ids);
  e.count = uint8_t(field_hits_.count);
  e.is_static = is_static;
}

uint32_t ReferrerHash(std::string_view referer) {
  // Plain loops: a host is short, and a library search costs a call a byte.
  const char* p = referer.data();
  const char* end = p + referer.size();
  const char* scheme_end = p + std::min<size_t>(referer.size(), 16);
  for (const char* s = p; s + 3 <= scheme_end; ++s) {
    if (s[0] == ':' && s[1] == '/' && s[2] == '/') {
      p = s + 3;
      const char* host_end = p;
      while (host_end != end && *host_end != '/' && *host_end != '?' && *host_end != '#') ++host_end;
      end = host_end;
      break;
    }
  }
  return uint32_t(HashBytes(std::string_view(p, size_t(end - p)))) | 1;
}

void SignatureMatcher::ScanTarget(const LogRecord& r, RequestDecoder& decoder) {
  // The target as logged: path and query are usually one piece of the line.
  const std::string_view path = RequestDecoder::TargetPath(r);
  Key key{path, uint16_t(std::min<size_t>(path.size(), 0xffff))};
  if (!r.query.empty()) {
    if (r.query.data() == path.data() + path.size() + 1) {
      key.value = std::string_view(path.data(), path.size() + 1 + r.query.size());
    } else {
      target_.assign(path).append("?").append(r.query);
      key.value = target_;
    }
  }
  if (const ValueCache::Entry* e = Recall(kTargetCache, key)) {
    facts_.uri_hash = e->hashes[0];
    facts_.path_hash = e->hashes[1];
    facts_.is_static = e->is_static;
    return;
  }
  const DecodedRequest& d = decoder.DecodeTarget(r);
  field_hits_.count = 0;
  const bool uri_scanned = ScanDatabase(kUriDb, d.uri);  // both run, whatever the first gave
  const bool scanned = ScanDatabase(kPathDb, d.path) && uri_scanned;
  AddHits(field_hits_.ids, field_hits_.count);
  facts_.uri_hash = DistinctHash(d.uri);
  facts_.path_hash = DistinctHash(d.path);
  facts_.is_static = IsStaticPath(d.path);
  if (scanned) Remember(kTargetCache, key, facts_.uri_hash, facts_.path_hash, facts_.is_static);
}

inline uint32_t SignatureMatcher::ScanHeader(Database f, const LogRecord& r, RequestDecoder& decoder,
                                            uint32_t* referrer) {
  const bool agent = f == kUserAgentDb;
  const Cache cache = agent ? kUserAgentCache : kRefererCache;
  const std::string_view raw = agent ? r.user_agent : r.referer;
  if (raw.empty()) return DistinctHash(raw);
  const Key key{raw, 0};
  if (const ValueCache::Entry* e = Recall(cache, key)) {
    if (referrer != nullptr) *referrer = e->hashes[1];
    return e->hashes[0];
  }
  const DecodedRequest& d = decoder.DecodeHeaders(r);
  const std::string_view value = agent ? d.user_agent : d.referer;
  field_hits_.count = 0;
  const bool scanned = ScanDatabase(f, value);
  AddHits(field_hits_.ids, field_hits_.count);
  const uint32_t value_hash = DistinctHash(value);
  const uint32_t site = agent ? 0 : ReferrerHash(raw);
  if (referrer != nullptr) *referrer = site;
  if (scanned) Remember(cache, key, value_hash, site);
  return value_hash;
}

const SignatureHits& SignatureMatcher::Scan(const LogRecord& record, RequestDecoder& decoder) {
  hits_.count = 0;
  ScanTarget(record, decoder);
  facts_.user_agent_hash = ScanHeader(kUserAgentDb, record, decoder, nullptr);
  facts_.referrer_hash = 0;
  ScanHeader(kRefererDb, record, decoder, &facts_.referrer_hash);
  return hits_;
}

}  // namespace defender
