#include "detectors/detector.h"

#include <algorithm>

#include <doctest/doctest.h>
#include <re2/re2.h>

#include "detectors/static_path.h"
#include "parsers/presets.h"
#include "parsers/request_decoder.h"

using namespace defender;

namespace {

struct Harness {
  std::unique_ptr<Detector> detector;
  std::unique_ptr<LineParser> parser;
  RequestDecoder decoder;
  std::vector<Alert> alerts;

  explicit Harness(std::vector<Scenario> scenarios = BuiltinScenarios()) {
    std::string error;
    detector = Detector::Create(std::move(scenarios), DetectorOptions(), &error);
    REQUIRE_MESSAGE(detector != nullptr, error);
    parser = NewParser("combined", &error);
  }
  // Feeds one combined-format line; returns the names of the alerts it raised.
  std::vector<std::string> Feed(std::string_view client, int second, std::string_view request, int status,
                                std::string_view ua = "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Firefox/124.0") {
    std::string line = fmt::format(R"({} - - [31/Mar/2024:01:{:02}:{:02} +0000] "{}" {} 100 "-" "{}")", client,
                                   second / 60, second % 60, request, status, ua);
    LogRecord r;
    REQUIRE_MESSAGE(parser->Parse(line, &r) == Reject::kNone, line);
    alerts.clear();
    detector->Process(r, decoder, &alerts);
    std::vector<std::string> names;
    for (const auto& a : alerts) names.emplace_back(a.scenario);
    return names;
  }
  // The scenarios the last line was counted in, each followed by a space.
  std::string Counted() const {
    std::vector<std::string_view> names;
    detector->LastScenarios(&names);
    std::string joined;
    for (auto n : names) joined += std::string(n) + " ";
    return joined;
  }
};

bool Has(const std::vector<std::string>& v, std::string_view name) {
  return std::find(v.begin(), v.end(), name) != v.end();
}

}  // namespace

TEST_CASE("sensitive-file probes overflow on the fifth distinct file within seconds") {
  Harness h;
  const char* files[] = {"/.env", "/.git/config", "/backup.sql", "/id_rsa", "/.htpasswd"};
  std::vector<std::string> last;
  for (int i = 0; i < 5; ++i) last = h.Feed("203.0.113.5", i, fmt::format("GET {} HTTP/1.1", files[i]), 404);
  CHECK(Has(last, "http-sensitive-files"));
  CHECK(h.alerts[0].events_count == 5);
}

TEST_CASE("a CVE probe is a trigger and a bad user agent fires on its second request") {
  Harness h;
  CHECK(Has(h.Feed("203.0.113.6", 0, "GET /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php HTTP/1.1", 404),
            "http-cve-probing"));
  CHECK(h.Feed("203.0.113.7", 0, "GET / HTTP/1.1", 200, "sqlmap/1.7.2#stable").empty());
  CHECK(Has(h.Feed("203.0.113.7", 1, "GET /a HTTP/1.1", 200, "sqlmap/1.7.2#stable"), "http-bad-user-agent"));
}

TEST_CASE("10 000 requests hopping through one IPv6 /64 are one client") {
  Harness h;
  bool alerted = false;
  for (int i = 0; i < 10000 && !alerted; ++i) {
    std::string addr = fmt::format("2001:db8:1:2:{:x}:{:x}::1", i / 7, i % 65536);
    alerted = Has(h.Feed(addr, 0, fmt::format("GET /probe-{}.php HTTP/1.1", i), 404), "http-probing");
  }
  CHECK(alerted);
  CHECK(h.alerts[0].client.ToString() == "2001:db8:1:2::/64");
  CHECK(h.alerts[0].events_count == 11);
}

TEST_CASE("benign browsing with 404s on favicon, robots and a few stale links raises nothing") {
  Harness h;
  for (int s = 0; s < 600; ++s) {
    const char* requests[] = {"GET / HTTP/2.0", "GET /static/css/app.css HTTP/2.0", "GET /favicon.ico HTTP/2.0",
                              "GET /robots.txt HTTP/2.0", "GET /search?q=select+union HTTP/2.0",
                              "GET /blog/old-post-1 HTTP/2.0"};
    int status = (s % 6 >= 2 && s % 6 != 4) ? 404 : 200;
    CHECK(h.Feed("198.51.100.20", s, requests[s % 6], status).empty());
  }
}

TEST_CASE("a request flood overflows http-flood") {
  Harness h;
  bool flood = false;
  for (int i = 0; i < 400 && !flood; ++i) flood = Has(h.Feed("203.0.113.9", i / 50, "GET / HTTP/1.1", 200), "http-flood");
  CHECK(flood);
}

