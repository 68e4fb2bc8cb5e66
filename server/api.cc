#include "server/api.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "core/ban_target.h"
#include "core/decision_json.h"
#include "core/json.h"
#include "core/log_record.h"
#include "core/prometheus_text.h"
#include "parsers/decode.h"
#include "server/api_json.h"
#include "server/json_body.h"
#include "server/ui_assets.h"

namespace defender {

namespace {

constexpr std::string_view kEndpointNames[] = {"check",   "block",   "unblock",  "analyze", "blocked_ips", "metrics",
                                               "healthz", "bans",    "activity", "ui",      "other"};

std::string_view ToView(boost::beast::string_view s) { return {s.data(), s.size()}; }

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) diff |= uint8_t(a[i]) ^ uint8_t(i < b.size() ? b[i] : 0);
  return diff == 0;
}

// The value of `name` in a query string, undecoded (addresses need no decoding but ':').
std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      return StrictPercentDecode(pair.substr(name.size() + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace

Api::Api(ApiOptions options, const BanView* view, TaskQueue* tasks, const Allowlist* allowlist,
         std::unique_ptr<SignatureMatcher> matcher, std::vector<bool> refusing)
    : options_(std::move(options)), view_(view), tasks_(tasks), allowlist_(allowlist),
      matcher_(std::move(matcher)), refusing_(std::move(refusing)) {}

void Api::Send(Endpoint e, Respond& respond, HttpResponse response) {
  size_t status_class = std::min<size_t>(response.result_int() / 100, 5);
  requests_[e][status_class].fetch_add(1, std::memory_order_relaxed);
  respond(std::move(response));
}

StatusOr<Cidr> Api::BanTarget(std::string_view ip) const {
  auto target = Cidr::Parse(ip);
  if (!target) return Status::Invalid(fmt::format("'{}' is not an address or CIDR", ip.substr(0, 64)));
  // A bare IPv6 address stands for its prefix, as the detector counts and bans it.
  return GivenTarget(*target, options_.ipv6_prefix);
}

bool Api::Trusted(const IpAddress& peer) const {
  if (peer.is_loopback()) return true;
  for (const Cidr& c : options_.trusted_peers) {
    if (c.Contains(peer)) return true;
  }
  return false;
}

bool Api::Authorized(const HttpRequest& request) const {
  if (options_.token.empty()) return true;
  std::string_view auth = ToView(request[http::field::authorization]);
  constexpr std::string_view kBearer = "Bearer ";
  return auth.size() > kBearer.size() && auth.substr(0, kBearer.size()) == kBearer &&
         ConstantTimeEqual(auth.substr(kBearer.size()), options_.token);
}

bool Api::KnownHost(std::string_view host) const {
  // Drop the port: "[::1]:8080", "127.0.0.1:8080", "name:8080".
  if (host.starts_with('[')) {
    host = host.substr(1, host.find(']') == std::string_view::npos ? 0 : host.find(']') - 1);
  } else if (size_t colon = host.find(':'); colon != std::string_view::npos && host.rfind(':') == colon) {
    host = host.substr(0, colon);
  }
  if (IpAddress::Parse(host)) return true;  // a rebinding attack needs a name
  auto same = [&](std::string_view name) {
    return name.size() == host.size() && std::equal(name.begin(), name.end(), host.begin(), [](char a, char b) {
             return std::tolower(uint8_t(a)) == std::tolower(uint8_t(b));
           });
  };
  if (same("localhost")) return true;
  return std::any_of(options_.hosts.begin(), options_.hosts.end(), same);
}

std::optional<Api::Refusal> Api::CrossSite(const HttpRequest& request) const {
  std::string_view host = ToView(request[http::field::host]);
  if (!host.empty() && !KnownHost(host)) {
    return Refusal{403, fmt::format("Host '{}' is not this server's (a rebound DNS name?); add it with --api-host",
                                    host.substr(0, 64))};
  }
  if (request.find(http::field::origin) != request.end()) {
    std::string_view origin = ToView(request[http::field::origin]);
    size_t scheme = origin.find("://");
    if (scheme == std::string_view::npos || !KnownHost(origin.substr(scheme + 3))) {
      return Refusal{403, "requests from another site's page are refused"};
    }
  }
  if (request.method() == http::verb::post) {
    std::string_view type = ToView(request[http::field::content_type]);
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    if (!(type.size() == 16 && std::equal(type.begin(), type.end(), "application/json", [](char a, char b) {
            return std::tolower(uint8_t(a)) == b;
          }))) {
      return Refusal{415, "the body must be sent as 'Content-Type: application/json'"};
    }
  }
  return std::nullopt;
}

void Api::Handle(HttpRequest& request, const IpAddress& peer, Respond respond) {
  std::string_view target = ToView(request.target());
  std::string_view path = target.substr(0, target.find('?'));
  http::verb method = request.method();
  auto refuse = [&](Endpoint e, http::status status, std::string_view message) {
    HttpResponse res = MakeResponse(request, status, ErrorBody(message));
    if (status == http::status::unauthorized) res.set(http::field::www_authenticate, "Bearer");
    Send(e, respond, std::move(res));
  };
  auto only = [&](Endpoint e, std::initializer_list<http::verb> verbs) {
    for (http::verb v : verbs) {
      if (method == v) return true;
    }
    refuse(e, http::status::method_not_allowed, fmt::format("{} is not allowed here", ToView(request.method_string())));
    return false;
  };
  // The endpoints that change or list bans: the token if there is one, and
  // never from another site's page.
  auto authorized = [&](Endpoint e) {
    if (!Authorized(request)) {
      refuse(e, http::status::unauthorized, "this endpoint needs 'Authorization: Bearer <token>'");
      return false;
    }
    if (auto refusal = CrossSite(request)) {
      refuse(e, http::status(refusal->status), refusal->message);
      return false;
    }
    return true;
  };

  if (path == "/api/check") {
    if (only(kCheck, {http::verb::get, http::verb::post, http::verb::head})) Check(request, peer, respond);
  } else if (path == "/healthz") {
    if (only(kHealthz, {http::verb::get, http::verb::head})) {
      Send(kHealthz, respond, MakeResponse(request, http::status::ok, "{\"status\":\"ok\"}"));
    }
  } else if (path == "/metrics") {
    if (only(kMetrics, {http::verb::get})) Metrics(request, respond);
  } else if (path == "/api/block") {
    if (only(kBlock, {http::verb::post}) && authorized(kBlock)) Block(request, respond);
  } else if (path.starts_with("/api/block/")) {
    if (only(kUnblock, {http::verb::delete_}) && authorized(kUnblock)) {
      auto ip = StrictPercentDecode(path.substr(std::string_view("/api/block/").size()));
      if (!ip) return refuse(kUnblock, http::status::bad_request, "broken %-escape in the address");
      Unblock(request, *ip, respond);
    }
  } else if (path == "/api/unblock") {
    if (only(kUnblock, {http::verb::post}) && authorized(kUnblock)) Unblock(request, {}, respond);
  } else if (path == "/api/analyze") {
    if (only(kAnalyze, {http::verb::post}) && authorized(kAnalyze)) Analyze(request, respond);
  } else if (path == "/api/blocked-ips") {
    if (only(kBlockedIps, {http::verb::get}) && authorized(kBlockedIps)) BlockedIps(request, respond);
  } else if (path == "/api/bans") {
    if (only(kBans, {http::verb::get}) && authorized(kBans)) Bans(request, respond);
  } else if (path == "/api/activity") {
    if (only(kActivity, {http::verb::get}) && authorized(kActivity)) Activity(request, respond);
  } else if (path == "/" || path == "/ui") {
    if (only(kUi, {http::verb::get, http::verb::head})) {
      HttpResponse res = MakeResponse(request, http::status::found, "", "text/plain");
      res.set(http::field::location, "/ui/");
      Send(kUi, respond, std::move(res));
    }
  } else if (path.starts_with("/ui/")) {
    // The files hold no data: the data endpoints ask for the token.
    if (only(kUi, {http::verb::get, http::verb::head})) Ui(request, path.substr(4), respond);
  } else {
    refuse(kOther, http::status::not_found, "no such endpoint");
  }
}

int Api::RefusingSignature(const HttpRequest& request) {
  LogRecord r;
  std::string_view uri = ToView(request["X-Original-URI"]);
  if (uri.empty()) return -1;
  r.method = ToView(request["X-Original-Method"]);
  if (r.method.empty()) r.method = "GET";
  size_t q = uri.find('?');
  r.path = uri.substr(0, q);
  if (q != std::string_view::npos) r.query = uri.substr(q + 1);
  r.protocol = "HTTP/1.1";
  r.request = uri;
  r.user_agent = ToView(request[http::field::user_agent]);
  r.referer = ToView(request[http::field::referer]);
  const SignatureHits& hits = matcher_->Scan(r, decoder_);
  for (int i = 0; i < hits.count; ++i) {
    if (refusing_[hits.ids[i]]) return hits.ids[i];
  }
  return -1;
}

StatusOr<IpAddress> Api::ResolveClient(HttpRequest& request, const IpAddress& peer) {
  // X-Real-IP, ?ip= or {"ip"} from a trusted peer (nginx, an application);
  // anyone else is asked about only as itself.
  if (!Trusted(peer)) return peer;
  std::string_view text = ToView(request[options_.real_ip_header]);
  std::optional<std::string> from_query;
  std::string_view target = ToView(request.target());
  if (size_t q = target.find('?'); text.empty() && q != std::string_view::npos) {
    from_query = QueryParam(target.substr(q + 1), "ip");
    if (from_query) text = *from_query;
  }
  JsonBody body;
  if (text.empty() && !request.body().empty()) {
    if (Status parsed = body.Parse(request.body()); !parsed.ok()) return parsed;
    auto ip = body.String("ip");
    if (!ip.ok()) return ip.status();
    if (*ip) text = **ip;
  }
  if (text.empty()) return peer;
  auto parsed = IpAddress::Parse(text);
  if (!parsed) return Status::Invalid(fmt::format("'{}' is not an IP address", text.substr(0, 64)));
  return *parsed;
}

BanStatus Api::Lookup(const IpAddress& client, HttpRequest& request, std::string* rule) {
  BanStatus status = view_->Lookup(client);
  if (status.blocked || !allowlist_->Reason(client).empty()) return status;
  if (int id = RefusingSignature(request); id >= 0) {  // the request itself is an attack
    status.blocked = true;
    status.reason = matcher_->scenario(uint16_t(id));
    *rule = matcher_->name(uint16_t(id));
  }
  return status;
}

void Api::RecordLatency(std::chrono::steady_clock::time_point start) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  size_t bucket = 0;
  while (bucket < kLatencyBounds.size() && seconds > kLatencyBounds[bucket]) ++bucket;
  latency_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_sum_ns_.fetch_add(uint64_t(seconds * 1e9), std::memory_order_relaxed);
}

void Api::Check(HttpRequest& request, const IpAddress& peer, Respond& respond) {
  const auto start = std::chrono::steady_clock::now();
  const StatusOr<IpAddress> client = ResolveClient(request, peer);
  if (!client.ok()) {
    return Send(kCheck, respond, MakeResponse(request, http::status::bad_request, ErrorBody(client.status().message())));
  }
  std::string rule;
  const BanStatus status = Lookup(*client, request, &rule);
  const bool json = request.method() == http::verb::post ||
                    ToView(request[http::field::accept]).find("application/json") != std::string_view::npos;
  HttpResponse res = MakeResponse(request, status.blocked ? http::status::forbidden : http::status::ok,
                                  json ? CheckBody(*client, status, rule) : std::string());
  res.set("X-Threat-Score", std::to_string(status.score));
  if (status.blocked && IsPlainReason(status.reason)) res.set("X-Defender-Reason", status.reason);
  RecordLatency(start);
  Send(kCheck, respond, std::move(res));
}

void Api::Block(HttpRequest& request, Respond& respond) {
  auto bad = [&](std::string_view message) {
    Send(kBlock, respond, MakeResponse(request, http::status::bad_request, ErrorBody(message)));
  };
  JsonBody body;
  if (Status parsed = body.Parse(request.body()); !parsed.ok()) return bad(parsed.message());
  auto ip = body.Required("ip");
  if (!ip.ok()) return bad(ip.status().message());
  auto target = BanTarget(*ip);
  if (!target.ok()) return bad(target.status().message());
  if (Status valid = ValidateBanTarget(*target); !valid.ok()) return bad(valid.message());
  int64_t duration_s = options_.default_ban_s;
  if (body.Has("duration")) {
    auto d = body.Seconds("duration");
    if (!d.ok()) return bad(d.status().message());
    duration_s = *d;
  }
  std::string reason = "api";
  auto given_reason = body.String("reason");
  if (!given_reason.ok()) return bad(given_reason.status().message());
  if (*given_reason) {
    if (!IsPlainReason(**given_reason)) {
      return bad("\"reason\" must be a plain name (letters, digits, '_', '.', '-'; 64 at most)");
    }
    reason = **given_reason;
  }
  if (!allowlist_->Reason(target->address()).empty() || allowlist_->Overlaps(*target)) {
    return Send(kBlock, respond,
                MakeResponse(request, http::status::conflict,
                             ErrorBody(fmt::format("{} is allowlisted and is never banned", target->ToString()))));
  }
  ResponseShape shape = ShapeOf(request);
  tasks_->Post([this, respond, target = *target, reason, duration_s, shape](PipelineControl& pipeline) mutable {
    Decision d = pipeline.Block(target, reason, duration_s);
    fmt::memory_buffer out;
    out.append(std::string_view("{\"ip\":\""));
    target.AppendTo(out);
    fmt::format_to(std::back_inserter(out), "\",\"blocked\":true,\"reason\":\"{}\",\"duration_s\":{},\"until\":\"{}\"}}",
                   reason, d.duration_s, FormatIso8601(d.until));
    Send(kBlock, respond, MakeResponse(shape, http::status::ok, fmt::to_string(out)));
  });
}

void Api::Unblock(HttpRequest& request, std::string_view ip, Respond& respond) {
  auto bad = [&](std::string_view message) {
    Send(kUnblock, respond, MakeResponse(request, http::status::bad_request, ErrorBody(message)));
  };
  std::string from_body;
  if (ip.empty()) {
    JsonBody body;
    if (Status parsed = body.Parse(request.body()); !parsed.ok()) return bad(parsed.message());
    auto v = body.Required("ip");
    if (!v.ok()) return bad(v.status().message());
    from_body = *v;
    ip = from_body;
  }
  auto target = BanTarget(ip);
  if (!target.ok()) return bad(target.status().message());
  ResponseShape shape = ShapeOf(request);
  tasks_->Post([this, respond, target = *target, shape](PipelineControl& pipeline) mutable {
    bool found = pipeline.Unblock(target);
    fmt::memory_buffer out;
    out.append(std::string_view("{\"ip\":\""));
    target.AppendTo(out);
    out.append(found ? std::string_view("\",\"blocked\":false,\"unblocked\":true}")
                     : std::string_view("\",\"blocked\":false,\"unblocked\":false,\"error\":\"not banned\"}"));
    Send(kUnblock, respond,
         MakeResponse(shape, found ? http::status::ok : http::status::not_found, fmt::to_string(out)));
  });
}

void Api::Analyze(HttpRequest& request, Respond& respond) {
  auto bad = [&](std::string_view message) {
    Send(kAnalyze, respond, MakeResponse(request, http::status::bad_request, ErrorBody(message)));
  };
  JsonBody body;
  if (Status parsed = body.Parse(request.body()); !parsed.ok()) return bad(parsed.message());
  auto line = body.Required("log_entry");
  if (!line.ok()) return bad(line.status().message());
  std::optional<IpAddress> client;
  auto ip = body.String("ip");
  if (!ip.ok()) return bad(ip.status().message());
  if (*ip) {
    client = IpAddress::Parse(**ip);
    if (!client) return bad(fmt::format("'{}' is not an IP address", (*ip)->substr(0, 64)));
  }
  ResponseShape shape = ShapeOf(request);
  tasks_->Post([this, respond, line = std::string(*line), client, shape](PipelineControl& pipeline) mutable {
    const StatusOr<AnalyzeResult> analyzed = pipeline.Analyze(line, client);
    if (!analyzed.ok()) {
      return Send(kAnalyze, respond,
                  MakeResponse(shape, http::status::bad_request,
                               ErrorBody(fmt::format("the log entry was not analyzed: {}", analyzed.status().message()))));
    }
    const AnalyzeResult& r = *analyzed;
    fmt::memory_buffer out;
    auto it = std::back_inserter(out);
    out.append(std::string_view("{\"ip\":\""));
    r.client.AppendTo(out);
    bool blocked = false;
    for (const Decision& d : r.decisions) blocked |= d.action == DecisionAction::kBan;
    fmt::format_to(it, "\",\"score\":{},\"blocked\":{},\"signatures\":[", r.score, blocked);
    for (size_t i = 0; i < r.signatures.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendJsonString(out, r.signatures[i]);
    }
    out.append(std::string_view("],\"scenarios\":["));
    for (size_t i = 0; i < r.scenarios.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendJsonString(out, r.scenarios[i]);
    }
    out.append(std::string_view("],\"decisions\":["));
    for (size_t i = 0; i < r.decisions.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendDecisionJson(out, r.decisions[i]);
    }
    out.append(std::string_view("]}"));
    Send(kAnalyze, respond, MakeResponse(shape, http::status::ok, fmt::to_string(out)));
  });
}

void Api::BlockedIps(HttpRequest& request, Respond& respond) {
  fmt::memory_buffer out;
  out.push_back('[');
  bool first = true;
  for (const Cidr& c : view_->Targets()) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    c.AppendTo(out);
    out.push_back('"');
  }
  out.push_back(']');
  Send(kBlockedIps, respond, MakeResponse(request, http::status::ok, fmt::to_string(out)));
}

