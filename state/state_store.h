// StateStore: the SQLite state database (--state). It holds the active bans
// and the ban history (for escalation), the input checkpoints (file identity
// and offset) and the open buckets, so that a run can continue exactly where
// the last one stopped. WAL mode; every ban is committed when it is decided,
// before it is reported, so kill -9 loses no reported ban. One run at a time:
// Open() takes an exclusive lock on the database, waiting up to `wait_ms`
// (serve mode releases it while it runs).
// Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/cidr.h"
#include "core/log_time.h"
#include "core/status.h"

struct sqlite3;

namespace defender {

struct StoredBan {
  Cidr target;
  IpAddress source;
  std::string reason;
  LogTime since = 0, until = 0;
  int count = 1;
  int score = 0;
  uint32_t events = 0;   // the events in the bucket that overflowed
  std::string evidence;  // the log line that decided it, at most kMaxEvidence bytes
};
inline constexpr size_t kMaxEvidence = 2048;

// An action (--on-ban, --on-unban) committed with its ban or unban and
// removed once it has run, so that one a crash interrupted runs after the
// restart: every committed decision reaches its action.
struct PendingAction {
  bool ban = true;  // or an unban
  Cidr target;
  std::string reason;
  int64_t duration_s = 0;
  LogTime until = 0;
};

struct Checkpoint {
  uint64_t dev = 0, ino = 0;
  std::string path;         // the name it was read by (for `status`)
  std::string fingerprint;  // the first bytes of the file
  uint64_t offset = 0;      // where the next run starts (a line boundary)
  bool complete = false;    // a compressed file read to its end
};

struct StoredBucket {
  IpAddress client;  // the client key (an address or an IPv6 prefix's address)
  std::string scenario;
  LogTime last = 0;  // when the bucket held `tokens` (the run's last log time)
  LogTime blackhole_until = 0;
  double tokens = 0;
  uint32_t poured = 0;
  std::vector<uint32_t> distinct;  // hashes of the distinct values seen
};

class StateStore {
 public:
  ~StateStore();
  static StatusOr<std::unique_ptr<StateStore>> Open(const std::string& path, int wait_ms);
  // The same for a database that must exist already (`bans list`, `status`):
  // a typo in the path must not look like an empty state.
  static StatusOr<std::unique_ptr<StateStore>> OpenExisting(const std::string& path, int wait_ms);

  // Serve mode holds the lock only while it reads the state at start and
  // saves it at exit; meanwhile `bans` and cron runs may use the database,
  // and single statements (a ban, an unban) are SQLite's own transactions.
  void Unlock();
  Status Lock(int wait_ms);

  // Rows are input like any other: a ban whose target fails
  // ValidateBanTarget (everything, loopback, too wide), whose reason is not
  // a plain name or whose times make no sense is left out and counted in
  // *refused.
  Status LoadBans(std::vector<StoredBan>* bans, size_t* refused);
  Status LoadHistory(std::vector<std::pair<Cidr, int>>* history);
  Status LoadCheckpoints(std::vector<Checkpoint>* checkpoints);
  // A bucket whose times no log can hold (PlausibleLogTime) or whose tokens
  // are not a number is left out and counted in *refused.
  Status LoadBuckets(std::vector<StoredBucket>* buckets, size_t* refused);
  // 0 if none was saved, or if the saved one is no time a log can hold.
  Status LoadClock(LogTime* clock);
  // When the last run saved its state (wall clock; 0 if none has).
  Status LoadLastRun(LogTime* saved);
  // How many rows `table` (buckets, history, actions) has.
  Status CountRows(std::string_view table, int64_t* rows);

  // Each committed at once, in one transaction with `action` if not null.
  Status PutBan(const StoredBan& ban, const PendingAction* action = nullptr);
  Status DeleteBan(const Cidr& target, const PendingAction* action = nullptr);
  // Pending actions, oldest first; rows that fail validation are left out
  // and counted in *refused.
  Status LoadPendingActions(std::vector<PendingAction>* actions, size_t* refused);
  Status ActionDone(const PendingAction& action);

  // The end of a run: checkpoints, buckets, the clock and the models (name,
  // data) replace the stored ones in one transaction.
  Status SaveRun(const std::vector<Checkpoint>& checkpoints, const std::vector<StoredBucket>& buckets,
                 LogTime clock, const std::vector<std::pair<std::string, std::string>>& models = {});
  // A learned model saved by SaveRun under `name` (the behaviour model's
  // baseline and windows), or empty.
  Status LoadModel(std::string_view name, std::string* data);

  const std::string& path() const { return path_; }

 private:
  StateStore() = default;
  StateStore(const StateStore&) = delete;  // owns the database handle and the lock
  StateStore& operator=(const StateStore&) = delete;
  Status Exec(const char* sql);
  Status Error(std::string_view what);
  Status Migrate();  // an older schema's tables get the newer columns
  Status PutAction(const PendingAction& action);  // inside the caller's transaction

  std::string path_;
  sqlite3* db_ = nullptr;
  int lock_fd_ = -1;
};

}  // namespace defender
