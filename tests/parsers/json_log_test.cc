#include "parsers/json_log.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("JSON access logs are read by key in any order") {
  auto p = NewJsonLogParser();
  LogRecord r;
  REQUIRE(p->Parse(R"({"status":404,"remote_addr":"2001:db8::9","request":"GET /a?b=c HTTP/2.0","time_iso8601":"2024-03-31T01:00:00+00:00","http_user_agent":"say \"hi\"","body_bytes_sent":12,"request_time":0.250,"other":{"x":[1,2]}})", &r) == Reject::kNone);
  CHECK(r.client.ToString() == "2001:db8::9");
  CHECK(r.status == 404);
  CHECK(r.path == "/a");
  CHECK(r.query == "b=c");
  CHECK(r.user_agent == "say \"hi\"");
  CHECK(r.bytes == 12);
  CHECK(r.request_time_ms == 250);
  CHECK(FormatIso8601(r.time) == "2024-03-31T01:00:00Z");
}

TEST_CASE("raw high bytes that nginx's escape=json leaves do not lose the line") {
  auto p = NewJsonLogParser();
  LogRecord r;
  REQUIRE(p->Parse("{\"remote_addr\":\"192.0.2.1\",\"request\":\"GET /\xff\xfe HTTP/1.1\",\"status\":\"400\"}", &r) == Reject::kNone);
  CHECK(r.status == 400);
}

TEST_CASE("broken JSON and bad clients are rejected") {
  auto p = NewJsonLogParser();
  LogRecord r;
  CHECK(p->Parse(R"({"remote_addr":"192.0.2.1",)", &r) == Reject::kBadJson);
  CHECK(p->Parse(R"({"remote_addr":"local host"})", &r) == Reject::kBadClient);
  CHECK(p->Parse(R"({"remote_addr":"192.0.2.300"})", &r) == Reject::kBadClient);
  // A host name is a client of its own, never banned (core/client_name.h).
  REQUIRE(p->Parse(R"({"remote_addr":"crawler-7.example.net"})", &r) == Reject::kNone);
  CHECK(r.client_name == "crawler-7.example.net");
  CHECK(p->Parse(R"({"status":200})", &r) == Reject::kBadClient);
  CHECK(p->Parse("plain text", &r) == Reject::kFormatMismatch);
}
