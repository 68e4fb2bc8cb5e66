// Activity: what serve's dashboard shows of the pipeline's last hour, kept
// on the pipeline's thread at a fixed cost: requests, alerts and bans per
// minute of log time for the last kMinutes minutes (a ring), the last
// kRecent alerts and bans with the line that decided each, and per
// scenario its alerts and bans. AppendJson() writes it for /api/activity.
// Bounded; not thread-safe (the API reaches it through a task).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include <fmt/format.h>

#include "core/decision.h"
#include "core/log_time.h"

namespace defender {

class Activity {
 public:
  static constexpr size_t kMinutes = 60, kRecent = 50, kMaxEvidence = 2048;

  void OnRecord(LogTime time) {
    if (Minute* m = At(time)) ++m->requests;
  }
  void OnDecision(const Decision& d);
  // {"minutes":[...],"recent":[...],"scenarios":[...]}, up to `now`.
  void AppendJson(fmt::memory_buffer& out, LogTime now) const;

 private:
  struct Minute {
    int64_t minute = -1;  // which minute this slot holds
    uint64_t requests = 0, alerts = 0, bans = 0;
  };
  struct Recent {
    LogTime time;
    bool ban;
    std::string scenario, target, evidence, host, node;
    int score;
  };
  // The slot of `time`'s minute, emptied if it held an older one; nullptr
  // for a minute older than what the slot holds.
  Minute* At(LogTime time);

  std::array<Minute, kMinutes> minutes_{};
  std::deque<Recent> recent_;  // newest first
  std::map<std::string, std::pair<uint64_t, uint64_t>, std::less<>> scenarios_;  // alerts, bans
};

}  // namespace defender
