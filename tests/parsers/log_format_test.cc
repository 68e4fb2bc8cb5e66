#include "parsers/log_format.h"

#include <doctest/doctest.h>

#include "parsers/presets.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::Must;

namespace {

std::unique_ptr<LineParser> Parser(std::string_view spec) { return Must(NewParser(spec)); }

constexpr std::string_view kDefenderLine =
    R"L(198.51.100.7 - alice [31/Mar/2024:01:00:00 +0000] "GET /search?q=a+b&x=1 HTTP/1.1" 200 5120 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)" 0.012 0.010, 0.002 "203.0.113.1")L";

}  // namespace

TEST_CASE("a user name holding ' [' or '] ' cannot shift the fields after it") {
  for (std::string_view spec : {"combined", "main", "defender", "auto"}) {
    auto p = Parser(spec);
    LogRecord r;
    constexpr std::string_view kLine =
        R"L(203.0.113.5 - a [b] x [c [31/Mar/2024:01:00:00 +0000] "GET /.env HTTP/1.1" 404 153 "-" "sqlmap/1.7" 0.001 - "-")L";
    const std::string combined(kLine.substr(0, kLine.find(" 0.001")));
    const std::string line = spec == "combined" ? combined : spec == "main" ? combined + R"( "-")" : std::string(kLine);
    INFO(spec);
    REQUIRE(p->Parse(line, &r) == Reject::kNone);
    CHECK(r.client.ToString() == "203.0.113.5");
    CHECK(r.remote_user == "a [b] x [c");
    CHECK(FormatIso8601(r.time) == "2024-03-31T01:00:00Z");
    CHECK(r.path == "/.env");
    CHECK(r.status == 404);
    CHECK(r.user_agent == "sqlmap/1.7");
  }
}

TEST_CASE("an escaped quote inside a quoted field (Apache's \\\", never nginx's) does not end it") {
  auto p = Parser("combined");
  LogRecord r;
  constexpr std::string_view kLine =
      R"L(203.0.113.5 - - [31/Mar/2024:01:00:00 +0000] "GET /x?q=\"><script>\" HTTP/1.1" 200 5 "-" "Mozilla \"quoted\" agent")L";
  REQUIRE(p->Parse(kLine, &r) == Reject::kNone);
  CHECK(r.path == "/x");
  CHECK(r.query == R"(q=\"><script>\")");
  CHECK(r.protocol == "HTTP/1.1");
  CHECK(r.user_agent == R"(Mozilla \"quoted\" agent)");
  // An escaped backslash before a quote is a backslash: the quote ends the field.
  constexpr std::string_view kBackslash =
      R"L(203.0.113.5 - - [31/Mar/2024:01:00:00 +0000] "GET /a\\" 400 5 "-" "x")L";
  REQUIRE(p->Parse(kBackslash, &r) == Reject::kNone);
  CHECK(r.status == 400);
}

TEST_CASE("the defender preset reads every field") {
  auto p = Parser("defender");
  LogRecord r;
  REQUIRE(p->Parse(kDefenderLine, &r) == Reject::kNone);
  CHECK(r.client.ToString() == "198.51.100.7");
  CHECK(r.remote_user == "alice");
  CHECK(FormatIso8601(r.time) == "2024-03-31T01:00:00Z");
  CHECK(r.method == "GET");
  CHECK(r.path == "/search");
  CHECK(r.query == "q=a+b&x=1");
  CHECK(r.protocol == "HTTP/1.1");
  CHECK(r.status == 200);
  CHECK(r.bytes == 5120);
  CHECK(r.referer == "https://example.com/");
  CHECK(r.user_agent == "Mozilla/5.0 (X11; Linux x86_64)");
  CHECK(r.request_time_ms == 12);
  CHECK(r.upstream_response_time == "0.010, 0.002");
  CHECK(r.x_forwarded_for == "203.0.113.1");
}

TEST_CASE("dashes are empty fields") {
  auto p = Parser("combined");
  LogRecord r;
  REQUIRE(p->Parse(R"(192.0.2.1 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.0" 304 - "-" "-")", &r) ==
          Reject::kNone);
  CHECK(r.remote_user.empty());
  CHECK(r.referer.empty());
  CHECK(r.user_agent.empty());
  CHECK(r.bytes == -1);
}

TEST_CASE("junk request lines are records with an empty method") {
  auto p = Parser("combined");
  LogRecord r;
  for (std::string_view request : {"-", R"(\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03)", "/index.html",
                                   "get / HTTP/1.1", "GET  HTTP/1.1"}) {
    std::string line = fmt::format(R"(192.0.2.1 - - [31/Mar/2024:01:00:00 +0000] "{}" 400 157 "-" "-")", request);
    REQUIRE_MESSAGE(p->Parse(line, &r) == Reject::kNone, line);
    CHECK(r.method.empty());
    CHECK(r.status == 400);
  }
  REQUIRE(p->Parse(R"(192.0.2.1 - - [31/Mar/2024:01:00:00 +0000] "CONNECT example.com:443 HTTP/1.1" 400 0 "-" "-")", &r) == Reject::kNone);
  CHECK(r.method == "CONNECT");
  CHECK(r.path == "example.com:443");
  REQUIRE(p->Parse(R"(192.0.2.1 - - [31/Mar/2024:01:00:00 +0000] "GET /old" 200 0 "-" "-")", &r) == Reject::kNone);
  CHECK(r.method == "GET");  // HTTP/0.9
  CHECK(r.protocol.empty());
}

