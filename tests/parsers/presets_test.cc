#include "parsers/presets.h"
#include "tests/test_util.h"

#include <doctest/doctest.h>

using namespace defender;
using defender::testing::Must;

TEST_CASE("auto recognises each preset and a leading vhost field") {
  struct Case {
    std::string_view line, expect;
  } cases[] = {
      {R"(1.2.3.4 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" 0.001 - "-")", "auto:defender"},
      {R"(1.2.3.4 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" "-")", "auto:main"},
      {R"(1.2.3.4 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua")", "auto:combined"},
      {R"(1.2.3.4 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 1)", "auto:common"},
      {R"(example.com 1.2.3.4 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua")", "auto:vhost_combined"},
      {R"(1.2.3.4 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" rt=0.1 ut=0.1)", "auto:combined+"},
      {R"([31/Mar/2024:01:00:00 +0000] - 200 200 - GET https example.com "/a?b=1" [Client 1.2.3.4] [Length 12] [Gzip -] [Sent-to 10.0.0.5] "ua" "-")", "auto:npm"},
      {R"([31/Mar/2024:01:00:00 +0000] 404 - GET http example.com "/x" [Client 1.2.3.4] [Length 12] [Gzip 2.10] "ua" "-")", "auto:npm_standard"},
      {R"({"remote_addr":"1.2.3.4","time_iso8601":"2024-03-31T01:00:00+00:00","request":"GET / HTTP/1.1","status":200})", "auto:json"},
      {R"(2024/03/31 01:00:00 [error] 7#7: *1 access forbidden by rule, client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "x")", "auto:error"},
  };
  for (const auto& c : cases) {
    auto p = Must(NewParser("auto"));
    LogRecord r;
    CHECK_MESSAGE(p->Parse(c.line, &r) == Reject::kNone, c.line);
    CHECK(p->name() == c.expect);
    CHECK(r.client.ToString() == "1.2.3.4");
  }
}

TEST_CASE("auto keeps trying until a line fits, then sticks to that format") {
  auto p = Must(NewParser("auto"));
  LogRecord r;
  CHECK(p->Parse("garbage first line", &r) == Reject::kFormatMismatch);
  CHECK(p->name() == "auto");
  CHECK(p->Parse(R"(1.2.3.4 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua")", &r) == Reject::kNone);
  CHECK(p->name() == "auto:combined");
  CHECK(p->Parse(R"(1.2.3.4 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 1)", &r) == Reject::kFormatMismatch);
}

TEST_CASE("auto reads a file that mixes access and error lines, each line by its own kind") {
  auto p = Must(NewParser("auto"));
  LogRecord r;
  REQUIRE(p->Parse(R"(2024/03/31 01:00:00 [error] 7#7: *1 limiting requests, excess: 5.1 by zone "one", client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "x")", &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kLimitReq);
  CHECK(p->name() == "auto:error");
  REQUIRE(p->Parse(R"(5.6.7.8 - - [31/Mar/2024:01:00:01 +0000] "GET /a HTTP/1.1" 404 1 "-" "ua")", &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kRequest);
  CHECK(r.client.ToString() == "5.6.7.8");
  CHECK(p->name() == "auto:combined+error");
  REQUIRE(p->Parse(R"(2024/03/31 01:00:02 [error] 7#7: *2 user "bob": password mismatch, client: 1.2.3.5, server: x, request: "GET / HTTP/1.1", host: "x")", &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kAuthPasswordMismatch);
  CHECK(p->Parse("2024/03/31 01:00:02 [notice] 7#7: signal process started", &r) == Reject::kIgnored);
  CHECK(p->Parse("garbage", &r) == Reject::kFormatMismatch);
}