void Api::Bans(HttpRequest& request, Respond& respond) {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  bool first = true;
  out.append(std::string_view("{\"bans\":["));
  for (const BanEntry& b : view_->Entries()) {
    out.append(std::string_view(std::exchange(first, false) ? "{\"target\":\"" : ",{\"target\":\""));
    b.target.AppendTo(out);
    out.append(std::string_view("\",\"reason\":"));
    AppendJsonString(out, b.reason);
    fmt::format_to(it, ",\"since\":\"{}\",\"until\":\"{}\",\"ban_count\":{},\"node\":", FormatIso8601(b.since),
                   FormatIso8601(b.until), b.ban_count);
    AppendJsonString(out, b.node);
    out.push_back('}');
  }
  out.append(std::string_view("]}"));
  Send(kBans, respond, MakeResponse(request, http::status::ok, fmt::to_string(out)));
}

double Api::LatencyQuantileMs(double q) const {
  uint64_t total = 0;
  for (const auto& bucket : latency_) total += bucket.load(std::memory_order_relaxed);
  uint64_t seen = 0;
  for (size_t i = 0; i < latency_.size(); ++i) {
    seen += latency_[i].load(std::memory_order_relaxed);
    if (total > 0 && double(seen) >= q * double(total)) {
      return i < kLatencyBounds.size() ? kLatencyBounds[i] * 1000 : kLatencyBounds.back() * 1000;
    }
  }
  return 0;
}

