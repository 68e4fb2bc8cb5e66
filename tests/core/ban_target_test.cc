#include "core/ban_target.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("only canonical, narrow enough, non-loopback targets may be banned") {
  CHECK(ValidateBanTarget(*Cidr::Parse("203.0.113.7")).ok());
  CHECK(ValidateBanTarget(*Cidr::Parse("2001:db8:1:2::/64")).ok());
  CHECK(ValidateBanTarget(*Cidr::Parse("198.51.0.0/16")).ok());
  CHECK(ValidateBanTarget(*Cidr::Parse("0.0.0.0/0")).message() == "'0.0.0.0/0' is broader than /16");
  CHECK(!ValidateBanTarget(*Cidr::Parse("::/0")).ok());
  CHECK(!ValidateBanTarget(*Cidr::Parse("10.0.0.0/8")).ok());
  CHECK(!ValidateBanTarget(*Cidr::Parse("2001::/16")).ok());
  CHECK(ValidateBanTarget(*Cidr::Parse("127.0.0.1")).message() == "'127.0.0.1' is or covers loopback");
  CHECK(!ValidateBanTarget(*Cidr::Parse("::1")).ok());
  // a bare "::1" banned per /64
  CHECK(ValidateBanTarget(*Cidr::Parse("::/64")).message() == "'::/64' is or covers loopback");
  CHECK(!ValidateBanTarget(*Cidr::Parse("127.1.0.0/16")).ok());
  CHECK(ValidateBanTarget(*Cidr::Parse("0:0:0:2::/64")).ok());
  CHECK(ValidateBanTarget(*Cidr::Parse("10.0.0.0/8"), 8, 32).ok());
}

TEST_CASE("a client is counted and banned as its address, or its IPv6 prefix; a given address means the same") {
  CHECK(ClientTarget(*IpAddress::Parse("203.0.113.7"), 64).ToString() == "203.0.113.7");
  CHECK(ClientTarget(*IpAddress::Parse("2001:db8:1:2::7"), 64).ToString() == "2001:db8:1:2::/64");
  CHECK(ClientTarget(*IpAddress::Parse("2001:db8:1:2::7"), 128).ToString() == "2001:db8:1:2::7");
  CHECK(GivenTarget(*Cidr::Parse("2001:db8:1:2::7"), 64).ToString() == "2001:db8:1:2::/64");
  CHECK(GivenTarget(*Cidr::Parse("2001:db8::/48"), 64).ToString() == "2001:db8::/48");
  CHECK(GivenTarget(*Cidr::Parse("198.51.100.0/24"), 64).ToString() == "198.51.100.0/24");
}

TEST_CASE("ClientAddress is ClientTarget's address, host-name keys and all") {
  for (const char* a : {"203.0.113.7", "2001:db8:1:2::7", "::ffff:10.0.0.1"}) {
    const IpAddress ip = *IpAddress::Parse(a);
    for (int prefix : {48, 64, 128}) CHECK(ClientAddress(ip, prefix) == ClientTarget(ip, prefix).address());
  }
  const IpAddress host = HostNameKey("client.example.net");
  CHECK(ClientAddress(host, 64) == host);
  CHECK(ClientTarget(host, 64).address() == host);
}

TEST_CASE("an IPv6 address that carries an IPv4 client (NAT64, 64:ff9b::/96) is that one client") {
  // Behind a NAT64 or SIIT translator every IPv4 user shows as 64:ff9b::
  // and its IPv4 address: counted per /64 they were one client, and the
  // first flood of a busy site banned every IPv4 user at once.
  CHECK(ClientTarget(*IpAddress::Parse("64:ff9b::c633:6407"), 64).ToString() == "64:ff9b::c633:6407");
  CHECK(ClientAddress(*IpAddress::Parse("64:ff9b::c633:6407"), 64).ToString() == "64:ff9b::c633:6407");
  CHECK(GivenTarget(*Cidr::Parse("64:ff9b::198.51.100.7"), 64).ToString() == "64:ff9b::c633:6407");
  CHECK(ClientTarget(*IpAddress::Parse("64:ff9b:0:1::7"), 64).ToString() == "64:ff9b:0:1::/64");  // not in the /96
  // Its prefixes are IPv4 prefixes: /16 of IPv4 at most, and nothing that covers them all.
  CHECK(ValidateBanTarget(*Cidr::Parse("64:ff9b::c633:0/112")).ok());
  CHECK(ValidateBanTarget(*Cidr::Parse("64:ff9b::c633:6400/120")).ok());
  CHECK(ValidateBanTarget(*Cidr::Parse("64:ff9b::c600:0/104")).message() ==
        "'64:ff9b::c600:0/104' is broader than /112 (an IPv4 /16 through NAT64)");
  CHECK(ValidateBanTarget(*Cidr::Parse("64:ff9b::/64")).message() ==
        "'64:ff9b::/64' covers 64:ff9b::/96, every IPv4 client of a NAT64");
  CHECK(!ValidateBanTarget(*Cidr::Parse("64:ff9b::/96")).ok());
  CHECK(!ValidateBanTarget(*Cidr::Parse("64::/16"), 16, 16).ok());
  CHECK(ValidateBanTarget(*Cidr::Parse("64:ff9b:0:1::/64")).ok());
}
