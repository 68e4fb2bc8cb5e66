// The API's endpoints that run on the pipeline's thread (block, unblock,
// analyze, metrics): Api::Handle posts a task, the pipeline (here a fake
// PipelineControl that records what it was asked) runs it, and only then is the
// request answered.
#include <doctest/doctest.h>

#include "detectors/scenario.h"
#include "detectors/signature_rules.h"
#include "server/api.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::Must;

namespace {

class FakePipeline : public PipelineControl {
 public:
  std::vector<std::string> calls;
  bool banned = true;

  Decision Block(const Cidr& target, std::string_view reason, int64_t duration_s) override {
    calls.push_back(fmt::format("block {} {} {}", target.ToString(), reason, duration_s));
    Decision d;
    d.action = DecisionAction::kBan;
    d.target = target;
    d.duration_s = duration_s;
    d.until = 1'700'000'000'000 + duration_s * kSecond;
    return d;
  }
  bool Unblock(const Cidr& target) override {
    calls.push_back("unblock " + target.ToString());
    return banned;
  }
  StatusOr<AnalyzeResult> Analyze(std::string_view line, std::optional<IpAddress> client) override {
    calls.push_back(fmt::format("analyze {} {}", line, client ? client->ToString() : "-"));
    if (line == "junk") return Status::Invalid("format_mismatch");
    AnalyzeResult r;
    r.client = client ? *client : *IpAddress::Parse("203.0.113.9");
    r.score = 40;
    r.signatures = {"env-file"};
    r.scenarios = {"http-sensitive-files"};
    Decision d;
    d.action = DecisionAction::kBan;
    d.reason = "http-sensitive-files";
    d.target = Cidr::Host(r.client);
    d.duration_s = 14400;
    d.time = 1'699'985'600'000;
    d.until = 1'700'000'000'000;
    d.source = r.client;
    d.events_count = 3;
    d.score = 40;
    d.ban_count = 1;
    r.decisions.push_back(d);
    return r;
  }
  void AppendMetrics(std::string* out) override { out->append("defender_lines_total 5\n"); }
  void AppendActivity(std::string* out) override { out->append("{\"lines\":5}"); }
  LogTime Clock() const override { return 0; }
};

struct Fixture {
  BanView view{64};
  TaskQueue tasks;
  Allowlist allowlist{{*Cidr::Parse("192.0.2.0/24")}, {}};
  FakePipeline pipeline;
  std::unique_ptr<Api> api;

  Fixture() {
    auto matcher = Must(SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), ""));
    std::vector<bool> refusing = RefusingRules(*matcher, BuiltinScenarios());
    api = std::make_unique<Api>(ApiOptions(), &view, &tasks, &allowlist, std::move(matcher), std::move(refusing));
  }

  // Handles the request, then runs the queued task as the pipeline would.
  HttpResponse Call(http::verb verb, const char* target, std::string body = "") {
    HttpRequest request{verb, target, 11};
    request.set(http::field::host, "127.0.0.1:8080");
    if (!body.empty()) {
      request.set(http::field::content_type, "application/json");
      request.body() = std::move(body);
      request.prepare_payload();
    }
    HttpResponse out;
    bool answered = false;
    api->Handle(request, *IpAddress::Parse("127.0.0.1"), [&](HttpResponse r) {
      out = std::move(r);
      answered = true;
    });
    if (!answered) {
      tasks.RunPending(pipeline);
      REQUIRE(answered);
    }
    return out;
  }
};

}  // namespace

TEST_CASE("/api/block bans through the pipeline, an IPv6 address as its /64") {
  Fixture f;
  HttpResponse r = f.Call(http::verb::post, "/api/block", R"({"ip":"2001:db8:1:2::5","duration":"1h","reason":"ops"})");
  CHECK(r.result() == http::status::ok);
  CHECK(f.pipeline.calls == std::vector<std::string>{"block 2001:db8:1:2::/64 ops 3600"});
  CHECK(r.body().find(R"("ip":"2001:db8:1:2::/64","blocked":true,"reason":"ops","duration_s":3600)") != std::string::npos);
  // Refused before it reaches the pipeline: allowlisted, loopback, too wide.
  CHECK(f.Call(http::verb::post, "/api/block", R"({"ip":"192.0.2.9"})").result() == http::status::conflict);
  CHECK(f.Call(http::verb::post, "/api/block", R"({"ip":"127.0.0.1"})").result() == http::status::bad_request);
  CHECK(f.Call(http::verb::post, "/api/block", R"({"ip":"10.0.0.0/8"})").result() == http::status::bad_request);
  CHECK(f.pipeline.calls.size() == 1);
}

TEST_CASE("/api/unblock and DELETE /api/block/IP lift through the pipeline; not banned is 404") {
  Fixture f;
  CHECK(f.Call(http::verb::post, "/api/unblock", R"({"ip":"203.0.113.7"})").result() == http::status::ok);
  CHECK(f.Call(http::verb::delete_, "/api/block/2001%3Adb8%3A1%3A2%3A%3A5").result() == http::status::ok);
  f.pipeline.banned = false;
  HttpResponse r = f.Call(http::verb::delete_, "/api/block/198.51.100.1");
  CHECK(r.result() == http::status::not_found);
  CHECK(r.body().find("not banned") != std::string::npos);
  CHECK(f.Call(http::verb::delete_, "/api/block/1.2.3.4%2").result() == http::status::bad_request);
  CHECK(f.pipeline.calls ==
        std::vector<std::string>{"unblock 203.0.113.7", "unblock 2001:db8:1:2::/64", "unblock 198.51.100.1"});
}

TEST_CASE("/api/analyze runs a line through the pipeline and answers what it decided") {
  Fixture f;
  HttpResponse r = f.Call(http::verb::post, "/api/analyze", R"({"log_entry":"a line","ip":"198.51.100.3"})");
  CHECK(r.result() == http::status::ok);
  CHECK(f.pipeline.calls == std::vector<std::string>{"analyze a line 198.51.100.3"});
  CHECK(r.body() ==
        R"({"ip":"198.51.100.3","score":40,"blocked":true,"signatures":["env-file"],"scenarios":["http-sensitive-files"],)"
        // Each decision as the JSON lines output writes it.
        R"("decisions":[{"@timestamp":"2023-11-14T18:13:20Z","event":{"kind":"alert","action":"ban"},)"
        R"("rule":{"name":"http-sensitive-files"},"source":{"ip":"198.51.100.3"},"defender":{"events_count":3,)"
        R"("score":40,"decision":{"scope":"ip","value":"198.51.100.3","duration_s":14400,)"
        R"("until":"2023-11-14T22:13:20Z","ban_count":1}}}]})");
  r = f.Call(http::verb::post, "/api/analyze", R"({"log_entry":"junk"})");
  CHECK(r.result() == http::status::bad_request);
  CHECK(r.body().find("not analyzed: format_mismatch") != std::string::npos);
  CHECK(f.Call(http::verb::post, "/api/analyze", R"({"ip":"1.2.3.4"})").result() == http::status::bad_request);
}

TEST_CASE("/metrics has the pipeline's counters, then the API's") {
  Fixture f;
  HttpResponse r = f.Call(http::verb::get, "/metrics");
  CHECK(r.result() == http::status::ok);
  CHECK(r.body().starts_with("defender_lines_total 5\n"));
  CHECK(r.body().find("# TYPE defender_check_duration_seconds histogram") != std::string::npos);
}
