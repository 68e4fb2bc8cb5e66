#include "detectors/detector.h"

#include <algorithm>

#include <doctest/doctest.h>
#include <re2/re2.h>

#include "detectors/static_path.h"
#include "parsers/presets.h"
#include "parsers/request_decoder.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::Must;

namespace {

struct Harness {
  std::unique_ptr<Detector> detector;
  std::unique_ptr<LineParser> parser;
  RequestDecoder decoder;
  std::vector<Alert> alerts;

  explicit Harness(std::vector<Scenario> scenarios = BuiltinScenarios()) {
    detector = Must(Detector::Create(std::move(scenarios), DetectorOptions()));
    parser = Must(NewParser("combined"));
  }
  // Feeds one combined-format line; returns the names of the alerts it raised.
  std::vector<std::string> Feed(std::string_view client, int second, std::string_view request, int status,
                                std::string_view ua = "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Firefox/124.0") {
    std::string line = fmt::format(R"({} - - [31/Mar/2024:{:02}:{:02}:{:02} +0000] "{}" {} 100 "-" "{}")", client,
                                   1 + second / 3600, second / 60 % 60, second % 60, request, status, ua);
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
            "CVE-2017-9841"));
  CHECK(Has(h.Feed("203.0.113.8", 0, "GET /_ignition/execute-solution HTTP/1.1", 404), "http-cve-probing"));
  CHECK(h.Feed("203.0.113.7", 0, "GET / HTTP/1.1", 200, "sqlmap/1.7.2#stable").empty());
  CHECK(Has(h.Feed("203.0.113.7", 1, "GET /a HTTP/1.1", 200, "sqlmap/1.7.2#stable"), "http-bad-user-agent"));
}

TEST_CASE("single CVEs alert under CrowdSec's scenario names") {
  Harness h;
  CHECK(Has(h.Feed("203.0.113.10", 0, "GET /%24%7Bjndi:ldap://x/a%7D HTTP/1.1", 404), "apache_log4j2_cve-2021-44228"));
  CHECK(Has(h.Feed("203.0.113.11", 0, "GET /php/ztp_gate.php/.js.map HTTP/1.1", 404), "CVE-2024-0012"));
  // CVE-2021-42013 is the same traversal URL-encoded twice: once-encoded is 41773 only.
  auto once = h.Feed("203.0.113.12", 0, "GET /cgi-bin/.%2e/.%2e/.%2e/etc/passwd HTTP/1.1", 400);
  CHECK(Has(once, "http-cve-2021-41773"));
  CHECK(!Has(once, "http-cve-2021-42013"));
  auto twice = h.Feed("203.0.113.13", 0, "GET /icons/.%%32%65/.%%32%65/etc/passwd HTTP/1.1", 400);
  CHECK(Has(twice, "http-cve-2021-42013"));
  // Ghost user enumeration: failed POSTs only, the sixth within seconds.
  for (int i = 0; i < 10; ++i) CHECK(h.Feed("203.0.113.14", i, "POST /ghost/api/admin/session HTTP/1.1", 201).empty());
  std::vector<std::string> last;
  for (int i = 0; i < 6; ++i) last = h.Feed("203.0.113.15", 0, "POST /ghost/api/admin/session HTTP/1.1", 404);
  CHECK(Has(last, "CVE-2022-41697"));
  CHECK(CanonicalScenarioName("crowdsecurity/fortinet-cve-2022-40684") == "CVE-2022-40684");
}

TEST_CASE("technology probing counts a product's marker page only when the site does not serve it") {
  Harness h;
  CHECK(h.Feed("203.0.113.20", 0, "GET /owa/auth/logon.aspx HTTP/1.1", 200).empty());  // an Exchange site
  CHECK(Has(h.Feed("203.0.113.21", 0, "GET /+CSCOE+/logon.html HTTP/1.1", 404), "http-technology-probing"));
}

TEST_CASE("random paths and cache-busting queries at DoS rates overflow; a page load with versioned assets does not") {
  Harness h;
  std::vector<std::string> last;
  for (int i = 0; i < 31; ++i) last = h.Feed("203.0.113.30", 0, fmt::format("GET /{:08x} HTTP/1.1", i * 7919), 404);
  CHECK(Has(last, "http-dos-random-uri"));
  for (int i = 0; i < 31; ++i) last = h.Feed("203.0.113.31", 0, fmt::format("GET /?{:08x} HTTP/1.1", i * 7919), 200);
  CHECK(Has(last, "http-dos-bypass-cache"));
  // 60 assets, each with the same ?ver=, then 60 distinct pages one per two seconds.
  for (int i = 0; i < 60; ++i) {
    CHECK(h.Feed("203.0.113.32", 0, fmt::format("GET /wp-content/plugins/p{}/s.js?ver=6.4.2 HTTP/1.1", i), 200).empty());
  }
  for (int i = 0; i < 60; ++i) CHECK(h.Feed("203.0.113.32", 2 + 2 * i, fmt::format("GET /blog/post-{} HTTP/1.1", i), 200).empty());
  // A busy shared address: two new queries a second, but over many paths.
  bool alerted = false;
  for (int i = 0; i < 600; ++i) {
    const char* paths[] = {"/search", "/category/shoes", "/api/v1/items", "/products", "/blog"};
    auto a = h.Feed("203.0.113.33", 200 + i / 2, fmt::format("GET {}?q={} HTTP/1.1", paths[i % 5], i), 200);
    alerted |= Has(a, "http-dos-bypass-cache");
  }
  CHECK_FALSE(alerted);
}

