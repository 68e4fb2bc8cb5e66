#include "decisions/real_client.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("the real client is found right to left past trusted proxies") {
  Allowlist allow({}, {*Cidr::Parse("10.0.0.0/8"), *Cidr::Parse("192.0.2.1")});
  auto ip = [](const char* s) { return *IpAddress::Parse(s); };
  CHECK(RealClient(ip("10.0.0.5"), "203.0.113.7", allow).ToString() == "203.0.113.7");
  CHECK(RealClient(ip("10.0.0.5"), "6.6.6.6, 203.0.113.7, 192.0.2.1", allow).ToString() == "203.0.113.7");
  // A client-written X-Forwarded-For from an untrusted peer is ignored.
  CHECK(RealClient(ip("203.0.113.8"), "6.6.6.6", allow).ToString() == "203.0.113.8");
  // Garbage stops the walk at the last trusted hop.
  CHECK(RealClient(ip("10.0.0.5"), "localhost, 10.0.0.9", allow).ToString() == "10.0.0.9");
  CHECK(RealClient(ip("10.0.0.5"), "", allow).ToString() == "10.0.0.5");
}
