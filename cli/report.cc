#include "cli/report.h"

#include <algorithm>

namespace defender {

namespace {
constexpr size_t kMaxEvidence = 2048;
}

void ReportCollector::OnDecision(const Decision& d) {
  if (d.action == DecisionAction::kUnban || d.restored) return;
  const bool ban = d.action == DecisionAction::kBan;
  const int64_t minute = d.time / (60 * kSecond);
  ReportMinute& m = minutes_[minute];
  current_ = nullptr;  // the insert may have moved it
  // Every alert counts, whether it banned or not (allowlisted, simulated,
  // already banned).
  ++m.alerts;
  if (ban) ++m.bans;
  ReportScenario& scenario = scenarios_[std::string(d.reason)];
  ++scenario.alerts;
  ++scenario.alerts_by_minute[minute];
  if (ban) ++scenario.bans;
  auto it = clients_.find(d.target);
  if (it == clients_.end()) {
    if (clients_.size() >= kMaxClients) {
      ++clients_not_followed_;
      return;
    }
    it = clients_.emplace(d.target, ReportClient{}).first;
    it->second.first = d.time;
  }
  ReportClient& c = it->second;
  c.first = std::min(c.first, d.time);
  c.last = std::max(c.last, d.time);
  ++c.alerts;
  if (ban) ++c.bans;
  c.events += d.events_count;
  c.score = std::max(c.score, d.score);
  if (std::find(c.scenarios.begin(), c.scenarios.end(), d.reason) == c.scenarios.end() &&
      c.scenarios.size() < kMaxScenarios) {
    c.scenarios.emplace_back(d.reason);
  }
  // The line that decided its first ban; until then, its first alert's.
  if (!d.evidence.empty() && (c.evidence.empty() || (ban && c.bans == 1))) {
    c.evidence.assign(d.evidence.substr(0, kMaxEvidence));
  }
  if (!d.host_name.empty() && c.host.empty()) c.host.assign(d.host_name.substr(0, 255));
  if (d.anomaly != nullptr && c.anomaly.empty()) c.anomaly = DescribeAnomaly(*d.anomaly);
}

}  // namespace defender
