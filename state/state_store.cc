#include "state/state_store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "core/ban_target.h"

namespace defender {

namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bans (
  target TEXT PRIMARY KEY, source TEXT NOT NULL, reason TEXT NOT NULL,
  since INTEGER NOT NULL, until INTEGER NOT NULL, count INTEGER NOT NULL, score INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS history (target TEXT PRIMARY KEY, bans INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (
  dev INTEGER NOT NULL, ino INTEGER NOT NULL, fingerprint BLOB NOT NULL,
  offset INTEGER NOT NULL, complete INTEGER NOT NULL, PRIMARY KEY (dev, ino));
CREATE TABLE IF NOT EXISTS buckets (
  client BLOB NOT NULL, scenario TEXT NOT NULL, last INTEGER NOT NULL, blackhole_until INTEGER NOT NULL,
  tokens REAL NOT NULL, poured INTEGER NOT NULL, distinct_values BLOB, PRIMARY KEY (client, scenario));
CREATE TABLE IF NOT EXISTS actions (
  kind TEXT NOT NULL, target TEXT NOT NULL, reason TEXT NOT NULL, duration INTEGER NOT NULL,
  until INTEGER NOT NULL, PRIMARY KEY (kind, target, until));
CREATE TABLE IF NOT EXISTS models (name TEXT PRIMARY KEY, data BLOB NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('schema', 1);
)sql";
// The tables above are schema 1 (and 3's models table); Migrate() brings
// them to this one.
constexpr int64_t kSchemaVersion = 3;

// A prepared statement, finalised at scope end.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  sqlite3_stmt* get() { return s_; }
  bool ok() const { return s_ != nullptr; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

std::string_view Text(sqlite3_stmt* s, int col) {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  return p ? std::string_view(p, size_t(sqlite3_column_bytes(s, col))) : std::string_view();
}

std::string_view Blob(sqlite3_stmt* s, int col) {
  auto p = static_cast<const char*>(sqlite3_column_blob(s, col));
  return p ? std::string_view(p, size_t(sqlite3_column_bytes(s, col))) : std::string_view();
}

}  // namespace

StateStore::~StateStore() {
  sqlite3_close(db_);
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the lock
}

Status StateStore::Error(std::string_view what) {
  return Status::Error(fmt::format("{}: {}: {}", path_, what, db_ ? sqlite3_errmsg(db_) : "cannot open"));
}

Status StateStore::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string m = message ? message : "?";
    sqlite3_free(message);
    return Status::Error(fmt::format("{}: {}", path_, m));
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<StateStore>> StateStore::Open(const std::string& path, int wait_ms) {
  std::unique_ptr<StateStore> s(new StateStore());
  s->path_ = path;
  // One run at a time: an exclusive flock on the database file for the whole
  // run (SQLite's own locks only cover single transactions).
  s->lock_fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (s->lock_fd_ < 0) return Status::Error(fmt::format("{}: {}", path, strerror(errno)));
  if (Status locked = s->Lock(wait_ms); !locked.ok()) return locked;
  if (sqlite3_open_v2(path.c_str(), &s->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW,
                      nullptr) != SQLITE_OK) {
    return s->Error("cannot open");
  }
  sqlite3_busy_timeout(s->db_, 5000);
  Status st = s->Exec(kSchema);
  if (st.ok()) st = s->Migrate();
  if (!st.ok()) return Status::Error(fmt::format("{} (is it a defender-scan state database?)", st.message()));
  return s;
}

StatusOr<std::unique_ptr<StateStore>> StateStore::OpenExisting(const std::string& path, int wait_ms) {
  if (access(path.c_str(), F_OK) != 0) {
    return Status::Error(fmt::format("no state database at {} (the --state of the defender-scan that bans)", path));
  }
  return Open(path, wait_ms);
}

Status StateStore::Migrate() {
  Stmt q(db_, "SELECT value FROM meta WHERE key = 'schema'");
  int64_t version = q.ok() && sqlite3_step(q.get()) == SQLITE_ROW ? sqlite3_column_int64(q.get(), 0) : 0;
  if (version == kSchemaVersion) return Status::Ok();
  if (version < 1 || version > kSchemaVersion) {
    return Status::Error(fmt::format("{}: schema {} is not one this defender-scan knows ({})", path_, version,
                                     kSchemaVersion));
  }
  // 1 -> 2: a ban's evidence, a checkpoint's file name.
  if (version == 1) {
    Status s = Exec(R"sql(
BEGIN IMMEDIATE;
ALTER TABLE bans ADD COLUMN events INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bans ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
ALTER TABLE checkpoints ADD COLUMN path TEXT NOT NULL DEFAULT '';
UPDATE meta SET value = 2 WHERE key = 'schema';
COMMIT;
)sql");
    if (!s.ok()) return s;
  }
  // 2 -> 3: the models table (the behaviour model), made by kSchema.
  return Exec("UPDATE meta SET value = 3 WHERE key = 'schema'");
}

Status StateStore::LoadModel(std::string_view name, std::string* data) {
  Stmt q(db_, "SELECT data FROM models WHERE name = ?");
  data->clear();
  if (!q.ok()) return Error("reading the models");
  sqlite3_bind_text(q.get(), 1, name.data(), int(name.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(q.get()) == SQLITE_ROW) {
    const void* p = sqlite3_column_blob(q.get(), 0);
    if (p != nullptr) data->assign(static_cast<const char*>(p), size_t(sqlite3_column_bytes(q.get(), 0)));
  }
  return Status::Ok();
}

Status StateStore::Lock(int wait_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Error(fmt::format(
          "{}: another defender-scan is using this state database; try again when it has finished", path_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::Ok();
}

void StateStore::Unlock() { flock(lock_fd_, LOCK_UN); }

Status StateStore::LoadBans(std::vector<StoredBan>* bans, size_t* refused) {
  Stmt q(db_, "SELECT target, source, reason, since, until, count, score, events, evidence FROM bans ORDER BY target");
  if (!q.ok()) return Error("reading bans");
  *refused = 0;
  while (sqlite3_step(q.get()) == SQLITE_ROW) {
    auto target = Cidr::Parse(Text(q.get(), 0));
    auto source = IpAddress::Parse(Text(q.get(), 1));
    StoredBan ban;
    if (target && source && ValidateBanTarget(*target).ok() && IsPlainReason(Text(q.get(), 2))) {
      ban = StoredBan{*target, *source, std::string(Text(q.get(), 2)), sqlite3_column_int64(q.get(), 3),
                      sqlite3_column_int64(q.get(), 4), sqlite3_column_int(q.get(), 5), sqlite3_column_int(q.get(), 6),
                      uint32_t(std::clamp<int64_t>(sqlite3_column_int64(q.get(), 7), 0, UINT32_MAX)),
                      std::string(Text(q.get(), 8).substr(0, kMaxEvidence))};
    }
    if (ban.reason.empty() || ban.until <= ban.since || !PlausibleLogTime(ban.since) || !PlausibleLogTime(ban.until) ||
        ban.count < 1 || ban.score < 0 || ban.score > 100) {
      ++*refused;
      continue;
    }
    bans->push_back(std::move(ban));
  }
  return Status::Ok();
}

Status StateStore::LoadHistory(std::vector<std::pair<Cidr, int>>* history) {
  Stmt q(db_, "SELECT target, bans FROM history");
  if (!q.ok()) return Error("reading history");
  while (sqlite3_step(q.get()) == SQLITE_ROW) {
    auto target = Cidr::Parse(Text(q.get(), 0));
    if (target) history->emplace_back(*target, sqlite3_column_int(q.get(), 1));
  }
  return Status::Ok();
}

Status StateStore::LoadCheckpoints(std::vector<Checkpoint>* checkpoints) {
  Stmt q(db_, "SELECT dev, ino, fingerprint, offset, complete, path FROM checkpoints ORDER BY path");
  if (!q.ok()) return Error("reading checkpoints");
  while (sqlite3_step(q.get()) == SQLITE_ROW) {
    checkpoints->push_back(Checkpoint{uint64_t(sqlite3_column_int64(q.get(), 0)),
                                      uint64_t(sqlite3_column_int64(q.get(), 1)), std::string(Text(q.get(), 5)),
                                      std::string(Blob(q.get(), 2)), uint64_t(sqlite3_column_int64(q.get(), 3)),
                                      sqlite3_column_int(q.get(), 4) != 0});
  }
  return Status::Ok();
}

Status StateStore::LoadBuckets(std::vector<StoredBucket>* buckets, size_t* refused) {
  Stmt q(db_, "SELECT client, scenario, last, blackhole_until, tokens, poured, distinct_values FROM buckets");
  if (!q.ok()) return Error("reading buckets");
  *refused = 0;
  while (sqlite3_step(q.get()) == SQLITE_ROW) {
    std::string_view client = Blob(q.get(), 0);
    if (client.size() != 16) continue;
    StoredBucket b;
    std::array<uint8_t, 16> bytes;
    std::memcpy(bytes.data(), client.data(), 16);
    b.client = IpAddress::FromBytes(bytes);
    b.scenario = std::string(Text(q.get(), 1));
    b.last = sqlite3_column_int64(q.get(), 2);
    b.blackhole_until = sqlite3_column_int64(q.get(), 3);
    b.tokens = sqlite3_column_double(q.get(), 4);
    b.poured = uint32_t(sqlite3_column_int64(q.get(), 5));
    if (!PlausibleLogTime(b.last) || !PlausibleLogTime(b.blackhole_until) || !std::isfinite(b.tokens)) {
      ++*refused;
      continue;
    }
    std::string_view d = Blob(q.get(), 6);
    b.distinct.resize(d.size() / 4);
    if (!b.distinct.empty()) std::memcpy(b.distinct.data(), d.data(), b.distinct.size() * 4);  // an empty blob is NULL
    buckets->push_back(std::move(b));
  }
  return Status::Ok();
}

Status StateStore::LoadClock(LogTime* clock) {
  Stmt q(db_, "SELECT value FROM meta WHERE key = 'clock'");
  *clock = 0;
  if (q.ok() && sqlite3_step(q.get()) == SQLITE_ROW) *clock = sqlite3_column_int64(q.get(), 0);
  if (!PlausibleLogTime(*clock)) *clock = 0;  // damage: as if none was saved
  return Status::Ok();
}

Status StateStore::LoadLastRun(LogTime* saved) {
  Stmt q(db_, "SELECT value FROM meta WHERE key = 'saved'");
  *saved = 0;
  if (q.ok() && sqlite3_step(q.get()) == SQLITE_ROW) *saved = sqlite3_column_int64(q.get(), 0);
  return Status::Ok();
}

Status StateStore::CountRows(std::string_view table, int64_t* rows) {
  if (table != "buckets" && table != "history" && table != "actions") return Status::Error("no such table");
  Stmt q(db_, fmt::format("SELECT count(*) FROM {}", table).c_str());
  if (!q.ok() || sqlite3_step(q.get()) != SQLITE_ROW) return Error("counting rows");
  *rows = sqlite3_column_int64(q.get(), 0);
  return Status::Ok();
}

Status StateStore::PutAction(const PendingAction& a) {
  std::string target = a.target.ToString();
  Stmt put(db_, "INSERT OR REPLACE INTO actions VALUES (?, ?, ?, ?, ?)");
  sqlite3_bind_text(put.get(), 1, a.ban ? "ban" : "unban", -1, SQLITE_STATIC);
  sqlite3_bind_text(put.get(), 2, target.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(put.get(), 3, a.reason.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(put.get(), 4, a.duration_s);
  sqlite3_bind_int64(put.get(), 5, a.until);
  return sqlite3_step(put.get()) == SQLITE_DONE ? Status::Ok() : Error("saving a pending action");
}

Status StateStore::ActionDone(const PendingAction& a) {
  std::string target = a.target.ToString();
  Stmt del(db_, "DELETE FROM actions WHERE kind = ? AND target = ? AND until = ?");
  sqlite3_bind_text(del.get(), 1, a.ban ? "ban" : "unban", -1, SQLITE_STATIC);
  sqlite3_bind_text(del.get(), 2, target.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(del.get(), 3, a.until);
  return sqlite3_step(del.get()) == SQLITE_DONE ? Status::Ok() : Error("marking an action done");
}

Status StateStore::LoadPendingActions(std::vector<PendingAction>* actions, size_t* refused) {
  Stmt q(db_, "SELECT kind, target, reason, duration, until FROM actions ORDER BY rowid");
  if (!q.ok()) return Error("reading pending actions");
  *refused = 0;
  while (sqlite3_step(q.get()) == SQLITE_ROW) {
    std::string_view kind = Text(q.get(), 0);
    auto target = Cidr::Parse(Text(q.get(), 1));
    if ((kind != "ban" && kind != "unban") || !target || !ValidateBanTarget(*target).ok() ||
        !IsPlainReason(Text(q.get(), 2)) || sqlite3_column_int64(q.get(), 3) < 0 ||
        !PlausibleLogTime(sqlite3_column_int64(q.get(), 4))) {
      ++*refused;
      continue;
    }
    actions->push_back(PendingAction{kind == "ban", *target, std::string(Text(q.get(), 2)),
                                     sqlite3_column_int64(q.get(), 3), sqlite3_column_int64(q.get(), 4)});
  }
  return Status::Ok();
}

Status StateStore::PutBan(const StoredBan& b, const PendingAction* action) {
  if (Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  std::string target = b.target.ToString(), source = b.source.ToString();
  Stmt put(db_, "INSERT OR REPLACE INTO bans (target, source, reason, since, until, count, score, events, evidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  sqlite3_bind_text(put.get(), 1, target.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(put.get(), 2, source.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(put.get(), 3, b.reason.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(put.get(), 4, b.since);
  sqlite3_bind_int64(put.get(), 5, b.until);
  sqlite3_bind_int(put.get(), 6, b.count);
  sqlite3_bind_int(put.get(), 7, b.score);
  sqlite3_bind_int64(put.get(), 8, b.events);
  const std::string_view evidence = std::string_view(b.evidence).substr(0, kMaxEvidence);
  sqlite3_bind_text(put.get(), 9, evidence.data(), int(evidence.size()), SQLITE_TRANSIENT);
  Stmt hist(db_, "INSERT INTO history VALUES (?, ?) ON CONFLICT(target) DO UPDATE SET bans = max(bans, excluded.bans)");
  sqlite3_bind_text(hist.get(), 1, target.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(hist.get(), 2, b.count);
  if (sqlite3_step(put.get()) != SQLITE_DONE || sqlite3_step(hist.get()) != SQLITE_DONE) {
    Status s = Error("saving a ban");
    (void)Exec("ROLLBACK");
    return s;
  }
  if (action) {
    if (Status s = PutAction(*action); !s.ok()) {
      (void)Exec("ROLLBACK");
      return s;
    }
  }
  return Exec("COMMIT");
}

Status StateStore::DeleteBan(const Cidr& target, const PendingAction* action) {
  if (Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  std::string t = target.ToString();
  Stmt del(db_, "DELETE FROM bans WHERE target = ?");
  sqlite3_bind_text(del.get(), 1, t.c_str(), -1, SQLITE_TRANSIENT);
  Status s = sqlite3_step(del.get()) == SQLITE_DONE ? Status::Ok() : Error("removing a ban");
  if (s.ok() && action) s = PutAction(*action);
  if (!s.ok()) {
    (void)Exec("ROLLBACK");
    return s;
  }
  return Exec("COMMIT");
}

Status StateStore::SaveRun(const std::vector<Checkpoint>& checkpoints, const std::vector<StoredBucket>& buckets,
                           LogTime clock, const std::vector<std::pair<std::string, std::string>>& models) {
  if (Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  bool ok = Exec("DELETE FROM buckets").ok();
  {
    Stmt put(db_, "INSERT OR REPLACE INTO checkpoints (dev, ino, fingerprint, offset, complete, path) "
                  "VALUES (?, ?, ?, ?, ?, ?)");
    for (const Checkpoint& c : checkpoints) {
      if (!ok) break;
      sqlite3_reset(put.get());
      sqlite3_bind_int64(put.get(), 1, int64_t(c.dev));
      sqlite3_bind_int64(put.get(), 2, int64_t(c.ino));
      sqlite3_bind_blob(put.get(), 3, c.fingerprint.data(), int(c.fingerprint.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(put.get(), 4, int64_t(c.offset));
      sqlite3_bind_int(put.get(), 5, c.complete ? 1 : 0);
      sqlite3_bind_text(put.get(), 6, c.path.c_str(), -1, SQLITE_TRANSIENT);
      ok = sqlite3_step(put.get()) == SQLITE_DONE;
    }
  }
  {
    Stmt put(db_, "INSERT OR REPLACE INTO buckets VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const StoredBucket& b : buckets) {
      if (!ok) break;
      sqlite3_reset(put.get());
      sqlite3_bind_blob(put.get(), 1, b.client.bytes().data(), 16, SQLITE_TRANSIENT);
      sqlite3_bind_text(put.get(), 2, b.scenario.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(put.get(), 3, b.last);
      sqlite3_bind_int64(put.get(), 4, b.blackhole_until);
      sqlite3_bind_double(put.get(), 5, b.tokens);
      sqlite3_bind_int64(put.get(), 6, b.poured);
      sqlite3_bind_blob(put.get(), 7, b.distinct.data(), int(b.distinct.size() * 4), SQLITE_TRANSIENT);
      ok = sqlite3_step(put.get()) == SQLITE_DONE;
    }
  }
  {
    Stmt put(db_, "INSERT OR REPLACE INTO models VALUES (?, ?)");
    for (const auto& [name, data] : models) {
      if (!ok) break;
      sqlite3_reset(put.get());
      sqlite3_bind_text(put.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_blob(put.get(), 2, data.data(), int(data.size()), SQLITE_TRANSIENT);
      ok = sqlite3_step(put.get()) == SQLITE_DONE;
    }
  }
  if (ok) {
    Stmt put(db_, "INSERT OR REPLACE INTO meta VALUES ('clock', ?), ('saved', ?)");
    sqlite3_bind_int64(put.get(), 1, clock);
    sqlite3_bind_int64(put.get(), 2, WallClock());
    ok = sqlite3_step(put.get()) == SQLITE_DONE;
  }
  if (!ok) {
    Status s = Error("saving the run");
    (void)Exec("ROLLBACK");
    return s;
  }
  return Exec("COMMIT");
}

}  // namespace defender
