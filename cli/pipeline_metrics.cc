// What the pipeline counts, for people: the --stats report on stderr,
// /metrics (the Prometheus text format, core/prometheus_text.h) and the
// dashboard's /api/activity. Part of Pipeline (cli/pipeline.h).
#include <fmt/format.h>

#include "cli/pipeline.h"
#include "core/json.h"
#include "core/prometheus_text.h"
#include "core/thread_cpu.h"

namespace defender {

void Pipeline::Report(double seconds) {
  fmt::memory_buffer report;
  auto it = std::back_inserter(report);
  stats_.AppendReport(report, seconds, ThreadCpuSeconds());  // this is Run()'s thread
  const auto& c = engine_.counters();
  fmt::format_to(it, "defender-scan: stats: bans {}, unbans {}, suppressed alerts {}, active bans {}\n", c.bans,
                 c.unbans, c.suppressed, engine_.active().size());
  fmt::format_to(it, "defender-scan: stats: signature databases: {}\n", detector_->signature_origin());
  if (uint64_t errors = detector_->signature_scan_errors()) {
    fmt::format_to(it, "defender-scan: stats: signature scans failed: {} (those fields were not matched)\n", errors);
  }
  fmt::format_to(it, "defender-scan: stats: buckets {} (cap {}), evicted {}\n", detector_->table().size(),
                 detector_->table().max_buckets(), detector_->table().evictions());
  if (const BehaviourModel* b = detector_->behaviour()) {
    fmt::format_to(it, "defender-scan: stats: behaviour model: client windows {} (cap {}), evicted {}, learned {:.0f}{}, "
                   "scored {}, alerts {}\n", b->clients(), b->options().max_clients, b->evictions(),
                   b->baseline().windows(),
                   b->learning() ? fmt::format(" (still learning: nothing scored before {:.0f})", b->options().warmup_windows)
                                 : std::string(),
                   b->scored(), b->alerts());
  }
  if (config_.verify_crawlers) {
    const auto& k = crawler_check_.counters();
    fmt::format_to(it, "defender-scan: stats: crawler claims checked by DNS {}, verified {}, not verified {}, "
                   "over the lookup budget {}\n", k.lookups, k.verified, k.not_verified, k.over_budget);
  }
  ReportFleet(report);
  const auto& scenarios = detector_->scenarios();
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const auto& sc = detector_->counters()[i];
    if (sc.events == 0 && sc.alerts == 0) continue;
    fmt::format_to(it, "defender-scan: stats: scenario {}: events {}, alerts {}\n", scenarios[i].name,
                   sc.events, sc.alerts);
  }
  fmt::print(stderr, "{}", fmt::to_string(report));
}

void Pipeline::AppendMetrics(std::string* out) {
  PrometheusText m(out);
  m.Family("lines_total", "counter", "Log lines read (including those given to /api/analyze).");
  m.Sample("lines_total", stats_.lines);
  m.Family("lines_rejected_total", "counter", "Log lines not parsed, by reason.");
  for (size_t r = 1; r < stats_.rejects.size(); ++r) {
    m.Sample("lines_rejected_total", stats_.rejects[r], {{"reason", RejectName(Reject(r))}});
  }
  if (!options_.syslog_listen.empty()) {
    const SyslogCounters& s = stats_.syslog;
    m.Family("syslog_messages_total", "counter", "Syslog messages received (UDP datagrams, TCP frames), by what became of them.");
    m.Sample("syslog_messages_total", s.received - s.not_allowed - s.malformed, {{"outcome", "accepted"}});
    m.Sample("syslog_messages_total", s.not_allowed, {{"outcome", "not_allowed"}});
    m.Sample("syslog_messages_total", s.malformed, {{"outcome", "malformed"}});
    m.Sample("syslog_messages_total", s.overflowed, {{"outcome", "buffer_full"}});
  }
  const auto& scenarios = detector_->scenarios();
  m.Family("scenario_events_total", "counter", "Events counted in each scenario's buckets.");
  for (size_t i = 0; i < scenarios.size(); ++i) {
    m.Sample("scenario_events_total", detector_->counters()[i].events, {{"scenario", scenarios[i].name}});
  }
  m.Family("alerts_total", "counter", "Bucket overflows, by scenario.");
  for (size_t i = 0; i < scenarios.size(); ++i) {
    m.Sample("alerts_total", detector_->counters()[i].alerts, {{"scenario", scenarios[i].name}});
  }
  m.Family("bans_total", "counter", "Bans decided, by scenario (or the reason given to /api/block).");
  for (const auto& [reason, n] : bans_by_reason_) m.Sample("bans_total", n, {{"scenario", reason}});
  const auto& c = engine_.counters();
  m.Family("unbans_total", "counter", "Bans that ended (expired or lifted).");
  m.Sample("unbans_total", c.unbans);
  m.Family("suppressed_alerts_total", "counter", "Alerts that did not become bans (allowlist, simulate, already banned).");
  m.Sample("suppressed_alerts_total", c.suppressed);
  m.Family("active_bans", "gauge", "Bans in force.");
  m.Sample("active_bans", engine_.active().size());
  m.Family("tracked_buckets", "gauge", "Open leaky buckets (one per client and scenario).");
  m.Sample("tracked_buckets", detector_->table().size());
  m.Family("bucket_evictions_total", "counter", "Buckets evicted because the client table was full.");
  m.Sample("bucket_evictions_total", detector_->table().evictions());
  if (const BehaviourModel* b = detector_->behaviour()) {
    m.Family("behaviour_windows", "gauge", "Client windows the behaviour model follows.");
    m.Sample("behaviour_windows", b->clients());
    m.Family("behaviour_learned_windows", "gauge", "Ended client windows in the behaviour baseline (after fading).");
    m.Sample("behaviour_learned_windows", uint64_t(b->baseline().windows()));
    m.Family("behaviour_scored_total", "counter", "Client windows scored by the behaviour model.");
    m.Sample("behaviour_scored_total", b->scored());
  }
  m.Family("clock_seconds", "gauge", "The pipeline's clock (log time).");
  m.Sample("clock_seconds", engine_.now() / kSecond);
  AppendFleetMetrics(m);
}

void Pipeline::AppendActivity(std::string* out) {
  fmt::memory_buffer json;
  auto it = std::back_inserter(json);
  fmt::format_to(it, "{{\"clock\":\"{}\",\"lines\":{},\"active_bans\":{},\"inputs\":[", FormatIso8601(engine_.now()),
                 stats_.lines, engine_.active().size());
  for (size_t i = 0; i < inputs_.size(); ++i) {
    json.append(std::string_view(i ? ",{\"name\":" : "{\"name\":"));
    AppendJsonString(json, inputs_[i].name);
    fmt::format_to(it, ",\"lines\":{},\"open\":{}}}", inputs_[i].line_no, inputs_[i].done ? "false" : "true");
  }
  json.append(std::string_view("],\"fleet\":"));
  if (fleet_) {
    const FleetCounters c = fleet_->counters();
    json.append(std::string_view("{\"redis\":"));
    AppendJsonString(json, fleet_->url().Display());
    fmt::format_to(it, ",\"connected\":{},\"queued\":{},\"published\":{},\"received\":{},\"refused\":{}}}",
                   c.connected, c.queued, c.published, c.received, c.refused);
  } else {
    json.append(std::string_view("null"));
  }
  json.append(std::string_view(",\"activity\":"));
  activity_.AppendJson(json, engine_.now());
  json.push_back('}');
  out->append(json.data(), json.size());
}

}  // namespace defender
