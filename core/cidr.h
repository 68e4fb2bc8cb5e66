// Cidr: an address prefix such as 192.0.2.0/24 or 2001:db8::/64. The stored
// address always has its host bits cleared. Immutable value; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.h"

namespace defender {

class Cidr {
 public:
  Cidr() = default;
  // prefix is counted in the family's own width (0-32 for IPv4, 0-128 for IPv6).
  Cidr(IpAddress address, int prefix);
  // A single address (/32 or /128).
  static Cidr Host(IpAddress address) { return Cidr(address, address.max_prefix()); }
  // "a.b.c.d/n", "x::/n" or a bare address. Strict: the address must be
  // canonical and the prefix decimal without leading zeros. Host bits may be
  // set ("10.1.2.3/8" means 10.0.0.0/8), as in nginx's allow/deny.
  static std::optional<Cidr> Parse(std::string_view text);

  const IpAddress& address() const { return address_; }
  int prefix() const { return prefix_; }
  bool is_host() const { return prefix_ == address_.max_prefix(); }
  bool Contains(const IpAddress& a) const;

  // "a.b.c.d" for a host, "a.b.c.d/n" otherwise.
  std::string ToString() const;
  void AppendTo(fmt::memory_buffer& out) const;

  auto operator<=>(const Cidr&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const Cidr& c) {
    return H::combine(std::move(h), c.address_, c.prefix_);
  }

 private:
  IpAddress address_;
  int prefix_ = 128;
};

}  // namespace defender
