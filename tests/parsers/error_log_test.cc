#include "parsers/error_log.h"

#include <doctest/doctest.h>

using namespace defender;

namespace {
// The record points into the line: keep the line alive until the next call.
Reject ParseError(std::string line, LogRecord* r) {
  static std::string keep;
  keep = std::move(line);
  return NewErrorLogParser()->Parse(keep, r);
}
constexpr std::string_view kHead = "2024/03/31 01:00:00 [error] 1234#1234: *5678 ";
std::string Line(std::string_view message) { return std::string(kHead) + std::string(message); }
}  // namespace

TEST_CASE("limit_req, limit_conn and access-forbidden lines give the client and the event") {
  LogRecord r;
  REQUIRE(ParseError(Line(R"(limiting requests, excess: 10.520 by zone "one", client: 198.51.100.7, server: example.com, request: "GET /api?a=1 HTTP/1.1", host: "example.com")"), &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kLimitReq);
  CHECK(r.client.ToString() == "198.51.100.7");
  CHECK(r.path == "/api");
  CHECK(r.host == "example.com");
  REQUIRE(ParseError(Line(R"(limiting connections by zone "addr", client: 2001:db8::7, server: example.com, request: "GET / HTTP/1.1", host: "example.com")"), &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kLimitConn);
  CHECK(r.client.ToString() == "2001:db8::7");
  REQUIRE(ParseError(Line(R"(access forbidden by rule, client: 192.0.2.1, server: x, request: "GET /admin HTTP/1.1", host: "x")"), &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kAccessForbidden);
}

TEST_CASE("basic-auth failures are recognised") {
  LogRecord r;
  REQUIRE(ParseError(Line(R"(user "admin" was not found in "/etc/nginx/.htpasswd", client: 192.0.2.9, server: x, request: "GET /admin HTTP/1.1", host: "x")"), &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kAuthUserNotFound);
  CHECK(r.client.ToString() == "192.0.2.9");
  REQUIRE(ParseError(Line(R"(user "bob": password mismatch, client: 192.0.2.9, server: x, request: "GET /admin HTTP/1.1", host: "x")"), &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kAuthPasswordMismatch);
  REQUIRE(ParseError(Line(R"(no user/password was provided for basic authentication, client: 192.0.2.9, server: x, request: "GET /admin HTTP/1.1", host: "x")"), &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kAuthNoCredentials);
}

TEST_CASE("a user name cannot forge the client: it holds no ':', so nginx's ', client: ' is the first") {
  LogRecord r;
  // Not a line nginx can write (the name would end at the first ':'): it
  // does not have the shape of a basic-auth failure before its first client.
  CHECK(ParseError(Line(R"(user "x", client: 6.6.6.6, server: y" was not found in "/etc/nginx/.htpasswd", client: 192.0.2.9, server: x, request: "GET / HTTP/1.1", host: "x")"), &r) == Reject::kIgnored);
}

TEST_CASE("a referer holding ', client: ADDR' does not hide a basic-auth failure") {
  LogRecord r;
  REQUIRE(ParseError(Line(R"(user "admin" was not found in "/etc/nginx/.htpasswd", client: 192.0.2.9, server: x, request: "GET /admin HTTP/1.1", host: "x", referrer: "http://a/, client: 9.9.9.9, server: y")"), &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kAuthUserNotFound);
  CHECK(r.client.ToString() == "192.0.2.9");
  REQUIRE(ParseError(Line(R"(user "bob": password mismatch, client: 192.0.2.10, server: x, request: "GET /admin HTTP/1.1", host: "x", referrer: ", client: 9.9.9.9")"), &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kAuthPasswordMismatch);
  CHECK(r.client.ToString() == "192.0.2.10");
}

TEST_CASE("other error-log messages are ignored, junk is a mismatch") {
  LogRecord r;
  CHECK(ParseError(Line(R"(open() "/var/www/x" failed (2: No such file or directory), client: 1.2.3.4, server: x)"), &r) == Reject::kIgnored);
  CHECK(ParseError("not an error log", &r) == Reject::kFormatMismatch);
  CHECK(ParseError(Line(R"(access forbidden by rule, client: 01.2.3.4, server: x)"), &r) == Reject::kBadClient);
}

TEST_CASE("PAM basic-auth failures and limit_req's delaying lines are recognised") {
  LogRecord r;
  REQUIRE(ParseError(Line(R"(PAM: user 'admin' - not authenticated: Authentication failure, client: 192.0.2.11, server: x, request: "GET /private/ HTTP/1.1", host: "x")"), &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kAuthPasswordMismatch);
  CHECK(r.client.ToString() == "192.0.2.11");
  REQUIRE(ParseError("2024/03/31 01:00:00 [warn] 1234#1234: *5678 delaying request, excess: 0.520, by zone \"one\", client: 198.51.100.8, server: x, request: \"GET / HTTP/1.1\", host: \"x\"", &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kLimitReq);
  CHECK(r.client.ToString() == "198.51.100.8");
}

TEST_CASE("TLS handshake failures and the mail proxy's failed logins are recognised") {
  LogRecord r;
  REQUIRE(ParseError("2024/03/31 01:00:00 [info] 1234#1234: *5678 SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking, client: 192.0.2.13, server: 0.0.0.0:443", &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kTlsHandshakeFailed);
  CHECK(r.client.ToString() == "192.0.2.13");
  // The login is the client's and comes after nginx's ", client: ".
  REQUIRE(ParseError("2024/03/31 01:00:00 [info] 1234#0: *7 client login failed: \"Invalid login or password\" while in http auth state, client: 192.0.2.14, server: 0.0.0.0:993, login: \"bob, client: 6.6.6.6\"", &r) == Reject::kNone);
  CHECK(r.kind == EventKind::kMailLoginFailed);
  CHECK(r.client.ToString() == "192.0.2.14");
  CHECK(ParseError("2024/03/31 01:00:00 [info] 1234#1234: *5678 peer closed connection in SSL handshake while SSL handshaking, client: 192.0.2.13, server: 0.0.0.0:443", &r) == Reject::kIgnored);
}
