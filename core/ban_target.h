// The one rule for what may be banned, checked again by every sink and by
// `bans add` before a value leaves the program: a canonical address or
// prefix (it survives a round trip through the strict parser), no broader
// than the minimum prefix of its family, never loopback. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/cidr.h"
#include "core/client_name.h"
#include "core/status.h"

namespace defender {

constexpr int kMinBanPrefixV4 = 16;
constexpr int kMinBanPrefixV6 = 32;
// The longest ban, in seconds: 10 years (3650d), whether configured, given
// to `bans add` or to the API. Its end stays a 4-digit year and within
// what the other nodes of a fleet accept.
constexpr int64_t kMaxBanSeconds = 3650LL * 86400;

// kInvalid, saying why, when `target` must not be banned.
Status ValidateBanTarget(const Cidr& target, int min_prefix_v4 = kMinBanPrefixV4, int min_prefix_v6 = kMinBanPrefixV6);

// An address of the NAT64 well-known prefix, 64:ff9b::/96 (RFC 6052): one
// IPv4 client, as a NAT64 or SIIT translator in front of the site shows it.
inline bool IsNat64(const IpAddress& a) {
  static constexpr uint8_t kPrefix[12] = {0x00, 0x64, 0xff, 0x9b};
  return std::memcmp(a.bytes().data(), kPrefix, sizeof(kPrefix)) == 0;
}
// True when `c` is wider than 64:ff9b::/96 and holds it: every IPv4 client
// of a NAT64.
inline bool CoversNat64(const Cidr& c) {
  static const IpAddress kNat64 = *IpAddress::Parse("64:ff9b::");
  return c.prefix() < 96 && c.Contains(kNat64);
}

// The target a client is counted and banned as, written once for the
// detector, the API and `bans`: an IPv4 address (also through NAT64, or a
// host name's key) itself, an IPv6 address its /ipv6_prefix (a site's one
// client).
inline bool CountedWhole(const IpAddress& client) { return client.is_v4() || IsNat64(client) || IsHostNameKey(client); }
inline Cidr ClientTarget(const IpAddress& client, int ipv6_prefix) {
  return CountedWhole(client) ? Cidr::Host(client) : Cidr(client, ipv6_prefix);
}
// ClientTarget(client, ipv6_prefix).address(), without making a Cidr (the
// detector asks it of every line ahead of time).
inline IpAddress ClientAddress(const IpAddress& client, int ipv6_prefix) {
  return CountedWhole(client) ? client : client.Masked(ipv6_prefix);
}
// A target a person or the API names: a single IPv6 address means its
// client's prefix, as detection bans it; a prefix stays as given.
Cidr GivenTarget(const Cidr& given, int ipv6_prefix);

// A reason given by an operator (`bans add --reason`, the HTTP API): a plain
// name of letters, digits, '_', '.' and '-', at most 64 bytes, so that it is
// safe in every sink.
bool IsPlainReason(std::string_view reason);

}  // namespace defender