void Api::Activity(HttpRequest& request, Respond& respond) {
  ResponseShape shape = ShapeOf(request);
  tasks_->Post([this, respond, shape](PipelineControl& pipeline) mutable {
    std::string body = "{\"pipeline\":";
    pipeline.AppendActivity(&body);
    uint64_t checks = 0;
    for (const auto& c : requests_[kCheck]) checks += c.load(std::memory_order_relaxed);
    body += fmt::format(",\"check\":{{\"requests\":{},\"p50_ms\":{},\"p99_ms\":{}}}}}", checks,
                        LatencyQuantileMs(0.5), LatencyQuantileMs(0.99));
    Send(kActivity, respond, MakeResponse(shape, http::status::ok, std::move(body)));
  });
}

void Api::Ui(HttpRequest& request, std::string_view name, Respond& respond) {
  auto asset = FindUiAsset(name);
  if (!asset) {
    Send(kUi, respond, MakeResponse(request, http::status::not_found, ErrorBody("no such file")));
    return;
  }
  HttpResponse res = MakeResponse(request, http::status::ok, std::string(asset->body), asset->content_type);
  res.set("Content-Security-Policy", boost::beast::string_view(kUiPolicy.data(), kUiPolicy.size()));
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set(http::field::cache_control, "no-store");
  Send(kUi, respond, std::move(res));
}

