#include "fleet/fleet_decision.h"

#include <doctest/doctest.h>

using namespace defender;

namespace {
const LogTime kUntil = 1733180000000;
}

TEST_CASE("a decision written and read back is the same") {
  FleetDecision d;
  d.ban = true;
  d.target = *Cidr::Parse("2001:db8:1:2::/64");
  d.source = *IpAddress::Parse("2001:db8:1:2::5");
  d.until = kUntil;
  d.count = 3;
  d.reason = "http-probing";
  d.node = "web1:812:9f3a";
  const std::string text = FormatFleetDecision(d);
  CHECK(text == "ban 2001:db8:1:2::/64 until=1733180000000 count=3 reason=http-probing source=2001:db8:1:2::5 "
                "node=web1:812:9f3a");
  auto back = ParseFleetDecision(text);
  REQUIRE(back.ok());
  CHECK(back->ban);
  CHECK(back->target == d.target);
  CHECK(back->source == d.source);
  CHECK(back->until == kUntil);
  CHECK(back->count == 3);
  CHECK(back->reason == "http-probing");
  CHECK(back->node == "web1:812:9f3a");
  // The fields may come in any order; an unban reads the same way.
  auto unban = ParseFleetDecision("unban 203.0.113.5 node=n source=203.0.113.5 reason=api count=1 until=5");
  REQUIRE(unban.ok());
  CHECK_FALSE(unban->ban);
  CHECK(unban->until == 5);
}

TEST_CASE("hostile or broken entries are refused, saying why") {
  const std::string tail = " until=1733180000000 count=1 reason=x source=203.0.113.5 node=n";
  for (const std::string& bad : {
           std::string("ban 127.0.0.1 until=1733180000000 count=1 reason=x source=127.0.0.1 node=n"),
           std::string("ban 0.0.0.0/0 until=1733180000000 count=1 reason=x source=0.0.0.0 node=n"),
           std::string("ban 10.0.0.0/8 until=1733180000000 count=1 reason=x source=10.0.0.1 node=n"),
           std::string("ban ::1 until=1733180000000 count=1 reason=x source=::1 node=n"),
           std::string("ban 203.0.113.5;") + tail,
           std::string("ban 203.0.113.005") + tail,
           std::string("block 203.0.113.5") + tail,
           std::string("ban 203.0.113.5 until=1733180000000 count=1 reason=$(reboot) source=203.0.113.5 node=n"),
           std::string("ban 203.0.113.5 until=1733180000000 count=1 reason=x source=203.0.113.6 node=n"),
           std::string("ban 203.0.113.5 until=1733180000000 count=0 reason=x source=203.0.113.5 node=n"),
           std::string("ban 203.0.113.5 until=1733180000000 count=1001 reason=x source=203.0.113.5 node=n"),
           std::string("ban 203.0.113.5 until=-1 count=1 reason=x source=203.0.113.5 node=n"),
           std::string("ban 203.0.113.5 until=99999999999999999 count=1 reason=x source=203.0.113.5 node=n"),
           std::string("ban 203.0.113.5 until=1x count=1 reason=x source=203.0.113.5 node=n"),
           std::string("ban 203.0.113.5 until=1 until=2 reason=x source=203.0.113.5 node=n"),
           std::string("ban 203.0.113.5 until=1 count=1 reason=x source=203.0.113.5 node=a/b"),
           std::string("ban 203.0.113.5 until=1 count=1 reason=x source=203.0.113.5 evil=1"),
           std::string("ban 203.0.113.5 until=1 count=1 reason=x source=203.0.113.5"),
           std::string("ban 203.0.113.5  until=1 count=1 reason=x source=203.0.113.5 node=n"),
           std::string("ban 203.0.113.5") + tail + " extra",
           std::string(""),
           std::string(2000, 'a'),
       }) {
    CAPTURE(bad);
    auto d = ParseFleetDecision(bad);
    CHECK_FALSE(d.ok());
  }
}
