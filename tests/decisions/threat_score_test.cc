#include "decisions/threat_score.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("the threat score rises with alerts and decays by half each hour") {
  ThreatScore s;
  Cidr c = Cidr::Host(*IpAddress::Parse("203.0.113.5"));
  CHECK(s.Add(c, 50, 0) == 50);
  CHECK(s.Add(c, 50, 0) == 75);
  CHECK(s.Get(c, ThreatScore::kHalfLife) == 38);
  CHECK(s.Get(Cidr::Host(*IpAddress::Parse("203.0.113.6")), 0) == 0);
}
