#include "core/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

#include <doctest/doctest.h>

using defender::IpAddress;

TEST_CASE("canonical addresses parse and print back the same") {
  for (const char* text : {"0.0.0.0", "1.2.3.4", "255.255.255.255", "198.51.100.7", "::", "::1",
                           "2001:db8::1", "fe80::1", "2001:db8:1:2:3:4:5:6"}) {
    auto a = IpAddress::Parse(text);
    REQUIRE_MESSAGE(a.has_value(), text);
    CHECK(a->ToString() == text);
  }
}

TEST_CASE("non-canonical and hostile addresses are refused") {
  for (const char* text :
       {"010.1.1.1", "1.2.3", "0x7f.1", "2130706433", "256.1.1.1", "fe80::1%eth0", " 1.2.3.4",
        "1.2.3.4 ", "1.2.3.4.5", "1..2.3", "", "-", "localhost", "1.2.3.04", "01.2.3.4",
        "::ffff:010.1.1.1", "[::1]", "1.2.3.4;} include /etc/passwd;", "1.2.3.-1", "+1.2.3.4",
        "1.2.3.4/24", "gggg::1", "1:2:3:4:5:6:7:8:9", "12345::1"}) {
    CHECK_MESSAGE(!IpAddress::Parse(text).has_value(), text);
  }
  CHECK(!IpAddress::Parse(std::string_view("1.2.3.4\0", 8)).has_value());
}

TEST_CASE("an IPv4-mapped IPv6 address is the IPv4 address") {
  auto a = IpAddress::Parse("::ffff:192.0.2.1");
  REQUIRE(a);
  CHECK(a->is_v4());
  CHECK(*a == *IpAddress::Parse("192.0.2.1"));
  CHECK(a->ToString() == "192.0.2.1");
}

TEST_CASE("IPv6 text is printed in RFC 5952 form") {
  CHECK(IpAddress::Parse("2001:0DB8:0000:0000:0000:0000:0000:0001")->ToString() == "2001:db8::1");
}

TEST_CASE("masking keeps the prefix in the family's own width") {
  CHECK(IpAddress::Parse("10.1.2.3")->Masked(8).ToString() == "10.0.0.0");
  CHECK(IpAddress::Parse("10.1.2.3")->Masked(0).ToString() == "0.0.0.0");
  CHECK(IpAddress::Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")->Masked(64).ToString() == "2001:db8:1:2::");
  CHECK(IpAddress::Parse("10.1.2.3")->Masked(8).is_v4());
}

TEST_CASE("loopback and private ranges are recognised") {
  CHECK(IpAddress::Parse("127.0.0.1")->is_loopback());
  CHECK(IpAddress::Parse("::1")->is_loopback());
  CHECK(!IpAddress::Parse("128.0.0.1")->is_loopback());
  CHECK(IpAddress::Parse("10.0.0.1")->is_private());
  CHECK(IpAddress::Parse("172.16.5.4")->is_private());
  CHECK(!IpAddress::Parse("172.32.0.1")->is_private());
  CHECK(IpAddress::Parse("192.168.1.1")->is_private());
  CHECK(IpAddress::Parse("fd00::1")->is_private());
  CHECK(!IpAddress::Parse("8.8.8.8")->is_private());
}

TEST_CASE("the IPv6 parser agrees with inet_pton") {
  // Accepted and refused by both; compared byte for byte when accepted.
  for (const char* text :
       {"::", "::1", "1::", "1::2", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
        "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4", "::ffff:1.2.3.4", "0db8::1", "ABCD:ef01::", "1:2:3:4:5:6:7:8:9",
        "1::2::3", ":1::", "1::2:", "1:2:3:4:5:6:7", "12345::", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4",
        ":::", "1:::2", "::g", "1.2.3.4::", "::1.2.3.4:5", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
        "1:2:3:4::5:6:7:8", "fe80::", "2001:db8:0:0:1:0:0:1"}) {
    unsigned char want[16];
    bool ok = inet_pton(AF_INET6, text, want) == 1;
    auto got = IpAddress::Parse(text);
    CHECK_MESSAGE(got.has_value() == ok, text);
    if (ok && got) CHECK_MESSAGE(std::memcmp(got->bytes().data(), want, 16) == 0, text);
  }
}

TEST_CASE("random texts: the parser accepts exactly what inet_pton accepts") {
  // Short strings over the characters addresses are made of, so that many
  // are near misses: leading zeros, five digits, three colons, a dot early.
  const std::string_view alphabet = "0123456789abcdefABCDEFg:.::..";
  uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(state >> 33);
  };
  int accepted = 0;
  for (int n = 0; n < 200000; ++n) {
    std::string text;
    const size_t len = 1 + next() % 24;
    for (size_t i = 0; i < len; ++i) text.push_back(alphabet[next() % alphabet.size()]);
    unsigned char want[16] = {};
    const bool v6 = text.find(':') != std::string::npos;
    const bool ok = inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), want) == 1;
    auto got = IpAddress::Parse(text);
    REQUIRE_MESSAGE(got.has_value() == ok, text);
    if (!ok) continue;
    ++accepted;
    const auto& bytes = got->bytes();
    if (v6) {
      REQUIRE_MESSAGE(std::memcmp(bytes.data(), want, 16) == 0, text);
    } else {
      REQUIRE_MESSAGE(std::memcmp(bytes.data() + 12, want, 4) == 0, text);
    }
  }
  CHECK(accepted > 100);  // the alphabet does produce valid addresses
}
