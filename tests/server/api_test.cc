// The API's own decisions, on requests handed to Api::Handle as the HTTP
// server would (the e2e tests serve_*.sh speak HTTP to the real binary).
#include "server/api.h"

#include <doctest/doctest.h>

#include "detectors/scenario.h"
#include "detectors/signature_rules.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::Must;

namespace {

struct Fixture {
  BanView view{64};
  TaskQueue tasks;
  Allowlist allowlist{{*Cidr::Parse("192.0.2.0/24")}, {}};
  std::unique_ptr<Api> api;

  explicit Fixture(std::string token = "") {
    auto matcher = Must(SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), ""));
    std::vector<bool> refusing = RefusingRules(*matcher, BuiltinScenarios());
    ApiOptions options;
    options.token = std::move(token);
    options.trusted_peers = {*Cidr::Parse("10.0.0.0/8")};
    api = std::make_unique<Api>(options, &view, &tasks, &allowlist, std::move(matcher), std::move(refusing));
    Decision ban;
    ban.action = DecisionAction::kBan;
    ban.reason = "manual";
    ban.target = *Cidr::Parse("203.0.113.7");
    ban.score = 100;
    ban.until = 1'700'000'000'000;
    REQUIRE(view.Apply(ban).ok());
  }

  HttpResponse Call(HttpRequest request, const char* peer = "127.0.0.1") {
    HttpResponse out;
    bool answered = false;
    api->Handle(request, *IpAddress::Parse(peer), [&](HttpResponse r) {
      out = std::move(r);
      answered = true;
    });
    REQUIRE(answered);
    return out;
  }
};

HttpRequest Get(const char* target, std::initializer_list<std::pair<const char*, const char*>> headers = {}) {
  HttpRequest r{http::verb::get, target, 11};
  for (auto [name, value] : headers) r.set(name, value);
  return r;
}

}  // namespace

TEST_CASE("/api/check: banned 403, others 200, always with X-Threat-Score") {
  Fixture f;
  HttpResponse r = f.Call(Get("/api/check", {{"X-Real-IP", "203.0.113.7"}}));
  CHECK(r.result_int() == 403);
  CHECK(r["X-Threat-Score"] == "100");
  CHECK(r["X-Defender-Reason"] == "manual");
  CHECK(r.body().empty());
  r = f.Call(Get("/api/check", {{"X-Real-IP", "203.0.113.8"}, {"Accept", "application/json"}}));
  CHECK(r.result_int() == 200);
  CHECK(r["X-Threat-Score"] == "0");
  CHECK(r.body() == R"({"ip":"203.0.113.8","blocked":false,"score":0,"reason":null,"until":null})");
  CHECK(f.Call(Get("/api/check?ip=203.0.113.7")).result_int() == 403);
  HttpRequest post{http::verb::post, "/api/check", 11};
  post.body() = R"({"ip":"203.0.113.7"})";
  r = f.Call(post);
  CHECK(r.result_int() == 403);
  CHECK(r.body().find(R"("blocked":true,"score":100,"reason":"manual","until":"2023-11-14T22:13:20Z")") !=
        std::string::npos);
}

TEST_CASE("/api/check believes X-Real-IP only from trusted peers") {
  Fixture f;
  // From a trusted peer (loopback, or --trusted-peer 10.0.0.0/8), the header names the client.
  CHECK(f.Call(Get("/api/check", {{"X-Real-IP", "203.0.113.7"}}), "10.1.2.3").result_int() == 403);
  // From anyone else, the client is the peer itself: it cannot ask about, or pose as, another.
  CHECK(f.Call(Get("/api/check", {{"X-Real-IP", "198.51.100.1"}}), "203.0.113.7").result_int() == 403);
  CHECK(f.Call(Get("/api/check", {{"X-Real-IP", "203.0.113.7"}}), "198.51.100.1").result_int() == 200);
}

TEST_CASE("/api/check refuses a request that is an attack by itself, unless the client is allowlisted") {
  Fixture f;
  auto check = [&](const char* ip, const char* uri, const char* agent = "Mozilla/5.0") {
    return f.Call(Get("/api/check", {{"X-Real-IP", ip}, {"X-Original-URI", uri}, {"User-Agent", agent},
                                     {"Accept", "application/json"}}));
  };
  HttpResponse r = check("198.51.100.1", "/item?id=1%27%20AND%20SLEEP(5)--%20-");
  CHECK(r.result_int() == 403);
  CHECK(r.body().find(R"("reason":"http-sqli-probing","until":null,"rule":"sqli-time-based")") != std::string::npos);
  CHECK(check("198.51.100.1", "/", "sqlmap/1.7.2#stable (https://sqlmap.org)").result_int() == 403);
  CHECK(check("198.51.100.1", "/.env").result_int() == 403);
  // Benign look-alikes, and evidence that needs the answer's status (a 404 on a WordPress path).
  CHECK(check("198.51.100.1", "/search?q=select+union").result_int() == 200);
  CHECK(check("198.51.100.1", "/blog/union-station").result_int() == 200);
  CHECK(check("198.51.100.1", "/wp-login.php").result_int() == 200);
  CHECK(check("192.0.2.10", "/.env").result_int() == 200);
}

