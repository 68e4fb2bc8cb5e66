#include "detectors/signature_rules.h"

#include <algorithm>

#include <doctest/doctest.h>

#include "detectors/signature_matcher.h"
#include "parsers/log_format.h"
#include "parsers/request_decoder.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::Must;

namespace {

// Runs one sample through the real decoder and matcher, as a log line's
// field would go: "ua:..." and "referer:..." are headers, the rest targets.
bool Matches(SignatureMatcher& m, uint16_t id, std::string_view sample) {
  LogRecord r;
  std::string request;
  if (sample.starts_with("ua:")) {
    r.user_agent = sample.substr(3);
    SplitRequest("GET / HTTP/1.1", &r);
  } else if (sample.starts_with("referer:")) {
    r.referer = sample.substr(8);
    SplitRequest("GET / HTTP/1.1", &r);
  } else {
    request = fmt::format("GET {} HTTP/1.1", sample);
    SplitRequest(request, &r);
  }
  RequestDecoder decoder;
  return m.Scan(r, decoder).Has(id);
}

}  // namespace

TEST_CASE("every built-in signature matches its samples and none of its look-alikes") {
  auto m = Must(SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), ""));
  const auto& rules = BuiltinSignatures();
  for (uint16_t id = 0; id < rules.size(); ++id) {
    const SignatureRule& rule = rules[id];
    CHECK_MESSAGE(!rule.must_match.empty(), rule.name);
    CHECK_MESSAGE(!rule.must_not_match.empty(), rule.name);
    for (std::string_view s : rule.must_match) CHECK_MESSAGE(Matches(*m, id, s), rule.name, " must match ", s);
    for (std::string_view s : rule.must_not_match) CHECK_MESSAGE(!Matches(*m, id, s), rule.name, " must not match ", s);
  }
}

TEST_CASE("benign traffic of the kinds the issue names matches no signature at all") {
  auto m = Must(SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), ""));
  RequestDecoder decoder;
  for (std::string_view target :
       {"/search?q=select+union", "/blog/union-station", "/api/v1/passwords/reset", "/search?q=%22quoted+phrase%22",
        "/search?q=o%27reilly", "/search?q=drop+table+tennis", "/search?q=1%3D1+math", "/blog/sleep-better",
        "/static/js/app.9c8d7e.js", "/api/v1/items?limit=20&offset=40", "/category/shoes?page=2", "/",
        "/blog/the-passwd-of-the-ancients", "/search?q=caf%C3%A9", "/search?q=50%25+off", "/products/42",
        "/view.php?cat=4&amp;id=12", "/a?x=1;idx=2", "/a?q=1;identity"}) {
    LogRecord r;
    std::string request = fmt::format("GET {} HTTP/1.1", target);
    SplitRequest(request, &r);
    r.user_agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36";
    r.referer = "https://www.google.com/";
    const auto& hits = m->Scan(r, decoder);
    CHECK_MESSAGE(hits.count == 0, target, " matched ", hits.count ? m->name(hits.ids[0]) : "");
  }
  for (std::string_view ua : {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                              "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "curl/8.4.0",
                              "python-requests/2.31.0", "Wget/1.21.3", "Go-http-client/2.0",
                              "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15",
                              // readers and crawlers that real logs showed banned for RCE or a bad agent
                              "Opera/9.80 (J2ME/MIDP; Opera Mini/4.2.14912/870; U; id) Presto/2.4.15",
                              "Mozilla/5.0 (Linux; U; Android 10; id-ID; Redmi Note 8 Build/QKQ1.200114.002) "
                              "AppleWebKit/537.36 (KHTML, like Gecko) UCBrowser/13.4.0.1306 Mobile Safari/537.36",
                              "Apache-Nutch-1.19 (mycrawler; https://example.org/bot)", "Nutch-1.4 (crawler)",
                              "Xenu Link Sleuth/1.3.8", "libwww-perl/6.67", "Python-urllib/2.7", "Python-urllib/3.11",
                              "LWP::Simple/6.00 libwww-perl/6.05", "W3C-checklink/5.0.0 libwww-perl/6.67",
                              "Mozilla/5.0 (compatible; Linux x86_64; Mail.RU_Bot/2.0; +https://help.mail.ru/webmaster/robots)"}) {
    LogRecord r;
    SplitRequest("GET / HTTP/1.1", &r);
    r.user_agent = ua;
    CHECK_MESSAGE(m->Scan(r, decoder).count == 0, ua);
  }
}

TEST_CASE("the bad user-agent list is a real list and catches the usual tools") {
  CHECK(BadUserAgents().size() >= 200);
  auto m = Must(SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), ""));
  uint16_t bad = uint16_t(BuiltinSignatures().size());
  CHECK(m->name(bad) == "bad-user-agent");
  for (std::string_view ua : {"sqlmap/1.7.2#stable (https://sqlmap.org)", "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None)",
                              "masscan/1.3", "Mozilla/5.0 zgrab/0.x", "WPScan v3.8.25", "gobuster/3.6",
                              "Fuzz Faster U Fool v2.1.0-dev", "Mozilla/5.0 (compatible; Nmap Scripting Engine)",
                              "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)"}) {
    CHECK_MESSAGE(Matches(*m, bad, std::string("ua:") + std::string(ua)), ua);
  }
}

