// Api: the endpoints of serve mode, as the nginx-defender integration guide
// names them: /api/check (for auth_request), /api/block, /api/unblock,
// DELETE /api/block/{ip}, /api/analyze, /api/blocked-ips, /metrics and
// /healthz; and the dashboard: its files under /ui/ and its data,
// /api/bans and /api/activity. /api/check answers from the BanView and its own signature
// matcher on the HTTP thread; the rest becomes a task for the pipeline's
// thread (TaskQueue). Request bodies are JSON, parsed into typed values
// before anything is done with them. Handle() runs on the HTTP thread only.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "decisions/allowlist.h"
#include "detectors/scenario.h"
#include "detectors/signature_matcher.h"
#include "parsers/request_decoder.h"
#include "server/ban_view.h"
#include "server/http_server.h"
#include "server/task_queue.h"

namespace defender {

struct ApiOptions {
  std::string token;                // empty: no Authorization needed
  std::vector<Cidr> trusted_peers;  // besides loopback: peers whose X-Real-IP is believed
  std::string real_ip_header = "X-Real-IP";
  int ipv6_prefix = 64;             // a bare IPv6 address in /api/block bans its prefix
  int64_t default_ban_s = 4 * 3600;
  // Besides addresses and localhost, the names the endpoints that change or
  // list bans may be reached by (Host, Origin): anything else is a rebound
  // DNS name or another site's page.
  std::vector<std::string> hosts;
};

class SignatureMatcher;
std::vector<bool> RefusingRules(const SignatureMatcher& matcher, const std::vector<Scenario>& scenarios);

class Api {
 public:
  // `refusing[id]`: signature rule `id` alone is evidence enough to refuse a
  // request at /api/check (its scenario has no status or method condition).
  Api(ApiOptions options, const BanView* view, TaskQueue* tasks, const Allowlist* allowlist,
      std::unique_ptr<SignatureMatcher> matcher, std::vector<bool> refusing);

  void Handle(HttpRequest& request, const IpAddress& peer, Respond respond);
  // A configuration reload: the rules to refuse on follow the new
  // scenarios (enabled, simulated). On the HTTP thread, like Handle().
  void UseScenarios(const std::vector<Scenario>& scenarios) { refusing_ = RefusingRules(*matcher_, scenarios); }

  // The server's connection counters, shown by /metrics.
  void set_http_counters(const HttpCounters* counters) { http_ = counters; }
  // Request counts and the /api/check latency histogram. Thread-safe.
  void AppendMetrics(std::string* out) const;

 private:
  enum Endpoint {
    kCheck, kBlock, kUnblock, kAnalyze, kBlockedIps, kMetrics, kHealthz, kBans, kActivity, kUi, kOther, kEndpoints
  };
  void Send(Endpoint e, Respond& respond, HttpResponse response);
  // /api/check: who is asked about, the lookup (a ban, or a signature that
  // refuses the request itself), the answer, the latency histogram.
  void Check(HttpRequest& request, const IpAddress& peer, Respond& respond);
  StatusOr<IpAddress> ResolveClient(HttpRequest& request, const IpAddress& peer);
  BanStatus Lookup(const IpAddress& client, HttpRequest& request, std::string* rule);
  void RecordLatency(std::chrono::steady_clock::time_point start);
  void Block(HttpRequest& request, Respond& respond);
  void Unblock(HttpRequest& request, std::string_view ip, Respond& respond);
  void Analyze(HttpRequest& request, Respond& respond);
  void BlockedIps(HttpRequest& request, Respond& respond);
  void Metrics(HttpRequest& request, Respond& respond);
  // The dashboard's data: every ban (from the view), and the pipeline's
  // last hour with the /api/check latency.
  void Bans(HttpRequest& request, Respond& respond);
  void Activity(HttpRequest& request, Respond& respond);
  // The dashboard's files (server/ui_assets.h).
  void Ui(HttpRequest& request, std::string_view name, Respond& respond);
  // The upper bound, in ms, of the latency bucket holding quantile q.
  double LatencyQuantileMs(double q) const;
  bool Trusted(const IpAddress& peer) const;
  // The ban target an "ip" of the API names: an address (an IPv6 one's prefix) or a CIDR.
  StatusOr<Cidr> BanTarget(std::string_view ip) const;
  bool Authorized(const HttpRequest& request) const;
  // Why a request to an endpoint that changes or lists bans may come from a
  // web page (CSRF) or a rebound DNS name, with the status to answer, or
  // nullopt: a Host or Origin naming neither an address, localhost nor an
  // --api-host name; a body not declared application/json (a form or
  // text/plain POST needs no CORS preflight).
  struct Refusal {
    int status;
    std::string message;
  };
  std::optional<Refusal> CrossSite(const HttpRequest& request) const;
  bool KnownHost(std::string_view host_and_port) const;
  // The rule whose match refuses this request, or -1.
  int RefusingSignature(const HttpRequest& request);

  ApiOptions options_;
  const BanView* view_;
  TaskQueue* tasks_;
  const Allowlist* allowlist_;
  std::unique_ptr<SignatureMatcher> matcher_;
  std::vector<bool> refusing_;
  RequestDecoder decoder_;
  const HttpCounters* http_ = nullptr;

  static constexpr std::array<double, 10> kLatencyBounds = {1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4,
                                                            5e-4, 1e-3, 5e-3, 1e-2, 1e-1};
  std::array<std::atomic<uint64_t>, kLatencyBounds.size() + 1> latency_{};
  std::atomic<uint64_t> latency_sum_ns_{0};
  std::array<std::array<std::atomic<uint64_t>, 6>, kEndpoints> requests_{};  // by status class 1xx..5xx
};

// Which signature rules /api/check refuses on: those whose match alone is
// evidence (not weak, and their scenario, enabled and not simulated, has no
// condition on the answer's status or the method).
std::vector<bool> RefusingRules(const SignatureMatcher& matcher, const std::vector<Scenario>& scenarios);

}  // namespace defender
