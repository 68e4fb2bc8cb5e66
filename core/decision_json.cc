#include "core/decision_json.h"

#include "core/json.h"
#include "core/log_time.h"

namespace defender {

void AppendDecisionJson(fmt::memory_buffer& out, const Decision& d) {
  auto it = std::back_inserter(out);
  auto str = [&](std::string_view s) { AppendJsonString(out, s); };
  out.append(std::string_view("{\"@timestamp\":\""));
  AppendIso8601(out, d.time);
  std::string_view kind = d.action == DecisionAction::kUnban ? "event" : "alert";
  std::string_view action = d.action == DecisionAction::kBan     ? "ban"
                            : d.action == DecisionAction::kUnban ? "unban"
                                                                 : "detect";
  fmt::format_to(it, "\",\"event\":{{\"kind\":\"{}\",\"action\":\"{}\"}},\"rule\":{{\"name\":", kind, action);
  str(d.reason);
  if (!d.client_name.empty()) {  // a client logged by host name
    out.append(std::string_view("},\"source\":{\"domain\":"));
    str(d.client_name);
    out.append(std::string_view("},"));
  } else {
    out.append(std::string_view("},\"source\":{\"ip\":\""));
    d.source.AppendTo(out);
    out.append(std::string_view("\"},"));
  }
  if (!d.host_name.empty()) {  // the server that logged the deciding line (syslog input)
    out.append(std::string_view("\"host\":{\"name\":"));
    str(d.host_name);
    out.append(std::string_view("},"));
  }
  out.append(std::string_view("\"defender\":{"));
  if (d.action != DecisionAction::kUnban) fmt::format_to(it, "\"events_count\":{},", d.events_count);
  fmt::format_to(it, "\"score\":{}", d.score);
  if (d.action == DecisionAction::kDetect) {
    out.append(std::string_view(",\"suppressed\":"));
    str(d.suppressed);
  } else {
    fmt::format_to(it, ",\"decision\":{{\"scope\":\"{}\",\"value\":\"", d.target.is_host() ? "ip" : "range");
    d.target.AppendTo(out);
    fmt::format_to(it, "\",\"duration_s\":{},\"until\":\"", d.duration_s);
    AppendIso8601(out, d.until);
    fmt::format_to(it, "\",\"ban_count\":{}}}", d.ban_count);
  }
  if (d.anomaly != nullptr) {  // the behaviour model's alert: why
    const AnomalyExplanation& a = *d.anomaly;
    fmt::format_to(it, ",\"anomaly\":{{\"score\":{:.1f},\"requests\":{},\"window_s\":{},\"features\":[", a.score,
                   a.requests, a.window_s);
    for (int i = 0; i < a.count; ++i) {
      const AnomalyExplanation::Feature& f = a.features[i];
      fmt::format_to(it, "{}{{\"name\":\"{}\",\"value\":{:.3g},\"site\":{:.3g},\"z\":{:.1f}}}", i ? "," : "",
                     f.name, f.value, f.site, f.z);
    }
    out.append(std::string_view("]}"));
  }
  if (!d.fleet_node.empty()) {  // decided by another node of the fleet
    out.append(std::string_view(",\"node\":"));
    str(d.fleet_node);
  }
  out.append(std::string_view("}}"));
}

}  // namespace defender