TEST_CASE("a signature that does not compile is reported with its name") {
  std::vector<SignatureRule> rules = {{"broken-rule", "x", kFieldUri, "(unclosed", {}, {}}};
  auto refused = SignatureMatcher::Create(rules, {}, "");
  CHECK(refused.status().code() == StatusCode::kInvalid);
  CHECK(refused.status().message().starts_with("signature rule 'broken-rule': "));
}

namespace {

// The matches of record r through matcher m, sorted.
std::vector<uint16_t> SortedHits(SignatureMatcher& m, const LogRecord& r) {
  RequestDecoder decoder;
  const SignatureHits& hits = m.Scan(r, decoder);
  std::vector<uint16_t> ids(hits.ids, hits.ids + hits.count);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The matches of request "GET target HTTP/1.1", sorted.
std::vector<uint16_t> TargetHits(SignatureMatcher& m, std::string_view target) {
  LogRecord r;
  std::string request = fmt::format("GET {} HTTP/1.1", target);
  SplitRequest(request, &r);
  return SortedHits(m, r);
}

// The same for a record whose path and query are logged apart (as $uri and
// $args log them).
std::vector<uint16_t> SplitHits(SignatureMatcher& m, std::string_view path, std::string_view query) {
  LogRecord r;
  r.method = "GET";
  r.protocol = "HTTP/1.1";
  r.path = path;
  r.query = query;
  return SortedHits(m, r);
}

}  // namespace

TEST_CASE("the value cache answers as the scans did: again, after it was emptied, and across URI and path") {
  auto m = Must(SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), ""));
  std::vector<std::string_view> targets;
  for (const auto& rule : BuiltinSignatures()) {
    for (auto list : {&rule.must_match, &rule.must_not_match}) {
      for (std::string_view s : *list) {
        if (!s.starts_with("ua:") && !s.starts_with("referer:")) targets.push_back(s);
      }
    }
  }
  REQUIRE(targets.size() > 200);
  std::vector<std::vector<uint16_t>> first;
  size_t matching = 0;
  for (auto t : targets) {
    first.push_back(TargetHits(*m, t));
    matching += !first.back().empty();
  }
  CHECK(matching > 100);
  for (size_t i = 0; i < targets.size(); ++i) CHECK_MESSAGE(TargetHits(*m, targets[i]) == first[i], targets[i]);
  // 40 000 new targets overflow the set (32 768 values): it is emptied and
  // everything above is scanned again.
  for (int i = 0; i < 40000; ++i) CHECK(TargetHits(*m, fmt::format("/catalogue/item-{}", i)).empty());
  CHECK(m->cached_values() <= 32768 + 2);  // + the one user agent and referer
  for (size_t i = 0; i < targets.size(); ++i) CHECK_MESSAGE(TargetHits(*m, targets[i]) == first[i], targets[i]);
  // A path seen first behind a query (its URI then differs) and later as a
  // whole URI: the entry it left must not answer for the URI database.
  auto fresh = Must(SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), ""));
  for (auto t : targets) {
    if (t.find_first_of("?#") == std::string_view::npos) TargetHits(*fresh, fmt::format("{}?page=2", t));
  }
  for (size_t i = 0; i < targets.size(); ++i) CHECK_MESSAGE(TargetHits(*fresh, targets[i]) == first[i], targets[i]);
}

TEST_CASE("targets are cached as logged, with where their path ends") {
  // "/.env" + "?x" and a path "/.env?x" (a decoded %3F in $uri) are the same
  // text but decode to different paths: the cache must not answer for one
  // with the other's matches, in either order.
  auto fresh = [&] { return Must(SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), "")); };
  auto a = fresh(), b = fresh();
  REQUIRE(a != nullptr);
  const auto query_apart = SplitHits(*a, "/.env", "x");
  const auto all_path = SplitHits(*b, "/.env?x", "");
  REQUIRE(query_apart != all_path);  // else this test could not fail
  auto shared = fresh();
  CHECK(SplitHits(*shared, "/.env", "x") == query_apart);
  CHECK(SplitHits(*shared, "/.env?x", "") == all_path);
  shared = fresh();
  CHECK(SplitHits(*shared, "/.env?x", "") == all_path);
  CHECK(SplitHits(*shared, "/.env", "x") == query_apart);
  // A query logged apart from its path is looked up as path?query too.
  std::string line = "/.env?x";
  CHECK(SplitHits(*shared, std::string_view(line).substr(0, 5), std::string_view(line).substr(6)) == query_apart);
}

TEST_CASE("headers are cached as logged and matched decoded, again from the cache") {
  auto m = Must(SignatureMatcher::Create(BuiltinSignatures(), BadUserAgents(), ""));
  uint16_t xss = 0;
  while (m->name(xss) != "xss-script-tag") ++xss;
  // nginx logs a space in a header as \x20: only the decoded text matches.
  for (int i = 0; i < 2; ++i) {
    CHECK(Matches(*m, xss, "referer:https://a.example/<\\x20script>"));
    CHECK(!Matches(*m, xss, "referer:https://a.example/<\\x20scripts-page>"));
  }
}
