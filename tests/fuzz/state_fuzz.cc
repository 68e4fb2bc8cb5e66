// libFuzzer target: a state database whose rows hold anything, as a
// corrupted or hostile state.db would: targets, sources, reasons, times,
// counts, scores, history, bucket clients, tokens and distinct values taken
// from the input. What StateStore loads must be safe to use: every ban it
// returns passes ValidateBanTarget with a plain reason and sane times, and
// restoring the history and buckets (escalation, tokens) stays defined
// (UBSan). Built with -DDEFENDER_FUZZ=ON.
#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/ban_target.h"
#include "decisions/allowlist.h"
#include "decisions/decision_engine.h"
#include "detectors/client_table.h"
#include "detectors/leaky_bucket.h"
#include "state/state_store.h"
#include "tests/test_util.h"

using namespace defender;

namespace {

// Reads the input as fields: a text up to '\n', or 8 bytes as an integer.
struct Fields {
  std::string_view in;
  std::string Text() {
    size_t nl = in.find('\n');
    std::string t(in.substr(0, nl));
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    return t;
  }
  int64_t Int() {
    int64_t v = 0;
    if (in.empty()) return v;
    std::memcpy(&v, in.data(), std::min<size_t>(8, in.size()));
    in.remove_prefix(std::min<size_t>(8, in.size()));
    return v;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static testing::TempDir dir;
  const std::string path = dir.File("state.db");
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
  auto opened = StateStore::Open(path, 0);
  if (!opened.ok()) __builtin_trap();
  std::unique_ptr<StateStore> store = std::move(*opened);
  Fields f{std::string_view(reinterpret_cast<const char*>(data), size)};
  {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) __builtin_trap();
    sqlite3_stmt* ban = nullptr;
    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO bans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &ban, nullptr);
    if (!ban) __builtin_trap();  // the schema changed: fuzz every column
    sqlite3_stmt* history = nullptr;
    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO history VALUES (?, ?)", -1, &history, nullptr);
    sqlite3_stmt* bucket = nullptr;
    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO buckets VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &bucket, nullptr);
    for (int row = 0; row < 4 && !f.in.empty(); ++row) {
      std::string target = f.Text(), source = f.Text(), reason = f.Text();
      sqlite3_bind_text(ban, 1, target.data(), int(target.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(ban, 2, source.data(), int(source.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(ban, 3, reason.data(), int(reason.size()), SQLITE_TRANSIENT);
      for (int c = 4; c <= 8; ++c) sqlite3_bind_int64(ban, c, f.Int());
      std::string evidence = f.Text();
      sqlite3_bind_text(ban, 9, evidence.data(), int(evidence.size()), SQLITE_TRANSIENT);
      sqlite3_step(ban);
      sqlite3_reset(ban);
      sqlite3_bind_text(history, 1, target.data(), int(target.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(history, 2, f.Int());
      sqlite3_step(history);
      sqlite3_reset(history);
      std::string client = f.Text(), distinct = f.Text();
      sqlite3_bind_blob(bucket, 1, client.data(), int(client.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(bucket, 2, "http-probing", -1, SQLITE_STATIC);
      sqlite3_bind_int64(bucket, 3, f.Int());
      sqlite3_bind_int64(bucket, 4, f.Int());
      int64_t bits = f.Int();
      double tokens;
      std::memcpy(&tokens, &bits, 8);
      sqlite3_bind_double(bucket, 5, tokens);
      sqlite3_bind_int64(bucket, 6, f.Int());
      sqlite3_bind_blob(bucket, 7, distinct.data(), int(distinct.size()), SQLITE_TRANSIENT);
      sqlite3_step(bucket);
      sqlite3_reset(bucket);
    }
    sqlite3_finalize(ban);
    sqlite3_finalize(history);
    sqlite3_finalize(bucket);
    sqlite3_close(db);
  }
  std::vector<StoredBan> bans;
  size_t refused = 0;
  std::vector<std::pair<Cidr, int>> history;
  std::vector<StoredBucket> buckets;
  if (!store->LoadBans(&bans, &refused).ok() || !store->LoadHistory(&history).ok() ||
      !store->LoadBuckets(&buckets, &refused).ok()) {
    __builtin_trap();
  }
  for (const StoredBan& b : bans) {
    if (!ValidateBanTarget(b.target).ok() || !IsPlainReason(b.reason) || b.until <= b.since ||
        !PlausibleLogTime(b.since) || !PlausibleLogTime(b.until)) {
      __builtin_trap();
    }
    if (b.evidence.size() > kMaxEvidence) __builtin_trap();
  }
  // What the pipeline does with them: escalation from the history, tokens.
  Allowlist allowlist({}, {});
  DecisionEngine engine(allowlist, DecisionOptions{});
  for (const auto& [target, n] : history) engine.RestoreHistory(target, n);
  std::vector<Decision> out;
  for (const auto& [target, n] : history) {
    engine.OnAlert(Alert{"http-probing", target.address(), target, 0, 1, 3600, 40, false}, &out);
  }
  ClientTable table(1000);
  BucketSettings settings;
  for (const StoredBucket& b : buckets) {
    LeakyBucket bucket;
    bucket.SetTokens(b.last, b.tokens, settings);
    bucket.last = b.last;
    bucket.blackhole_until = b.blackhole_until;
    if (!PlausibleLogTime(b.last) || !PlausibleLogTime(b.blackhole_until) || !std::isfinite(b.tokens)) __builtin_trap();
    table.Restore(b.client, 0, bucket, b.distinct);
    // Lines at the bucket's time, then at the extremes of the times a
    // saved state may hold (a late one is counted at the bucket's time).
    for (LogTime t : {b.last, -kTimeLimit, kTimeLimit}) table.Pour(b.client, 0, settings, t, 0);
  }
  return 0;
}