TEST_CASE("a scenario counts only the statuses and methods it names, and never when disabled") {
  auto row = [](const char* name, std::vector<int> statuses, std::vector<std::string> methods) {
    Scenario s{name, "", EventFilter(), BucketSettings()};
    s.filter.statuses = std::move(statuses);
    s.filter.methods = std::move(methods);
    s.settings.capacity = 100;
    return s;
  };
  std::vector<Scenario> rows = {row("post-404", {404}, {"POST"}), row("get", {}, {"GET"}),
                                row("any", {}, {}), row("off", {}, {})};
  rows.back().settings.enabled = false;
  Harness h(rows);
  auto counted = [&](std::string_view request, int status) {
    h.Feed("192.0.2.5", 1, request, status);
    return h.Counted();
  };
  CHECK(counted("POST /login HTTP/1.1", 404) == "post-404 any ");
  CHECK(counted("POST /login HTTP/1.1", 200) == "any ");
  CHECK(counted("GET /login HTTP/1.1", 404) == "get any ");
  CHECK(counted("POSTX /login HTTP/1.1", 404) == "any ");  // not POST, though it starts so
  CHECK(counted("PUT /login HTTP/1.1", 404) == "any ");
  CHECK(counted("POST /login HTTP/1.1", 404) == "post-404 any ");  // back to a method seen before
}

TEST_CASE("static paths are recognised") {
  for (const char* p : {"/static/js/app.9c8d7e.js", "/favicon.ico", "/.well-known/assetlinks.json",
                        "/apple-touch-icon-precomposed.png", "/apple-touch-icon", "/.well-known/acme-challenge/token",
                        "/robots.txt"}) {
    CHECK_MESSAGE(IsStaticPath(p), p);
  }
  for (const char* p : {"/", "/wp-login.php", "/a.js/admin", "/robots.txt.bak", "/report.css.php", "/api/items"}) {
    CHECK_MESSAGE(!IsStaticPath(p), p);
  }
}

TEST_CASE("junk request lines and invalid HTTP versions count in http-bad-request, proxy targets in http-open-proxy") {
  Harness h;
  int client = 0;  // a new one each time: an overflow would blackhole the next events
  auto counted_in = [&](std::string_view request, std::string_view scenario) {
    h.Feed(fmt::format("192.0.2.{}", ++client), 1, request, 400);
    std::vector<std::string_view> names;
    h.detector->LastScenarios(&names);
    return std::find(names.begin(), names.end(), scenario) != names.end();
  };
  for (const char* ok : {"GET / HTTP/1.0", "GET / HTTP/1.1", "GET / HTTP/2.0", "GET / HTTP/2", "GET / HTTP/3.0",
                         "GET / HTTP/3", "GET /"}) {
    CHECK_MESSAGE(!counted_in(ok, "http-bad-request"), std::string(ok));
  }
  for (const char* junk : {"-", "\\x16\\x03\\x01\\x02\\x00\\x01", "GET / HTTP/1.2", "GET / HTTP/2.1", "GET / HTTP/4",
                           "GET / HTTP/1", "GET / HTTP/0.9", "GET / http/1.1", "GET / HTTP/1.1x", "GET / HTTPS/1.1",
                           "GET / HTTP/11", "GET / XTTP/1.1"}) {
    CHECK_MESSAGE(counted_in(junk, "http-bad-request"), std::string(junk));
  }
  for (const char* proxy : {"CONNECT example.com:443 HTTP/1.1", "GET http://example.com/ HTTP/1.1",
                            "GET HTTPS://example.com/ HTTP/1.1"}) {
    CHECK_MESSAGE(counted_in(proxy, "http-open-proxy"), std::string(proxy));
  }
  for (const char* origin : {"GET /http://example.com/ HTTP/1.1", "GET /index.html HTTP/1.1", "GET * HTTP/1.1"}) {
    CHECK_MESSAGE(!counted_in(origin, "http-open-proxy"), std::string(origin));
  }
}

TEST_CASE("custom rules match their field decoded, whether or not the caches have seen the line") {
  auto row = [](const char* name, EventFilter::Field field, const char* regex, std::vector<std::string> literals) {
    Scenario s{name, "", EventFilter(), BucketSettings()};
    s.filter.field = field;
    if (regex) s.filter.regex = std::make_shared<re2::RE2>(regex);
    s.filter.literals = std::move(literals);
    s.settings.capacity = 100;
    return s;
  };
  Harness h({row("query-debug", EventFilter::Field::kQuery, "^debug=1$", {}),
             row("path-admin", EventFilter::Field::kPath, "^/admin/", {}),
             row("ua-acme", EventFilter::Field::kUserAgent, nullptr, {"AcmeScanner"}),
             row("method-purge", EventFilter::Field::kMethod, nullptr, {"PURGE"})});
  auto counted = [&](std::string_view request, std::string_view ua = "Mozilla/5.0") {
    h.Feed("192.0.2.6", 1, request, 200, ua);
    return h.Counted();
  };
  for (int pass = 0; pass < 2; ++pass) {  // the second time, every value is cached
    CAPTURE(pass);
    CHECK(counted("GET /x?%64ebug=1 HTTP/1.1") == "query-debug ");
    CHECK(counted("GET /x?debug=12 HTTP/1.1") == "");
    CHECK(counted("GET /%41dmin/users HTTP/1.1") == "path-admin ");  // decoded and lower-cased
    CHECK(counted("GET /administrator HTTP/1.1") == "");
    CHECK(counted("GET / HTTP/1.1", "Mozilla/5.0 (acmescanner 2.0)") == "ua-acme ");
    CHECK(counted("PURGE /x HTTP/1.1") == "method-purge ");
  }
}
