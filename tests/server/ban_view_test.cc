#include "server/ban_view.h"

#include <doctest/doctest.h>

#include "decisions/threat_score.h"

using namespace defender;

namespace {

Decision Make(DecisionAction action, const char* target, int score, LogTime time, LogTime until = 0) {
  Decision d;
  d.action = action;
  d.reason = "http-probing";
  d.target = *Cidr::Parse(target);
  d.source = d.target.address();
  d.score = score;
  d.time = time;
  d.until = until;
  return d;
}

IpAddress Ip(const char* s) { return *IpAddress::Parse(s); }

}  // namespace

TEST_CASE("the view finds a ban by address, IPv6 prefix or wider CIDR, and forgets it at the unban") {
  BanView view(64);
  const LogTime t = 1'700'000'000'000;
  CHECK(view.Apply(Make(DecisionAction::kBan, "203.0.113.7", 60, t, t + 3600 * kSecond)).ok());
  CHECK(view.Apply(Make(DecisionAction::kBan, "2001:db8:1:2::/64", 70, t, t + 60 * kSecond)).ok());
  CHECK(view.Apply(Make(DecisionAction::kBan, "198.51.100.0/24", 100, t, t + 60 * kSecond)).ok());

  BanStatus s = view.Lookup(Ip("203.0.113.7"));
  CHECK(s.blocked);
  CHECK(s.reason == "http-probing");
  CHECK(s.until == t + 3600 * kSecond);
  CHECK(s.score == 60);
  CHECK(!view.Lookup(Ip("203.0.113.8")).blocked);
  CHECK(view.Lookup(Ip("2001:db8:1:2::abcd")).blocked);
  CHECK(view.Lookup(Ip("2001:db8:1:2::abcd")).score == 70);  // scored per /64 too
  CHECK(!view.Lookup(Ip("2001:db8:1:3::1")).blocked);
  CHECK(view.Lookup(Ip("198.51.100.200")).blocked);
  CHECK(view.Lookup(Ip("198.51.100.200")).score == 1);  // blocked by a CIDR: at least 1
  CHECK(view.size() == 3);
  CHECK(view.Targets() == std::vector<Cidr>{*Cidr::Parse("198.51.100.0/24"), *Cidr::Parse("203.0.113.7"),
                                            *Cidr::Parse("2001:db8:1:2::/64")});

  CHECK(view.Apply(Make(DecisionAction::kUnban, "203.0.113.7", 60, t + 3600 * kSecond)).ok());
  s = view.Lookup(Ip("203.0.113.7"));
  CHECK(!s.blocked);
  CHECK(s.reason.empty());
  CHECK(s.score == 60);  // the score outlives the ban
  CHECK(view.size() == 2);
}

TEST_CASE("scores decay with the pipeline's clock") {
  BanView view(64);
  const LogTime t = 1'700'000'000'000;
  CHECK(view.Apply(Make(DecisionAction::kDetect, "192.0.2.1", 80, t)).ok());
  view.SetClock(t);
  CHECK(view.Lookup(Ip("192.0.2.1")).score == 80);
  view.SetClock(t + ThreatScore::kHalfLife);
  CHECK(view.Lookup(Ip("192.0.2.1")).score == 40);
  // An older decision does not overwrite a newer score.
  CHECK(view.Apply(Make(DecisionAction::kDetect, "192.0.2.1", 10, t - kSecond)).ok());
  CHECK(view.Lookup(Ip("192.0.2.1")).score == 40);
}