TEST_CASE("bad input gets a 400 with a message") {
  Fixture f;
  HttpResponse r = f.Call(Get("/api/check", {{"X-Real-IP", "203.0.113.256"}}));
  CHECK(r.result_int() == 400);
  CHECK(r.body() == R"({"error":"'203.0.113.256' is not an IP address"})");
  HttpRequest post{http::verb::post, "/api/block", 11};
  post.set(http::field::content_type, "application/json");
  for (const char* body : {"{", "[]", R"({"ip":7})", R"({"ip":"1.2.3.4;} include x;"})", R"({"ip":"::1"})",
                           R"({"ip":"1.2.3.4","duration":"soon"})", R"({"ip":"1.2.3.4","reason":"a b"})"}) {
    post.body() = body;
    CHECK_MESSAGE(f.Call(post).result_int() == 400, body);
  }
  post.body() = R"({"ip":"192.0.2.5"})";
  CHECK(f.Call(post).result_int() == 409);  // allowlisted
  CHECK(f.Call(Get("/api/block")).result_int() == 405);
  CHECK(f.Call(Get("/nothing")).result_int() == 404);
}

TEST_CASE("with a token, all but /api/check, /metrics and /healthz need it") {
  Fixture f("0123456789abcdef");
  HttpResponse r = f.Call(Get("/api/blocked-ips"));
  CHECK(r.result_int() == 401);
  CHECK(r[http::field::www_authenticate] == "Bearer");
  CHECK(f.Call(Get("/api/blocked-ips", {{"Authorization", "Bearer 0123456789abcdeX"}})).result_int() == 401);
  CHECK(f.Call(Get("/api/blocked-ips", {{"Authorization", "Bearer 0123456789abcdef0"}})).result_int() == 401);
  r = f.Call(Get("/api/blocked-ips", {{"Authorization", "Bearer 0123456789abcdef"}}));
  CHECK(r.result_int() == 200);
  CHECK(r.body() == R"(["203.0.113.7"])");
  CHECK(f.Call(Get("/api/check")).result_int() == 200);
  CHECK(f.Call(Get("/healthz")).result_int() == 200);
}

TEST_CASE("the rules /api/check refuses on: evidence by themselves, in scenarios that ban") {
  auto matcher = Must(SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), ""));
  std::vector<Scenario> scenarios = BuiltinScenarios();
  auto refuses = [&](std::string_view scenario) {
    std::vector<bool> refusing = RefusingRules(*matcher, scenarios);
    bool any = false, all = true;
    for (size_t id = 0; id < matcher->size(); ++id) {
      if (matcher->scenario(uint16_t(id)) != scenario || matcher->weak(uint16_t(id))) continue;
      any |= refusing[id];
      all &= refusing[id];
    }
    return any && all;
  };
  CHECK(refuses("http-sqli-probing"));
  CHECK(refuses("http-bad-user-agent"));
  CHECK(refuses("http-cve-probing"));
  CHECK(!refuses("http-bf-wordpress_bf"));          // only a POST answered 200 is evidence
  CHECK(!refuses("http-admin-interface-probing"));  // only when answered 401/403/404
  // Weak fragments ("sleep(", "alert(") count in their buckets, never alone.
  std::vector<bool> refusing = RefusingRules(*matcher, scenarios);
  size_t weak = 0;
  for (uint16_t id = 0; id < matcher->size(); ++id) {
    if (!matcher->weak(id)) continue;
    ++weak;
    CHECK_MESSAGE(!refusing[id], matcher->name(id));
  }
  CHECK(weak >= 2);
  for (Scenario& s : scenarios) {
    if (s.name == "http-sqli-probing") s.settings.simulate = true;
  }
  CHECK(!refuses("http-sqli-probing"));
}

TEST_CASE("the endpoints that change or list bans refuse another site's page and rebound names") {
  Fixture f;
  auto post = [](std::initializer_list<std::pair<const char*, const char*>> headers) {
    HttpRequest r{http::verb::post, "/api/block", 11};
    for (auto [name, value] : headers) r.set(name, value);
    r.body() = R"({"ip":"198.51.100.9"})";
    return r;
  };
  CHECK(f.Call(post({})).result_int() == 415);  // no type: curl -d sends a form
  CHECK(f.Call(post({{"Content-Type", "text/plain"}})).result_int() == 415);
  CHECK(f.Call(post({{"Content-Type", "application/x-www-form-urlencoded"}})).result_int() == 415);
  CHECK(f.Call(post({{"Content-Type", "application/json"}, {"Origin", "https://evil.example"}})).result_int() == 403);
  CHECK(f.Call(post({{"Content-Type", "application/json"}, {"Origin", "null"}})).result_int() == 403);
  CHECK(f.Call(post({{"Content-Type", "application/json"}, {"Host", "evil.example"}})).result_int() == 403);
  CHECK(f.Call(post({{"Content-Type", "application/json"}, {"Host", "127.0.0.1.evil.example:8080"}})).result_int() ==
        403);
  CHECK(f.Call(Get("/api/blocked-ips", {{"Host", "rebind.example:8080"}})).result_int() == 403);
  CHECK(f.Call(Get("/api/blocked-ips", {{"Host", "LocalHost:8080"}})).result_int() == 200);
  CHECK(f.Call(Get("/api/blocked-ips", {{"Host", "[::1]:8080"}})).result_int() == 200);
  CHECK(f.Call(Get("/api/check", {{"Host", "defender"}, {"X-Real-IP", "203.0.113.7"}})).result_int() == 403);
  CHECK(f.Call(Get("/api/blocked-ips", {{"Host", "127.0.0.1:8080"}, {"Origin", "http://127.0.0.1:8080"}}))
            .result_int() == 200);
  // (An accepted block becomes a task for the pipeline: tests/e2e/serve_api.sh.)
}
