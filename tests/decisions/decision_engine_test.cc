#include "decisions/decision_engine.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/ban_target.h"

using namespace defender;

namespace {
Alert MakeAlert(std::string_view ip, LogTime t, int64_t ban_s = 3600, bool simulate = false) {
  IpAddress a = *IpAddress::Parse(ip);
  return Alert{"http-probing", a, a.is_v4() ? Cidr::Host(a) : Cidr(a, 64), t, 11, ban_s, 40, simulate};
}
}  // namespace

TEST_CASE("an alert becomes a ban, and the ban expires into an unban in log time") {
  Allowlist allow({}, {});
  DecisionEngine e(allow, {});
  std::vector<Decision> out;
  e.OnAlert(MakeAlert("203.0.113.1", 0), &out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].action == DecisionAction::kBan);
  CHECK(out[0].duration_s == 3600);
  CHECK(out[0].until == 3600 * kSecond);
  out.clear();
  e.Advance(3599 * kSecond, &out);
  CHECK(out.empty());
  e.Advance(3600 * kSecond, &out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].action == DecisionAction::kUnban);
  CHECK(e.active().empty());
}

TEST_CASE("the n-th ban lasts 2^(n-1) times longer, up to the cap") {
  Allowlist allow({}, {});
  DecisionEngine e(allow, DecisionOptions{4 * 3600, false});
  std::vector<Decision> out;
  LogTime t = 0;
  std::vector<int64_t> durations;
  for (int n = 0; n < 5; ++n) {
    out.clear();
    e.OnAlert(MakeAlert("203.0.113.2", t), &out);
    durations.push_back(out.back().duration_s);
    t = out.back().until + kSecond;
    e.Advance(t, &out);
  }
  CHECK(durations == std::vector<int64_t>{3600, 7200, 14400, 14400, 14400});
}

TEST_CASE("allowlisted, simulated and already banned clients are reported, not banned") {
  Allowlist allow({*Cidr::Parse("192.0.2.0/24")}, {*Cidr::Parse("10.0.0.1")});
  DecisionEngine e(allow, {});
  std::vector<Decision> out;
  e.OnAlert(MakeAlert("192.0.2.9", 0), &out);
  e.OnAlert(MakeAlert("127.0.0.1", 0), &out);
  e.OnAlert(MakeAlert("10.0.0.1", 0), &out);
  e.OnAlert(MakeAlert("203.0.113.3", 0, 3600, true), &out);
  e.OnAlert(MakeAlert("203.0.113.4", 0), &out);
  e.OnAlert(MakeAlert("203.0.113.4", 1), &out);
  REQUIRE(out.size() == 6);
  CHECK(out[0].suppressed == "allowlist");
  CHECK(out[1].suppressed == "loopback");
  CHECK(out[2].suppressed == "trusted_proxy");
  CHECK(out[3].suppressed == "simulate");
  CHECK(out[4].action == DecisionAction::kBan);
  CHECK(out[5].suppressed == "already_banned");
  CHECK(e.active().size() == 1);
}

TEST_CASE("an IPv6 /64 that contains an allowed address is never banned") {
  Allowlist allow({*Cidr::Parse("2001:db8:1:2::10")}, {});
  DecisionEngine e(allow, {});
  std::vector<Decision> out;
  e.OnAlert(MakeAlert("2001:db8:1:2::99", 0), &out);
  CHECK(out[0].action == DecisionAction::kDetect);
}

TEST_CASE("an operator's block and unblock, at the engine's clock") {
  Allowlist allow({}, {});
  DecisionEngine e(allow, {});
  std::vector<Decision> out;
  const LogTime now = 1000 * kSecond;
  e.Advance(now, &out);
  Cidr target = *Cidr::Parse("203.0.113.9");
  Decision d = e.Block(target, "manual", 600);
  CHECK(d.action == DecisionAction::kBan);
  CHECK(d.reason == "manual");
  CHECK(d.time == now);
  CHECK(d.until == now + 600 * kSecond);
  CHECK(d.score == 100);
  CHECK(d.ban_count == 1);
  // Blocking again never shortens the ban (an attacker's own /api/block
  // through an SSRF must not cut a ban short), but may lengthen it; an
  // unblock ends it at once, and its old expiry produces nothing later.
  d = e.Block(target, "manual", 60);
  CHECK(d.until == now + 600 * kSecond);
  d = e.Block(target, "manual", 7200);
  CHECK(d.until == now + 7200 * kSecond);
  CHECK(e.Unblock(target, &out));
  REQUIRE(out.size() == 1);
  CHECK(out[0].action == DecisionAction::kUnban);
  CHECK(out[0].time == now);
  CHECK(!e.Unblock(target, &out));
  out.clear();
  e.Advance(now + 3600 * kSecond, &out);
  CHECK(out.empty());
  // The history counts it: the next ban of this client is its second.
  e.OnAlert(MakeAlert("203.0.113.9", now + 3600 * kSecond), &out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].ban_count == 2);
}

