#include "decisions/allowlist.h"

namespace defender {

namespace {
bool AnyContains(const std::vector<Cidr>& list, const IpAddress& a) {
  for (const Cidr& c : list) {
    if (c.Contains(a)) return true;
  }
  return false;
}
// Two prefixes overlap when the shorter contains the other's address.
bool Overlap(const Cidr& x, const Cidr& y) {
  return x.prefix() <= y.prefix() ? x.Contains(y.address()) : y.Contains(x.address());
}
}  // namespace

std::string_view Allowlist::Reason(const IpAddress& a) const {
  if (a.is_loopback()) return "loopback";
  if (AnyContains(trusted_, a)) return "trusted_proxy";
  if (AnyContains(allowed_, a)) return "allowlist";
  if (AnyContains(crawlers_, a)) return "verified_crawler";
  return {};
}

bool Allowlist::Overlaps(const Cidr& target) const {
  if (target.address().is_loopback()) return true;
  for (const auto* list : {&allowed_, &trusted_, &crawlers_}) {
    for (const Cidr& c : *list) {
      if (c.address().is_v4() == target.address().is_v4() && Overlap(c, target)) return true;
    }
  }
  return false;
}

bool Allowlist::IsTrustedProxy(const IpAddress& a) const { return AnyContains(trusted_, a); }

}  // namespace defender
