#include "cli/report_render.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/html.h"
#include "core/json.h"

namespace defender {

namespace {

// The timeline: fixed-width buckets of log time over the minutes seen.
struct Timeline {
  int64_t first = 0;   // minute
  int64_t width = 1;   // minutes a bar
  std::vector<ReportMinute> bars;
};

Timeline MakeTimeline(const ReportCollector& r) {
  Timeline t;
  if (r.minutes().empty()) return t;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const auto& [minute, m] : r.minutes()) {
    lo = std::min(lo, minute);
    hi = std::max(hi, minute);
  }
  const int64_t span = hi - lo + 1;
  for (int64_t w : {1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 43200}) {
    t.width = w;
    if (span <= w * int64_t(kBars)) break;
  }
  t.first = lo / t.width * t.width;
  t.bars.resize(size_t((hi - t.first) / t.width + 1));
  for (const auto& [minute, m] : r.minutes()) {
    ReportMinute& bar = t.bars[size_t((minute - t.first) / t.width)];
    bar.requests += m.requests;
    bar.alerts += m.alerts;
    bar.bans += m.bans;
  }
  return t;
}

std::vector<std::pair<const Cidr*, const ReportClient*>> TopClients(const ReportCollector& r, size_t top) {
  std::vector<std::pair<const Cidr*, const ReportClient*>> all;
  for (const auto& [target, c] : r.clients()) all.emplace_back(&target, &c);
  auto rank = [](const auto& a, const auto& b) {
    const ReportClient &x = *a.second, &y = *b.second;
    if (x.bans != y.bans) return x.bans > y.bans;
    if (x.alerts != y.alerts) return x.alerts > y.alerts;
    if (x.events != y.events) return x.events > y.events;
    return a.first->ToString() < b.first->ToString();
  };
  const size_t n = std::min(top, all.size());
  std::partial_sort(all.begin(), all.begin() + long(n), all.end(), rank);
  all.resize(n);
  return all;
}

std::string Time(LogTime t) { return t > 0 ? FormatIso8601(t) : std::string("-"); }

// Bars of `values` in an SVG of w x h; `cls` styles them.
void AppendBars(fmt::memory_buffer& out, const std::vector<uint64_t>& values, int w, int h, std::string_view cls,
                std::string_view label) {
  auto it = std::back_inserter(out);
  const uint64_t max = std::max<uint64_t>(1, values.empty() ? 1 : *std::max_element(values.begin(), values.end()));
  fmt::format_to(it, "<svg class=\"chart {}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"",
                 cls, w, h, w, h);
  AppendHtml(out, label);
  out.append(std::string_view("\">"));
  const double bw = values.empty() ? 0 : double(w) / double(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == 0) continue;
    const double bh = std::max(1.0, double(values[i]) * (h - 2) / double(max));
    fmt::format_to(it, "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"><title>{}</title></rect>",
                   double(i) * bw, h - bh, std::max(bw - 1, 0.5), bh, values[i]);
  }
  out.append(std::string_view("</svg>"));
}

