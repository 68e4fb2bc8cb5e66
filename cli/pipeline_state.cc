// The pipeline's state (--state): opening the database, restoring bans,
// history, buckets and checkpoints at start, replaying pending actions,
// taking in what others changed (SyncBans), saving at the end. Part of
// Pipeline (cli/pipeline.h); the store itself is state/state_store.h.
#include <absl/container/flat_hash_set.h>

#include "cli/messages.h"
#include "cli/pipeline.h"
#include "core/log_time.h"

namespace defender {

namespace {

// The behaviour model's row in the state's models table.
constexpr const char* kBehaviourModelName = "behaviour";

}  // namespace

bool Pipeline::OpenState() {
  auto opened = StateStore::Open(options_.state, options_.state_wait_s * 1000);
  if (!opened.ok()) {
    PrintError(opened.status().message());
    return false;
  }
  state_ = std::move(*opened);
  return true;
}

bool Pipeline::RestoreState() {
  std::vector<StoredBan> bans;
  std::vector<std::pair<Cidr, int>> history;
  std::vector<StoredBucket> buckets;
  LogTime clock = 0;
  size_t refused = 0, refused_buckets = 0;
  for (Status s : {state_->LoadBans(&bans, &refused), state_->LoadHistory(&history),
                   state_->LoadBuckets(&buckets, &refused_buckets), state_->LoadCheckpoints(&checkpoints_),
                   state_->LoadClock(&clock)}) {
    if (!s.ok()) {
      PrintError(s.message());
      return false;
    }
  }
  if (refused > 0) {
    PrintWarning(fmt::format("{}: {} ban rows refused (a target that must not be banned, a "
                             "reason that is not a plain name, or impossible times); they are not enforced",
                             options_.state, refused));
  }
  if (refused_buckets > 0) {
    PrintWarning(fmt::format("{}: {} bucket rows refused (impossible times or tokens); those clients' counts start anew",
                             options_.state, refused_buckets));
  }
  // The actions a crash left pending, read before this run adds its own.
  std::vector<PendingAction> pending;
  if (Status s = state_->LoadPendingActions(&pending, &refused); !s.ok()) {
    PrintError(s.message());
    return false;
  }
  if (refused > 0) {
    PrintWarning(fmt::format("{}: {} pending action rows refused (not run)", options_.state,
                             refused));
  }
  for (const auto& [target, n] : history) engine_.RestoreHistory(target, n);
  for (const StoredBan& b : bans) {
    decisions_.push_back(engine_.Restore(b.target, b.source, b.reason, b.since, b.until, b.count, b.score));
  }
  for (const StoredBucket& b : buckets) {
    int index = detector_->ScenarioIndex(b.scenario);
    if (index < 0) continue;  // a scenario the configuration no longer has
    LeakyBucket bucket;
    bucket.blackhole_until = b.blackhole_until;
    bucket.SetTokens(b.last, b.tokens, detector_->scenarios()[size_t(index)].settings);
    bucket.last = b.last;
    bucket.poured = b.poured;
    detector_->mutable_table().Restore(b.client, uint16_t(index), bucket, b.distinct);
  }
  // Pending actions first: a ban whose action never ran, and which ended
  // meanwhile, gets its ban action before the unban below, never after it
  // (that would leave a firewall rule nothing lifts).
  ReplayPendingActions(pending);
  RestoreBehaviour();
  last_log_time_ = clock;
  last_line_wall_ = std::chrono::steady_clock::now();
  engine_.Advance(clock, &decisions_);  // bans that ended while nobody ran
  Deliver();
  return true;
}

void Pipeline::RestoreBehaviour() {
  BehaviourModel* model = detector_->behaviour();
  if (model == nullptr) return;
  std::string data;
  Status s = state_->LoadModel(kBehaviourModelName, &data);
  if (s.ok() && !data.empty()) s = model->Parse(data);
  if (!s.ok()) PrintWarning(fmt::format("{}: {}", options_.state, s.message()));
}

void Pipeline::ReplayPendingActions(const std::vector<PendingAction>& pending) {
  if (!action_sink_) return;  // no --on-ban/--on-unban this time: they stay pending
  for (const PendingAction& a : pending) {
    Decision d;
    d.action = a.ban ? DecisionAction::kBan : DecisionAction::kUnban;
    d.target = a.target;
    d.source = a.target.address();
    d.reason = a.reason;  // copied by the sink
    d.duration_s = a.duration_s;
    d.until = a.until;
    if (Status s = action_sink_->Apply(d); !s.ok()) {
      PrintError(s.message());
      failed_ = true;
    }
  }
}

void Pipeline::SyncBans() {
  std::vector<StoredBan> bans;
  size_t refused = 0;  // said at start
  if (Status s = state_->LoadBans(&bans, &refused); !s.ok()) {
    PrintError(s.message());
    return;
  }
  absl::flat_hash_set<Cidr> stored, added;
  for (const StoredBan& b : bans) {
    stored.insert(b.target);
    auto it = engine_.active().find(b.target);
    if (it != engine_.active().end() && it->second.until == b.until) continue;
    decisions_.push_back(engine_.Restore(b.target, b.source, b.reason, b.since, b.until, b.count, b.score));
    added.insert(b.target);
  }
  std::vector<Cidr> gone;
  for (const auto& [target, ban] : engine_.active()) {
    if (!stored.contains(target)) gone.push_back(target);
  }
  // An unban commits the same pending row `bans del` did, and runs it.
  for (const Cidr& target : gone) engine_.Unblock(target, &decisions_);
  Deliver();
  // The ban actions of what `bans add` added (this run's own ran when it
  // decided them).
  std::vector<PendingAction> pending;
  if (added.empty()) return;
  if (Status s = state_->LoadPendingActions(&pending, &refused); !s.ok()) {
    PrintError(s.message());
    return;
  }
  std::erase_if(pending, [&](const PendingAction& a) { return !a.ban || !added.contains(a.target); });
  ReplayPendingActions(pending);
}

void Pipeline::SaveState() {
  if (options_.dry_run) return;
  // Runs on current logs (cron) also move the clock to now, so bans expire
  // while the log is quiet; replays of old logs keep their own time.
  LogTime wall = WallClock();
  if (last_log_time_ > 0 && wall > last_log_time_ && wall - last_log_time_ < 86400 * kSecond) {
    engine_.Advance(wall, &decisions_);
    Deliver();
    last_log_time_ = wall;
  }
  std::vector<Checkpoint> checkpoints = checkpoints_;
  for (const Input& in : inputs_) {
    Checkpoint followed;
    if (in.live && in.reader->source().Identify(&followed.dev, &followed.ino, &followed.fingerprint)) {
      followed.offset = in.consumed_offset();
      followed.path = in.name;
      std::erase_if(checkpoints, [&](const Checkpoint& old) { return old.dev == followed.dev && old.ino == followed.ino; });
      checkpoints.push_back(std::move(followed));
      continue;
    }
    if (!in.regular || in.live) continue;
    Checkpoint c{in.dev, in.ino, in.name, in.fingerprint, 0, false};
    if (in.compressed) {
      c.complete = in.done && in.reader->status().ok();
    } else {
      c.offset = in.consumed_offset();
    }
    std::erase_if(checkpoints, [&](const Checkpoint& old) { return old.dev == c.dev && old.ino == c.ino; });
    checkpoints.push_back(std::move(c));
  }
  if (checkpoints.size() > 256) checkpoints.erase(checkpoints.begin(), checkpoints.end() - 256);
  std::vector<StoredBucket> buckets;
  const auto& scenarios = detector_->scenarios();
  detector_->table().ForEach([&](const IpAddress& client, uint16_t scenario, const LeakyBucket& b,
                                 const std::vector<uint32_t>& distinct) {
    if (b.Drained(last_log_time_)) return;  // holds nothing
    buckets.push_back(StoredBucket{client, scenarios[scenario].name, last_log_time_, b.blackhole_until,
                                   b.TokensAt(last_log_time_, scenarios[scenario].settings), b.poured, distinct});
  });
  std::vector<std::pair<std::string, std::string>> models;
  if (const BehaviourModel* model = detector_->behaviour()) models.emplace_back(kBehaviourModelName, model->Serialize());
  Status s = state_->SaveRun(checkpoints, buckets, last_log_time_, models);
  if (!s.ok()) {
    PrintError(s.message());
    failed_ = true;
  }
}

}  // namespace defender
