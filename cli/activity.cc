#include "cli/activity.h"

#include <algorithm>
#include <vector>

#include "core/json.h"

namespace defender {

Activity::Minute* Activity::At(LogTime time) {
  const int64_t minute = time / (60 * kSecond);
  Minute& m = minutes_[size_t(minute % int64_t(kMinutes))];
  if (m.minute > minute) return nullptr;
  if (m.minute < minute) m = Minute{minute};
  return &m;
}

void Activity::OnDecision(const Decision& d) {
  if (d.action == DecisionAction::kUnban || d.restored) return;
  const bool ban = d.action == DecisionAction::kBan;
  if (Minute* m = At(d.time)) {
    ++m->alerts;  // every alert, whether it banned or not
    if (ban) ++m->bans;
  }
  auto it = scenarios_.find(d.reason);
  if (it == scenarios_.end()) it = scenarios_.emplace(std::string(d.reason), std::pair<uint64_t, uint64_t>{}).first;
  ++it->second.first;
  if (ban) ++it->second.second;
  recent_.push_front(Recent{d.time, ban, std::string(d.reason), d.target.ToString(),
                            std::string(d.evidence.substr(0, kMaxEvidence)), std::string(d.host_name),
                            std::string(d.fleet_node), d.score});
  if (recent_.size() > kRecent) recent_.pop_back();
}

void Activity::AppendJson(fmt::memory_buffer& out, LogTime now) const {
  auto it = std::back_inserter(out);
  auto str = [&](std::string_view s) { AppendJsonString(out, s); };
  const int64_t last = now / (60 * kSecond);
  out.append(std::string_view("{\"minutes\":["));
  for (int64_t minute = last - int64_t(kMinutes) + 1; minute <= last; ++minute) {
    const Minute& m = minutes_[size_t(((minute % int64_t(kMinutes)) + int64_t(kMinutes)) % int64_t(kMinutes))];
    const bool held = m.minute == minute;
    fmt::format_to(it, "{}{{\"start\":\"{}\",\"requests\":{},\"alerts\":{},\"bans\":{}}}",
                   minute == last - int64_t(kMinutes) + 1 ? "" : ",", FormatIso8601(minute * 60 * kSecond),
                   held ? m.requests : 0, held ? m.alerts : 0, held ? m.bans : 0);
  }
  out.append(std::string_view("],\"recent\":["));
  for (size_t i = 0; i < recent_.size(); ++i) {
    const Recent& r = recent_[i];
    fmt::format_to(it, "{}{{\"time\":\"{}\",\"action\":\"{}\",\"scenario\":", i ? "," : "", FormatIso8601(r.time),
                   r.ban ? "ban" : "alert");
    str(r.scenario);
    out.append(std::string_view(",\"target\":"));
    str(r.target);
    fmt::format_to(it, ",\"score\":{},\"host\":", r.score);
    str(r.host);
    out.append(std::string_view(",\"node\":"));
    str(r.node);
    out.append(std::string_view(",\"evidence\":"));
    str(r.evidence);
    out.push_back('}');
  }
  out.append(std::string_view("],\"scenarios\":["));
  std::vector<std::pair<std::string_view, std::pair<uint64_t, uint64_t>>> ranked(scenarios_.begin(), scenarios_.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  for (size_t i = 0; i < ranked.size() && i < 10; ++i) {
    out.append(std::string_view(i ? ",{\"name\":" : "{\"name\":"));
    str(ranked[i].first);
    fmt::format_to(it, ",\"alerts\":{},\"bans\":{}}}", ranked[i].second.first, ranked[i].second.second);
  }
  out.append(std::string_view("]}"));
}

}  // namespace defender