constexpr std::string_view kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d2733;padding:0 1em}
h1{font-size:1.6em;margin:0 0 .2em}h2{font-size:1.2em;margin:1.8em 0 .5em;border-bottom:1px solid #d5dbe3}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #e6eaef;vertical-align:top}
th{background:#f3f5f8;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font:12px/1.4 ui-monospace,monospace}pre.evidence{white-space:pre-wrap;word-break:break-all;margin:0;max-width:480px;background:#f7f7f9;padding:.3em}
.cards{display:flex;flex-wrap:wrap;gap:.8em}.card{border:1px solid #d5dbe3;border-radius:6px;padding:.6em 1em;min-width:9em}
.card b{display:block;font-size:1.4em}.chart{display:block;background:#fafbfc;border:1px solid #e6eaef;margin:.3em 0}
.requests rect{fill:#5b8def}.alerts rect{fill:#f0a030}.bans rect{fill:#d9434b}.spark rect{fill:#f0a030}
.axis{display:flex;justify-content:space-between;color:#5c6b7a;font-size:12px}.muted{color:#5c6b7a}
)";

}  // namespace

std::string RenderReportHtml(const ReportCollector& r, const ReportContext& context) {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  auto text = [&](std::string_view s) { AppendHtml(out, s); };
  auto in_tags = [&](std::string_view open, std::string_view s, std::string_view close) {
    out.append(open);
    text(s);
    out.append(close);
  };
  out.append(std::string_view(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>defender-scan report</title><style>"));
  out.append(kStyle);
  out.append(std::string_view("</style></head><body>\n<h1>defender-scan report</h1>\n"));
  const Timeline t = MakeTimeline(r);
  const LogTime from = t.first * 60 * kSecond, to = (t.first + int64_t(t.bars.size()) * t.width) * 60 * kSecond;
  out.append(std::string_view("<p class=\"muted\" id=\"span\">"));
  if (t.bars.empty()) {
    out.append(std::string_view("No line was read."));
  } else {
    fmt::format_to(it, "Log time {} to {}, {} a bar.", Time(from), Time(to),
                   t.width >= 1440 ? fmt::format("{} d", t.width / 1440)
                   : t.width >= 60 ? fmt::format("{} h", t.width / 60)
                                   : fmt::format("{} min", t.width));
  }
  out.append(std::string_view("</p>\n<div class=\"cards\" id=\"totals\">"));
  for (const auto& [name, value] : context.totals) {
    out.append(std::string_view("<div class=\"card\"><b>"));
    fmt::format_to(it, "{}", value);
    out.append(std::string_view("</b>"));
    text(name);
    out.append(std::string_view("</div>"));
  }
  out.append(std::string_view("</div>\n<h2>Timeline</h2>\n"));
  std::vector<uint64_t> requests, alerts, bans;
  for (const ReportMinute& m : t.bars) {
    requests.push_back(m.requests);
    alerts.push_back(m.alerts);
    bans.push_back(m.bans);
  }
  out.append(std::string_view("<p>Requests</p>"));
  AppendBars(out, requests, 1000, 140, "requests", "requests per bar");
  out.append(std::string_view("<p>Alerts</p>"));
  AppendBars(out, alerts, 1000, 60, "alerts", "alerts per bar");
  out.append(std::string_view("<p>Bans</p>"));
  AppendBars(out, bans, 1000, 60, "bans", "bans per bar");
  out.append(std::string_view("<div class=\"axis\"><span>"));
  text(Time(from));
  out.append(std::string_view("</span><span>"));
  text(Time(to));
  out.append(std::string_view("</span></div>\n"));

  // Top attackers.
  const auto top = TopClients(r, context.top);
  fmt::format_to(it, "<h2>Top attackers</h2>\n<p class=\"muted\">The {} clients with the most bans and alerts of {}",
                 top.size(), r.clients().size());
  if (r.clients_not_followed()) fmt::format_to(it, " ({} more decisions not followed)", r.clients_not_followed());
  out.append(std::string_view(
      ", each with the line that decided it.</p>\n<table id=\"attackers\"><thead><tr><th>Client</th><th>Scenarios</th>"
      "<th>First seen</th><th>Last seen</th><th>Alerts</th><th>Bans</th><th>Events</th><th>Score</th>"
      "<th>Evidence</th></tr></thead><tbody>\n"));
  for (const auto& [target, c] : top) {
    out.append(std::string_view("<tr><td><code>"));
    text(target->ToString());
    out.append(std::string_view("</code>"));
    if (!c->host.empty()) in_tags("<br><span class=\"muted\">on ", c->host, "</span>");
    out.append(std::string_view("</td><td>"));
    for (size_t i = 0; i < c->scenarios.size(); ++i) {
      if (i) out.append(std::string_view("<br>"));
      text(c->scenarios[i]);
    }
    out.append(std::string_view("</td><td>"));
    text(Time(c->first));
    out.append(std::string_view("</td><td>"));
    text(Time(c->last));
    fmt::format_to(it, "</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
                   c->alerts, c->bans, c->events, c->score);
    out.append(std::string_view("<td><pre class=\"evidence\">"));
    text(c->evidence);
    out.append(std::string_view("</pre>"));
    if (!c->anomaly.empty()) in_tags("<p class=\"anomaly\">behaviour-anomaly: ", c->anomaly, "</p>");
    out.append(std::string_view("</td></tr>\n"));
  }
  out.append(std::string_view("</tbody></table>\n"));

  // Scenarios, with their alerts over the timeline.
  out.append(std::string_view(
      "<h2>Scenarios</h2>\n<table id=\"scenarios\"><thead><tr><th>Scenario</th><th>Alerts</th><th>Bans</th>"
      "<th>Alerts over time</th></tr></thead><tbody>\n"));
  for (const auto& [name, s] : r.scenarios()) {
    out.append(std::string_view("<tr><td>"));
    text(name);
    fmt::format_to(it, "</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>", s.alerts, s.bans);
    std::vector<uint64_t> spark(t.bars.size());
    for (const auto& [minute, n] : s.alerts_by_minute) {
      if (minute >= t.first && size_t((minute - t.first) / t.width) < spark.size()) {
        spark[size_t((minute - t.first) / t.width)] += n;
      }
    }
    AppendBars(out, spark, 360, 24, "spark", name);
    out.append(std::string_view("</td></tr>\n"));
  }
  out.append(std::string_view("</tbody></table>\n"));

  // Responses by status.
  out.append(std::string_view("<h2>Responses by status</h2>\n<table id=\"statuses\"><thead><tr><th>Status</th>"
                              "<th>Requests</th></tr></thead><tbody>\n"));
  std::vector<std::pair<uint64_t, int>> statuses;
  for (int s = 0; s < 600; ++s) {
    if (r.statuses()[size_t(s)]) statuses.emplace_back(r.statuses()[size_t(s)], s);
  }
  std::sort(statuses.rbegin(), statuses.rend());
  for (const auto& [n, s] : statuses) {
    fmt::format_to(it, "<tr><td>{}</td><td class=\"n\">{}</td></tr>\n", s == 0 ? std::string("none") : std::to_string(s), n);
  }
  out.append(std::string_view("</tbody></table>\n"));

  out.append(std::string_view("<h2>Lines not read, and why</h2>\n<table id=\"rejects\"><thead><tr><th>Reason</th>"
                              "<th>Lines</th></tr></thead><tbody>\n"));
  for (const auto& [reason, n] : context.rejects) {
    out.append(std::string_view("<tr><td>"));
    text(reason);
    fmt::format_to(it, "</td><td class=\"n\">{}</td></tr>\n", n);
  }
  out.append(std::string_view("</tbody></table>\n<h2>Settings of the run</h2>\n<table id=\"settings\"><tbody>\n"));
  for (const auto& [name, value] : context.settings) {
    out.append(std::string_view("<tr><th>"));
    text(name);
    out.append(std::string_view("</th><td><code>"));
    text(value);
    out.append(std::string_view("</code></td></tr>\n"));
  }
  out.append(std::string_view("</tbody></table>\n<p class=\"muted\">Made by defender-scan report (a dry run: nothing "
                              "was banned).</p>\n</body></html>\n"));
  return fmt::to_string(out);
}

std::string RenderReportJson(const ReportCollector& r, const ReportContext& context) {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  auto str = [&](std::string_view s) { AppendJsonString(out, s); };
  const Timeline t = MakeTimeline(r);
  out.append(std::string_view("{\"settings\":{"));
  for (size_t i = 0; i < context.settings.size(); ++i) {
    if (i) out.push_back(',');
    str(context.settings[i].first);
    out.push_back(':');
    str(context.settings[i].second);
  }
  out.append(std::string_view("},\"totals\":{"));
  for (size_t i = 0; i < context.totals.size(); ++i) {
    if (i) out.push_back(',');
    str(context.totals[i].first);
    fmt::format_to(it, ":{}", context.totals[i].second);
  }
  fmt::format_to(it, "}},\"timeline\":{{\"bar_minutes\":{},\"bars\":[", t.width);
  for (size_t i = 0; i < t.bars.size(); ++i) {
    if (i) out.push_back(',');
    fmt::format_to(it, "{{\"start\":\"{}\",\"requests\":{},\"alerts\":{},\"bans\":{}}}",
                   FormatIso8601((t.first + int64_t(i) * t.width) * 60 * kSecond), t.bars[i].requests,
                   t.bars[i].alerts, t.bars[i].bans);
  }
  out.append(std::string_view("]},\"attackers\":["));
  const auto top = TopClients(r, context.top);
  for (size_t i = 0; i < top.size(); ++i) {
    const ReportClient& c = *top[i].second;
    if (i) out.push_back(',');
    out.append(std::string_view("{\"client\":"));
    str(top[i].first->ToString());
    out.append(std::string_view(",\"scenarios\":["));
    for (size_t k = 0; k < c.scenarios.size(); ++k) {
      if (k) out.push_back(',');
      str(c.scenarios[k]);
    }
    fmt::format_to(it, "],\"first\":\"{}\",\"last\":\"{}\",\"alerts\":{},\"bans\":{},\"events\":{},\"score\":{},\"host\":",
                   Time(c.first), Time(c.last), c.alerts, c.bans, c.events, c.score);
    str(c.host);
    out.append(std::string_view(",\"evidence\":"));
    str(c.evidence);
    out.append(std::string_view(",\"anomaly\":"));
    str(c.anomaly);
    out.push_back('}');
  }
  fmt::format_to(it, "],\"clients\":{},\"clients_not_followed\":{},\"scenarios\":{{", r.clients().size(),
                 r.clients_not_followed());
  bool first = true;
  for (const auto& [name, s] : r.scenarios()) {
    if (!std::exchange(first, false)) out.push_back(',');
    str(name);
    fmt::format_to(it, ":{{\"alerts\":{},\"bans\":{}}}", s.alerts, s.bans);
  }
  out.append(std::string_view("},\"statuses\":{"));
  first = true;
  for (int s = 0; s < 600; ++s) {
    if (!r.statuses()[size_t(s)]) continue;
    if (!std::exchange(first, false)) out.push_back(',');
    fmt::format_to(it, "\"{}\":{}", s == 0 ? std::string("none") : std::to_string(s), r.statuses()[size_t(s)]);
  }
  out.append(std::string_view("},\"rejects\":{"));
  for (size_t i = 0; i < context.rejects.size(); ++i) {
    if (i) out.push_back(',');
    str(context.rejects[i].first);
    fmt::format_to(it, ":{}", context.rejects[i].second);
  }
  out.append(std::string_view("}}\n"));
  return fmt::to_string(out);
}

}  // namespace defender