TEST_CASE("a fake log line inside the user agent or URI never becomes the client") {
  auto p = Parser("combined");
  LogRecord r;
  // nginx writes '"' inside a value as \x22, so the value cannot end early.
  std::string line =
      R"(192.0.2.1 - - [31/Mar/2024:01:00:00 +0000] "GET /x?a=\x22 6.6.6.6 - - [31/Mar/2024:01:00:00 +0000] \x22GET / HTTP/1.1\x22 200 HTTP/1.1" 404 0 "-" "6.6.6.6 - - [31/Mar/2024:01:00:00 +0000] \x22GET /\x22 200 0")";
  REQUIRE(p->Parse(line, &r) == Reject::kNone);
  CHECK(r.client.ToString() == "192.0.2.1");
  CHECK(r.status == 404);
  // With raw quotes (escape=none) a forged line ends up inside the last
  // quoted field; the client is still the first field.
  std::string forged =
      R"(192.0.2.1 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 0 "-" "a" 6.6.6.6 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 0 "-" "b")";
  REQUIRE(p->Parse(forged, &r) == Reject::kNone);
  CHECK(r.client.ToString() == "192.0.2.1");
  CHECK(r.status == 200);
}

TEST_CASE("a line cut inside its last quoted field is read to its end and marked") {
  auto p = Parser("combined");
  LogRecord r;
  REQUIRE(p->Parse(R"(1.1.1.1 - - [31/Mar/2024:01:00:00 +0000] "GET /a HTTP/1.1" 200 0 "-" "Mozilla/5.0 (Windows NT)", &r) ==
          Reject::kNone);
  CHECK(r.user_agent == "Mozilla/5.0 (Windows NT");
  CHECK(r.truncated);
  REQUIRE(p->Parse(R"(1.1.1.1 - - [31/Mar/2024:01:00:00 +0000] "GET /a HTTP/1.1" 200 0 "-" "Mozilla/5.0")", &r) == Reject::kNone);
  CHECK_FALSE(r.truncated);
  // Cut earlier than the last field: still a mismatch.
  CHECK(p->Parse(R"(1.1.1.1 - - [31/Mar/2024:01:00:00 +0000] "GET /a HTTP/1.1" 200 0 "-)", &r) == Reject::kFormatMismatch);
}

TEST_CASE("lines that do not fit are rejected with a reason") {
  auto p = Parser("combined");
  LogRecord r;
  CHECK(p->Parse("", &r) == Reject::kEmpty);
  CHECK(p->Parse("garbage", &r) == Reject::kFormatMismatch);
  CHECK(p->Parse(R"(010.1.1.1 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 0 "-" "-")", &r) == Reject::kBadClient);
  CHECK(p->Parse(R"( 1.1.1.1 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 0 "-" "-")", &r) == Reject::kBadClient);
  CHECK(p->Parse(R"(fe80::1%eth0 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 0 "-" "-")", &r) == Reject::kBadClient);
  CHECK(p->Parse(R"(1.1.1.1 - - [31/Mar/2024:99:00:00 +0000] "GET / HTTP/1.1" 200 0 "-" "-")", &r) == Reject::kBadTime);
  CHECK(p->Parse(R"(1.1.1.1 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 2000 0 "-" "-")", &r) == Reject::kBadStatus);
  CHECK(p->Parse(R"(1.1.1.1 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 0 "-" "-" extra)", &r) == Reject::kFormatMismatch);
  CHECK(p->Parse(std::string_view("1.1.1.1\0 - - [31/Mar/2024:01:00:00 +0000] \"GET / HTTP/1.1\" 200 0 \"-\" \"-\"", 70), &r) == Reject::kBadClient);
}

TEST_CASE("custom log_format strings compile, with ${var} and unknown variables") {
  auto p = Parser(R"($host ${remote_addr} [$time_iso8601] "$request_method $request_uri" $status $request_length "$http_user_agent")");
  LogRecord r;
  REQUIRE(p->Parse(R"(example.com 2001:db8::5 [2024-03-31T01:00:00+00:00] "POST /wp-login.php?x=1" 200 812 "curl/8.0")", &r) == Reject::kNone);
  CHECK(r.host == "example.com");
  CHECK(r.client.ToString() == "2001:db8::5");
  CHECK(r.method == "POST");
  CHECK(r.path == "/wp-login.php");
  CHECK(r.query == "x=1");
  CHECK(r.user_agent == "curl/8.0");
}

TEST_CASE("escape=json formats skip escaped quotes inside values") {
  auto p = Parser(R"(escape=json $remote_addr "$http_user_agent" $status)");
  LogRecord r;
  REQUIRE(p->Parse(R"(192.0.2.1 "say \"hi\" \\" 200)", &r) == Reject::kNone);
  CHECK(r.user_agent == R"(say \"hi\" \\)");
  CHECK(r.status == 200);
}

TEST_CASE("bad log_format strings are configuration errors") {
  auto error = [](std::string_view spec) {
    auto p = NewParser(spec);
    CHECK(p.status().code() == StatusCode::kInvalid);
    return p.ok() ? std::string() : p.status().message();
  };
  CHECK(error("nonsense").find("unknown format") != std::string::npos);
  CHECK(error("$remote_addr$status").find("follows another variable") != std::string::npos);
  CHECK(error("$status $body_bytes_sent").find("remote_addr") != std::string::npos);
  CHECK(!error("$remote_addr ${status").empty());
}

TEST_CASE("request times that do not fit are absent, not overflowed") {
  CHECK(ParseSecondsToMs("6666666666666666666666.5") == -1);
  CHECK(ParseSecondsToMs("0.250") == 250);
  CHECK(ParseSecondsToMs("-") == -1);
}

TEST_CASE("request times keep three decimals") {
  CHECK(ParseSecondsToMs("0.5") == 500);
  CHECK(ParseSecondsToMs("2.") == 2000);
  CHECK(ParseSecondsToMs("12") == 12000);
  CHECK(ParseSecondsToMs("1.23456") == 1234);
  CHECK(ParseSecondsToMs("0.0019") == 1);
}

TEST_CASE("request lines split into method, path, query and protocol") {
  LogRecord r;
  SplitRequest("GET /a/b?x=1&y=2 HTTP/1.1", &r);
  CHECK(r.method == "GET");
  CHECK(r.path == "/a/b");
  CHECK(r.query == "x=1&y=2");
  CHECK(r.protocol == "HTTP/1.1");
  SplitRequest("POST /a b HTTP/2.0", &r);  // a space inside the target
  CHECK(r.path == "/a b");
  CHECK(r.protocol == "HTTP/2.0");
  const std::string method24(24, 'M'), line24 = method24 + " / HTTP/1.1";
  const std::string line25 = std::string(25, 'M') + " / HTTP/1.1";
  // Protocols of other lengths, and "HTTP/" without the space before it.
  SplitRequest("GET /x HTTP/2", &r);
  CHECK(r.path == "/x");
  CHECK(r.protocol == "HTTP/2");
  SplitRequest("GET /x HTTP/1.1 1", &r);
  CHECK(r.method.empty());
  SplitRequest("GET /xHTTP/1.1", &r);
  CHECK(r.path == "/xHTTP/1.1");
  CHECK(r.protocol.empty());
  SplitRequest("GET /x HTTP/1 1", &r);
  CHECK(r.method.empty());
  SplitRequest(line24, &r);
  CHECK(r.method == method24);
  SplitRequest(line25, &r);
  CHECK(r.method.empty());
  for (std::string_view junk : {"GET", "GET ", " / HTTP/1.1", "G3T / HTTP/1.1", "GET / FTP/1.0", "GET  HTTP/1.1"}) {
    SplitRequest(junk, &r);
    CHECK_MESSAGE(r.method.empty(), junk);
    CHECK(r.request == junk);
  }
}

TEST_CASE("a typo of a variable read is an error naming it; other variables are skipped, warned if not nginx's") {
  auto error = [](std::string_view format) {
    auto f = LogFormat::Compile(format, Escape::kDefault, "custom");
    CHECK_FALSE(f.ok());
    return f.status().message();
  };
  CHECK(error(R"($remote_addr [$time_locl] "$request")").find("unknown variable $time_locl (did you mean $time_local?)") !=
        std::string::npos);
  CHECK(error(R"($remote_addr [$time_local] "$reqest")").find("did you mean $request?") != std::string::npos);
  CHECK(error(R"($remote_addr [$time_local] "$request" "$http_referrer")").find("did you mean $http_referer?") !=
        std::string::npos);
  // nginx's own variables, near a read one or not, are fine and silent.
  auto f = Must(LogFormat::Compile(R"($remote_addr:$remote_port [$time_local] "$request" $hostname $upstream_cache_status)",
                                   Escape::kDefault, "custom"));
  CHECK(f.warnings().empty());
  // A variable of the user's own (map, set): skipped, with a warning.
  f = Must(LogFormat::Compile(R"($remote_addr [$time_local] "$request" $loggable)", Escape::kDefault, "custom"));
  REQUIRE(f.warnings().size() == 1);
  CHECK(f.warnings()[0].find("$loggable is not an nginx variable") != std::string::npos);
  // No time, no request: warned.
  f = Must(LogFormat::Compile("$remote_addr $status", Escape::kDefault, "custom"));
  CHECK(f.warnings().size() == 2);
}
