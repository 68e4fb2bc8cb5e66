// ReportCollector: what `defender-scan report` shows, gathered during a dry
// run at a small, fixed cost a line: requests, alerts and bans per minute of
// log time, responses by status, and per client (ban target) its alerts,
// bans, scenarios, first and last time and the line that decided it. Bounded:
// at most kMaxClients clients are followed (later ones are counted, not
// listed) and the minutes of a month of logs are a few MB. Rendered by
// report_render.h. Not thread-safe (the pipeline's thread).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "core/cidr.h"
#include "core/decision.h"
#include "core/log_time.h"

namespace defender {

struct ReportMinute {
  uint64_t requests = 0, alerts = 0, bans = 0;  // alerts: every one, bans among them
};

struct ReportClient {
  LogTime first = 0, last = 0;
  uint64_t alerts = 0, bans = 0, events = 0;
  int score = 0;
  std::vector<std::string> scenarios;  // at most kMaxScenarios, in the order first seen
  std::string evidence;                // the line that decided its first ban (or first alert)
  std::string host;                    // the server that logged it (syslog), if known
  std::string anomaly;                 // why behaviour-anomaly found it unusual (DescribeAnomaly), if it did
};

struct ReportScenario {
  uint64_t alerts = 0, bans = 0;
  std::map<int64_t, uint64_t> alerts_by_minute;
};

class ReportCollector {
 public:
  static constexpr size_t kMaxClients = 100000;
  static constexpr size_t kMaxScenarios = 8;

  // A line that was parsed and detected (not skipped as late or future).
  void OnRecord(LogTime time, int status) {
    const int64_t minute = time / (60 * kSecond);
    if (minute != last_minute_ || current_ == nullptr) {
      current_ = &minutes_[minute];
      last_minute_ = minute;
    }
    ++current_->requests;
    ++statuses_[status >= 0 && status < 600 ? status : 0];
  }
  void OnDecision(const Decision& d);

  const absl::flat_hash_map<int64_t, ReportMinute>& minutes() const { return minutes_; }
  const std::array<uint64_t, 600>& statuses() const { return statuses_; }
  const absl::flat_hash_map<Cidr, ReportClient>& clients() const { return clients_; }
  const std::map<std::string, ReportScenario>& scenarios() const { return scenarios_; }
  uint64_t clients_not_followed() const { return clients_not_followed_; }

 private:
  absl::flat_hash_map<int64_t, ReportMinute> minutes_;
  ReportMinute* current_ = nullptr;  // minutes_[last_minute_]: the next line is most likely in it
  int64_t last_minute_ = 0;
  std::array<uint64_t, 600> statuses_{};
  absl::flat_hash_map<Cidr, ReportClient> clients_;
  std::map<std::string, ReportScenario> scenarios_;
  uint64_t clients_not_followed_ = 0;
};

}  // namespace defender