TEST_CASE("a late alert bans from the clock, not from its own past time") {
  Allowlist allow({}, {});
  DecisionEngine e(allow, {});
  std::vector<Decision> out;
  e.Advance(10'000 * kSecond, &out);
  e.OnAlert(MakeAlert("203.0.113.1", 100 * kSecond), &out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].until == (10'000 + 3600) * kSecond);
  out.clear();
  e.Advance(10'001 * kSecond, &out);
  CHECK(out.empty());  // still banned
}

TEST_CASE("a history count from a hostile state cannot overflow the escalation") {
  Allowlist allow({}, {});
  DecisionEngine e(allow, DecisionOptions{7 * 86400, false});
  Cidr target = *Cidr::Parse("203.0.113.10");
  e.RestoreHistory(target, 2147483647);
  std::vector<Decision> out;
  e.OnAlert(MakeAlert("203.0.113.10", 0), &out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].duration_s == 7 * 86400);
  CHECK(out[0].ban_count > 1);
}

TEST_CASE("many IPv6 bans within one wider prefix collapse into a ban of that prefix") {
  Allowlist allow({}, {});
  DecisionEngine e(allow, DecisionOptions{7 * 86400, false, 4});
  std::vector<Decision> out;
  auto alert = [&](std::string_view ip) {
    out.clear();
    e.OnAlert(MakeAlert(ip, 1000 * kSecond), &out);
  };
  for (int i = 1; i <= 3; ++i) {
    alert(fmt::format("2001:db8:7:{}::1", i));
    REQUIRE(out.size() == 1);
    CHECK(out[0].target.ToString() == fmt::format("2001:db8:7:{}::/64", i));
  }
  alert("2001:db8:7:4::1");  // the fourth /64 in 2001:db8:7::/48
  REQUIRE(out.size() == 2);
  CHECK(out[1].action == DecisionAction::kBan);
  CHECK(out[1].target.ToString() == "2001:db8:7::/48");
  alert("2001:db8:7:5::1");  // covered now: no new ban
  REQUIRE(out.size() == 1);
  CHECK(out[0].action == DecisionAction::kDetect);
  CHECK(out[0].suppressed == "already_banned");
  // Four /48s in one /32 collapse into the /32, the widest allowed.
  for (int k = 8; k <= 10; ++k) {
    for (int i = 1; i <= 4; ++i) alert(fmt::format("2001:db8:{}:{}::1", k, i));
  }
  REQUIRE(out.size() == 3);
  CHECK(out[1].target.ToString() == "2001:db8:10::/48");
  CHECK(out[2].target.ToString() == "2001:db8::/32");
  CHECK(e.active().size() == 4 * 4 + 4 + 1);
  // An allowed address in the wider prefix keeps it from being banned.
  Allowlist some({*Cidr::Parse("2001:db9:1:99::1")}, {});
  DecisionEngine f(some, DecisionOptions{7 * 86400, false, 2});
  out.clear();
  f.OnAlert(MakeAlert("2001:db9:1:1::1", 0), &out);
  f.OnAlert(MakeAlert("2001:db9:1:2::1", 0), &out);
  CHECK(out.size() == 2);
}

TEST_CASE("IPv4 clients through NAT64 never collapse into a wider ban, nor does anything into one covering them") {
  // Each 64:ff9b::/96 address is one IPv4 client: collapsing four into the
  // /112 would ban an IPv4 /16, and on up to 64:ff9b::/32, every IPv4 user.
  Allowlist allow({}, {});
  DecisionEngine e(allow, DecisionOptions{7 * 86400, false, 4});
  std::vector<Decision> out;
  for (int i = 1; i <= 20; ++i) {
    const IpAddress a = *IpAddress::Parse(fmt::format("64:ff9b::198.51.100.{}", i));
    e.OnAlert(Alert{"http-probing", a, ClientTarget(a, 64), 1000 * kSecond, 11, 3600, 40, false}, &out);
  }
  CHECK(out.size() == 20);
  for (const Decision& d : out) CHECK(d.target.prefix() == 128);
  // Bans of /64s next to the translator's prefix do not collapse into one over it.
  out.clear();
  for (int i = 1; i <= 4; ++i) e.OnAlert(MakeAlert(fmt::format("64:ff9b:0:{}::1", i), 1000 * kSecond), &out);
  CHECK(out.size() == 4);
  for (const Decision& d : out) CHECK(d.target.prefix() == 64);
}

TEST_CASE("a ban another node of the fleet made: a new decision, ending at its until, escalating the next") {
  Allowlist allow({}, {});
  DecisionEngine e(allow, DecisionOptions{30 * 86400, false});
  std::vector<Decision> out;
  e.Advance(1000 * kSecond, &out);
  const IpAddress a = *IpAddress::Parse("203.0.113.9");
  Decision d = e.Adopt(Cidr::Host(a), a, "http-probing", 5000 * kSecond, 2);
  CHECK(d.action == DecisionAction::kBan);
  CHECK_FALSE(d.restored);  // every sink applies it
  CHECK(d.until == 5000 * kSecond);
  CHECK(d.duration_s == 4000);
  CHECK(d.ban_count == 2);
  CHECK(e.counters().bans == 1);
  e.Advance(5000 * kSecond, &out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].action == DecisionAction::kUnban);
  out.clear();
  e.OnAlert(MakeAlert("203.0.113.9", 6000 * kSecond), &out);  // caught here now: the fleet's third ban
  REQUIRE(out.size() == 1);
  CHECK(out[0].ban_count == 3);
  CHECK(out[0].duration_s == 4 * 3600);
}