TEST_CASE("a repeated WebDAV request to a site without WebDAV and oversized targets count") {
  Harness h;
  std::vector<std::string> last;
  for (int i = 0; i < 6; ++i) last = h.Feed("203.0.113.50", i, "PROPFIND / HTTP/1.1", 405);
  CHECK(Has(last, "http-webdav-probing"));
  for (int i = 0; i < 6; ++i) last = h.Feed("203.0.113.51", i, "SEARCH /AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA HTTP/1.1", 414);
  CHECK(Has(last, "http-bad-request"));
  // A site that serves WebDAV answers 207.
  for (int i = 0; i < 20; ++i) CHECK(h.Feed("203.0.113.52", i, "PROPFIND /remote.php/dav/files/u/ HTTP/1.1", 207).empty());
}

TEST_CASE("custom scenarios beyond 64 in all are counted") {
  std::vector<Scenario> scenarios = BuiltinScenarios();
  REQUIRE(scenarios.size() > 32);
  while (scenarios.size() < kMaxScenarios) {
    Scenario s;
    s.name = fmt::format("custom-{}", scenarios.size());
    s.filter.field = EventFilter::Field::kPath;
    s.filter.literals = {fmt::format("/custom-{}", scenarios.size())};
    s.settings.capacity = 0;
    scenarios.push_back(std::move(s));
  }
  Harness h(scenarios);
  CHECK(Has(h.Feed("203.0.113.40", 0, fmt::format("GET /custom-{} HTTP/1.1", kMaxScenarios - 1), 200),
            fmt::format("custom-{}", kMaxScenarios - 1)));
  CHECK(Has(h.Feed("203.0.113.41", 0, "GET /custom-70 HTTP/1.1", 200), "custom-70"));
  scenarios.push_back(scenarios.back());
  scenarios.back().name = "one-too-many";
  auto refused = Detector::Create(scenarios, DetectorOptions());
  CHECK(!refused.ok());
  CHECK(refused.status().message().find("at most 128 scenarios") != std::string::npos);
}

TEST_CASE("a shared address whose users log in is not brute-forcing; a guesser who mixes in successes still is") {
  Harness h;
  // A NAT: a login every 10 s for 4 hours, one in six mistyped.
  bool alerted = false;
  for (int i = 0; i < 1440; ++i) {
    auto a = h.Feed("198.51.100.7", 10 * i, "POST /login HTTP/1.1", i % 6 == 5 ? 401 : 302);
    alerted |= Has(a, "http-generic-bf-slow") || Has(a, "http-generic-bf");
  }
  CHECK_FALSE(alerted);
  // A guesser failing every 20 s with a successful POST in between.
  int caught_at = -1;
  for (int i = 0; i < 60 && caught_at < 0; ++i) {
    if (Has(h.Feed("198.51.100.8", 10 * i, "POST /login HTTP/1.1", i % 2 == 0 ? 401 : 200), "http-generic-bf-slow")) {
      caught_at = 10 * i;
    }
  }
  CHECK(caught_at > 0);
  CHECK(caught_at <= 600);
}

TEST_CASE("switching user agents: a rotating client is caught even with a fixed agent in between, a NAT's users are not") {
  Harness h;
  auto ua = [](int n) { return fmt::format("Mozilla/5.0 (Windows NT 10.0) Chrome/{}.0.{}.0", 100 + n % 30, n); };
  // 300 users behind one address, two requests a second, each user a page view of 6 requests.
  bool alerted = false;
  for (int i = 0; i < 3600; ++i) {
    const int user = (i / 6) * 7919 % 300;
    alerted |= Has(h.Feed("198.51.100.9", i / 2, fmt::format("GET /p/{} HTTP/1.1", i % 50), 200, ua(user)),
                   "http-dos-switching-ua");
  }
  CHECK_FALSE(alerted);
  int caught_at = -1;
  for (int i = 0; i < 80 && caught_at < 0; ++i) {
    if (Has(h.Feed("198.51.100.10", i / 4, "GET / HTTP/1.1", 200, i % 2 ? ua(0) : ua(1000 + i)), "http-dos-switching-ua")) {
      caught_at = i;
    }
  }
  CHECK(caught_at > 0);
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
