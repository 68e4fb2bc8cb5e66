#include "core/ban_target.h"

#include <fmt/format.h>

namespace defender {

Status ValidateBanTarget(const Cidr& c, int min_prefix_v4, int min_prefix_v6) {
  std::string text = c.ToString();
  auto again = Cidr::Parse(text);
  if (!again || *again != c) return Status::Invalid(fmt::format("'{}' is not canonical", text));
  if (CoversNat64(c)) {
    return Status::Invalid(fmt::format("'{}' covers 64:ff9b::/96, every IPv4 client of a NAT64", text));
  }
  if (IsNat64(c.address()) && c.prefix() < 96 + min_prefix_v4) {
    return Status::Invalid(fmt::format("'{}' is broader than /{} (an IPv4 /{} through NAT64)", text,
                                       96 + min_prefix_v4, min_prefix_v4));
  }
  int min = c.address().is_v4() ? min_prefix_v4 : min_prefix_v6;
  if (c.prefix() < min) return Status::Invalid(fmt::format("'{}' is broader than /{}", text, min));
  static const Cidr kLoopback[] = {*Cidr::Parse("127.0.0.0/8"), *Cidr::Parse("::1")};
  bool loopback = false;
  for (const Cidr& l : kLoopback) {
    loopback |= l.Contains(c.address()) || c.Contains(l.address());  // inside it, or covering it
  }
  if (loopback) return Status::Invalid(fmt::format("'{}' is or covers loopback", text));
  return Status::Ok();
}

bool IsPlainReason(std::string_view reason) {
  return !reason.empty() && reason.size() <= 64 &&
         reason.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
             std::string_view::npos;
}

Cidr GivenTarget(const Cidr& given, int ipv6_prefix) {
  return given.is_host() ? ClientTarget(given.address(), ipv6_prefix) : given;
}

}  // namespace defender
