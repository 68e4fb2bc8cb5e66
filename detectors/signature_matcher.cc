#include "detectors/signature_matcher.h"

#include <hs/hs.h>

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "core/hash.h"

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
  }
  const uint16_t bad_agent_id = uint16_t(m->names_.size());
  m->names_.push_back("bad-user-agent");
  m->scenarios_.push_back("http-bad-user-agent");

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

void SignatureMatcher::ScanField(int f, std::string_view value) {
  auto add = [&](const uint16_t* ids, int count) {
    for (int i = 0; i < count; ++i) {
      if (!hits_.Has(ids[i]) && hits_.count < SignatureHits::kMax) hits_.ids[hits_.count++] = ids[i];
    }
  };
  // Fields 0 and 1 (URI, path) share cache 0, in its two lists of matches.
  const int c = f == 0 ? 0 : f - 1, list = f == 1 ? 1 : 0;
  Cache& cache = cache_[c];
  const CacheEntry* entry = nullptr;
  const bool cacheable = value.size() <= kMaxCachedValue;
  if (cacheable) {
    const uint64_t hash = HashBytes(value);
    last_hash_[f] = hash | 1;
    if (auto it = cache.find(value, hash); it != cache.end()) {
      entry = &*it;
      if (entry->count[list] != CacheEntry::kUnknown) {
        add(entry->ids[list], entry->count[list]);
        return;
      }
    }
  }
  field_hits_.count = 0;
  hs_scan(databases_[f]->db, value.data(), unsigned(value.size()), 0, static_cast<hs_scratch_t*>(scratch_),
          OnMatch, &field_hits_);
  add(field_hits_.ids, field_hits_.count);
  // Very long values, and values with more matches than an entry holds, are
  // scanned every time.
  if (!cacheable || size_t(field_hits_.count) > CacheEntry::kMaxIds) return;
  if (entry == nullptr) {
    if (cache.size() >= kCacheEntries || cache_bytes_[c] + value.size() > kCacheBytes) {
      cache.clear();
      cache_bytes_[c] = 0;
    }
    cache_bytes_[c] += value.size();
    CacheEntry e;
    e.size = uint16_t(value.size());
    char* to = e.inline_value;
    if (value.size() > CacheEntry::kInline) {
      e.long_value = std::make_unique<char[]>(value.size());
      to = e.long_value.get();
    }
    std::copy(value.begin(), value.end(), to);
    entry = &*cache.insert(std::move(e)).first;
  }
  entry->count[list] = uint8_t(field_hits_.count);
  std::copy(field_hits_.ids, field_hits_.ids + field_hits_.count, entry->ids[list]);
}

const SignatureHits& SignatureMatcher::Scan(const DecodedRequest& request) {
  hits_.count = 0;
  const std::string_view fields[4] = {request.uri, request.path, request.user_agent, request.referer};
  for (int f = 0; f < 4; ++f) {
    last_hash_[f] = 0;
    if (databases_[f] && !fields[f].empty()) ScanField(f, fields[f]);
  }
  return hits_;
}

}  // namespace defender
