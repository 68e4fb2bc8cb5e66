// Allowlist: addresses that are never banned: loopback, configured CIDRs,
// trusted proxies and the published ranges of search-engine crawlers. Immutable (a configuration reload replaces it whole, on
// the thread that uses it); thread-safe to read.
#pragma once

#include <string_view>
#include <vector>

#include "core/cidr.h"

namespace defender {

class Allowlist {
 public:
  Allowlist(std::vector<Cidr> allowed, std::vector<Cidr> trusted_proxies, std::vector<Cidr> crawlers = {})
      : allowed_(std::move(allowed)), trusted_(std::move(trusted_proxies)), crawlers_(std::move(crawlers)) {}

  // Why `a` is never banned ("loopback", "allowlist", "trusted_proxy",
  // "verified_crawler"), or empty when it may be.
  std::string_view Reason(const IpAddress& a) const;
  // True when any address of `target` is allowlisted (a ban of an IPv6 /64
  // must not cover an allowed address).
  bool Overlaps(const Cidr& target) const;
  bool IsTrustedProxy(const IpAddress& a) const;

 private:
  std::vector<Cidr> allowed_, trusted_, crawlers_;
};

}  // namespace defender
