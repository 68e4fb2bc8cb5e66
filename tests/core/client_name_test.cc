#include "core/client_name.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("host names are told from addresses and junk") {
  CHECK(IsHostName("dsl-187-22.example.net"));
  CHECK(IsHostName("localhost"));
  CHECK(IsHostName("a1.b2"));
  CHECK_FALSE(IsHostName("192.0.2.300"));  // a numeric top label: a broken address, not a name
  CHECK_FALSE(IsHostName("0x7f.1"));
  CHECK(IsHostName("1-2-3-4.dsl.example.de"));
  CHECK_FALSE(IsHostName(""));
  CHECK_FALSE(IsHostName("-bad.example.com"));
  CHECK_FALSE(IsHostName("bad-.example.com"));
  CHECK_FALSE(IsHostName("a..b"));
  CHECK_FALSE(IsHostName("a.b."));
  CHECK_FALSE(IsHostName("evil\".example.com"));
  CHECK_FALSE(IsHostName("a b.example.com"));
  CHECK_FALSE(IsHostName(std::string(64, 'a') + ".com"));
  const std::string label(63, 'a');
  CHECK(IsHostName(label + "." + label + "." + label + "." + std::string(61, 'a')));  // 253
  CHECK_FALSE(IsHostName(label + "." + label + "." + label + "." + label));         // 255
}

TEST_CASE("a host name's key is stable, caseless, in the discard prefix and never a real client's") {
  const IpAddress a = HostNameKey("Crawl-1.Example.NET");
  CHECK(a == HostNameKey("crawl-1.example.net"));
  CHECK(a != HostNameKey("crawl-2.example.net"));
  CHECK(IsHostNameKey(a));
  CHECK_FALSE(a.is_v4());
  CHECK_FALSE(IsHostNameKey(*IpAddress::Parse("2001:db8::1")));
  CHECK_FALSE(IsHostNameKey(*IpAddress::Parse("192.0.2.1")));
}