void Api::Metrics(HttpRequest& request, Respond& respond) {
  ResponseShape shape = ShapeOf(request);
  tasks_->Post([this, respond, shape](PipelineControl& pipeline) mutable {
    std::string text;
    pipeline.AppendMetrics(&text);
    AppendMetrics(&text);
    Send(kMetrics, respond, MakeResponse(shape, http::status::ok, std::move(text), "text/plain; version=0.0.4"));
  });
}

void Api::AppendMetrics(std::string* out) const {
  PrometheusText m(out);
  m.Family("http_requests_total", "counter", "API requests by endpoint and status class.");
  for (size_t e = 0; e < kEndpoints; ++e) {
    for (size_t c = 1; c < 6; ++c) {
      const uint64_t n = requests_[e][c].load(std::memory_order_relaxed);
      const std::string code = fmt::format("{}xx", c);
      if (n > 0) m.Sample("http_requests_total", n, {{"endpoint", kEndpointNames[e]}, {"code", code}});
    }
  }
  if (http_ != nullptr) {
    for (auto [name, help, value] : {std::tuple{"connections", "TCP connections accepted", &http_->connections},
                                     std::tuple{"refused_connections", "connections closed at once (too many open)",
                                                &http_->refused_connections},
                                     std::tuple{"bad_requests", "requests that broke a limit or did not parse",
                                                &http_->bad_requests},
                                     std::tuple{"timeouts", "requests not received in time", &http_->timeouts}}) {
      const std::string family = fmt::format("http_{}_total", name);
      m.Family(family, "counter", fmt::format("HTTP {}.", help));
      m.Sample(family, value->load(std::memory_order_relaxed));
    }
  }
  m.Family("check_duration_seconds", "histogram", "Time to answer /api/check.");
  uint64_t cumulative = 0;
  for (size_t b = 0; b < latency_.size(); ++b) {
    cumulative += latency_[b].load(std::memory_order_relaxed);
    const std::string le = b < kLatencyBounds.size() ? fmt::format("{}", kLatencyBounds[b]) : "+Inf";
    m.Sample("check_duration_seconds_bucket", cumulative, {{"le", le}});
  }
  m.Sample("check_duration_seconds_sum", double(latency_sum_ns_.load(std::memory_order_relaxed)) / 1e9);
  m.Sample("check_duration_seconds_count", cumulative);
}

std::vector<bool> RefusingRules(const SignatureMatcher& matcher, const std::vector<Scenario>& scenarios) {
  std::vector<bool> refusing(matcher.size(), false);
  for (size_t id = 0; id < matcher.size(); ++id) {
    for (const Scenario& s : scenarios) {
      if (s.name != matcher.scenario(uint16_t(id))) continue;
      const EventFilter& f = s.filter;
      refusing[id] = !matcher.weak(uint16_t(id)) && s.settings.enabled && !s.settings.simulate && f.signature &&
                     f.statuses.empty() &&
                     f.methods.empty() && (f.kinds & (1u << uint8_t(EventKind::kRequest))) != 0;
    }
  }
  return refusing;
}

}  // namespace defender
