#include "detectors/signature_matcher.h"

#include <hs/hs.h>

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "core/hash.h"
#include "detectors/static_path.h"

namespace defender {

struct SignatureMatcher::Database {
  hs_database_t* db = nullptr;
  ~Database() { hs_free_database(db); }
};

namespace {

constexpr uint8_t kFields[4] = {kFieldUri, kFieldPath, kFieldUserAgent, kFieldReferer};

// A literal as a Hyperscan regex.
std::string EscapeLiteral(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}/").find(c) != std::string_view::npos) out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The distinct-count hash of a decoded value (never 0).
uint32_t DistinctHash(std::string_view v) { return uint32_t(HashBytes(v) | 1); }

int OnMatch(unsigned int id, unsigned long long, unsigned long long, unsigned int, void* ctx) {
  auto* hits = static_cast<SignatureHits*>(ctx);
  if (hits->Has(uint16_t(id))) return 0;
  if (hits->count < SignatureHits::kMax) hits->ids[hits->count++] = uint16_t(id);
  return 0;
}

}  // namespace

SignatureMatcher::~SignatureMatcher() { hs_free_scratch(static_cast<hs_scratch_t*>(scratch_)); }

std::unique_ptr<SignatureMatcher> SignatureMatcher::Create(const std::vector<SignatureRule>& rules,
                                                           const std::vector<std::string_view>& bad_agents,
                                                           std::string* error) {
  std::unique_ptr<SignatureMatcher> m(new SignatureMatcher());
  for (const auto& r : rules) {
    m->names_.push_back(r.name);
    m->scenarios_.push_back(r.scenario);
    m->weak_.push_back(r.weak);
  }
  const uint16_t bad_agent_id = uint16_t(m->names_.size());
  m->names_.push_back("bad-user-agent");
  m->scenarios_.push_back("http-bad-user-agent");
  m->weak_.push_back(false);

  // The four databases compile in parallel: compiling is most of start-up.
  std::string errors[4];
  std::vector<std::thread> workers;
  for (int f = 0; f < 4; ++f) {
    workers.emplace_back([&, f] {
      std::vector<std::string> patterns;
      std::vector<unsigned> ids, flags;
      const unsigned kFlags = HS_FLAG_CASELESS | HS_FLAG_MULTILINE | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
      for (size_t i = 0; i < rules.size(); ++i) {
        if (!(rules[i].fields & kFields[f])) continue;
        patterns.emplace_back(rules[i].pattern);
        ids.push_back(unsigned(i));
        flags.push_back(kFlags);
      }
      if (kFields[f] == kFieldUserAgent) {
        for (std::string_view agent : bad_agents) {
          patterns.push_back(EscapeLiteral(agent));
          ids.push_back(bad_agent_id);
          flags.push_back(kFlags);
        }
      }
      if (patterns.empty()) return;
      std::vector<const char*> cpatterns;
      for (const auto& p : patterns) cpatterns.push_back(p.c_str());
      auto db = std::make_unique<Database>();
      hs_compile_error_t* compile_error = nullptr;
      if (hs_compile_multi(cpatterns.data(), flags.data(), ids.data(), unsigned(patterns.size()),
                           HS_MODE_BLOCK, nullptr, &db->db, &compile_error) != HS_SUCCESS) {
        int bad = compile_error->expression;
        std::string what = bad >= 0 ? std::string(m->names_[ids[size_t(bad)]]) : "?";
        errors[f] = fmt::format("signature rule '{}': {}", what, compile_error->message);
        hs_free_compile_error(compile_error);
        return;
      }
      m->databases_[f] = std::move(db);
    });
  }
  for (auto& w : workers) w.join();
  for (int f = 0; f < 4; ++f) {
    if (!errors[f].empty()) {
      *error = errors[f];
      return nullptr;
    }
    if (!m->databases_[f]) continue;
    hs_scratch_t* scratch = static_cast<hs_scratch_t*>(m->scratch_);
    if (hs_alloc_scratch(m->databases_[f]->db, &scratch) != HS_SUCCESS) {
      *error = "cannot allocate Hyperscan scratch space";
      return nullptr;
    }
    m->scratch_ = scratch;
  }
  return m;
}

void SignatureMatcher::AddHits(const uint16_t* ids, int count) {
  for (int i = 0; i < count; ++i) {
    if (!hits_.Has(ids[i]) && hits_.count < SignatureHits::kMax) hits_.ids[hits_.count++] = ids[i];
  }
}

void SignatureMatcher::ScanDatabase(int f, std::string_view value) {
  if (!databases_[f] || value.empty()) return;
  hs_scan(databases_[f]->db, value.data(), unsigned(value.size()), 0, static_cast<hs_scratch_t*>(scratch_),
          OnMatch, &field_hits_);
}

inline const ValueCache::Entry* SignatureMatcher::Recall(int c, const Key& key) {
  if (key.value.size() > kMaxCachedValue) return nullptr;
  const ValueCache::Entry* e = cache_[c].Find(key.value, key.split);
  if (e) AddHits(e->ids, e->count);
  return e;
}

void SignatureMatcher::Remember(int c, const Key& key, uint32_t hash0, uint32_t hash1, bool is_static) {
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
  if (const ValueCache::Entry* e = Recall(0, key)) {
    facts_.uri_hash = e->hashes[0];
    facts_.path_hash = e->hashes[1];
    facts_.is_static = e->is_static;
    return;
  }
  const DecodedRequest& d = decoder.DecodeTarget(r);
  field_hits_.count = 0;
  ScanDatabase(0, d.uri);
  ScanDatabase(1, d.path);
  AddHits(field_hits_.ids, field_hits_.count);
  facts_.uri_hash = DistinctHash(d.uri);
  facts_.path_hash = DistinctHash(d.path);
  facts_.is_static = IsStaticPath(d.path);
  Remember(0, key, facts_.uri_hash, facts_.path_hash, facts_.is_static);
}

inline uint32_t SignatureMatcher::ScanHeader(int f, const LogRecord& r, RequestDecoder& decoder) {
  const std::string_view raw = f == 2 ? r.user_agent : r.referer;
  if (raw.empty()) return DistinctHash(raw);
  const Key key{raw, 0};
  if (const ValueCache::Entry* e = Recall(f - 1, key)) return e->hashes[0];
  const DecodedRequest& d = decoder.DecodeHeaders(r);
  const std::string_view value = f == 2 ? d.user_agent : d.referer;
  field_hits_.count = 0;
  ScanDatabase(f, value);
  AddHits(field_hits_.ids, field_hits_.count);
  const uint32_t value_hash = DistinctHash(value);
  Remember(f - 1, key, value_hash);
  return value_hash;
}

const SignatureHits& SignatureMatcher::Scan(const LogRecord& record, RequestDecoder& decoder) {
  hits_.count = 0;
  ScanTarget(record, decoder);
  facts_.user_agent_hash = ScanHeader(2, record, decoder);
  ScanHeader(3, record, decoder);
  return hits_;
}

}  // namespace defender
