#include "core/cidr.h"

#include <doctest/doctest.h>

using defender::Cidr;
using defender::IpAddress;

TEST_CASE("a CIDR contains the addresses under its prefix only") {
  auto c = Cidr::Parse("192.0.2.0/24");
  REQUIRE(c);
  CHECK(c->Contains(*IpAddress::Parse("192.0.2.200")));
  CHECK(!c->Contains(*IpAddress::Parse("192.0.3.1")));
  CHECK(!c->Contains(*IpAddress::Parse("::ffff:c000:300")));
  auto v6 = Cidr::Parse("2001:db8::/32");
  REQUIRE(v6);
  CHECK(v6->Contains(*IpAddress::Parse("2001:db8:ffff::1")));
  CHECK(!v6->Contains(*IpAddress::Parse("192.0.2.1")));
}

TEST_CASE("host bits are cleared and a host prints without a prefix") {
  CHECK(Cidr::Parse("10.1.2.3/8")->ToString() == "10.0.0.0/8");
  CHECK(Cidr::Parse("10.1.2.3")->ToString() == "10.1.2.3");
  CHECK(Cidr::Parse("10.1.2.3/32")->ToString() == "10.1.2.3");
  CHECK(Cidr::Parse("2001:db8::5/64")->ToString() == "2001:db8::/64");
}

TEST_CASE("malformed CIDRs are refused") {
  for (const char* text : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/08", "all",
                           "10.0.0.0/8/8", "10.0.0.0/-1", "010.0.0.0/8", "10.0.0.0/ 8"}) {
    CHECK_MESSAGE(!Cidr::Parse(text).has_value(), text);
  }
}
