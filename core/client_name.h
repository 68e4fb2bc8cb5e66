// Clients logged by host name instead of address (Apache's HostnameLookups,
// %h): each name is counted as a client under a key address, and never
// banned, as a name is not what a firewall or nginx can block and the
// client chose it (its PTR record).
//
// The key is in 100::/64, IPv6's discard-only prefix (RFC 6666), which no
// real client comes from: 100:: followed by 64 bits of a hash of the
// lower-cased name. Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "core/ip_address.h"

namespace defender {

// A DNS host name: dot-separated labels of letters, digits and '-' (not at
// a label's ends), at most 253 characters, the last label not all digits
// (RFC 3696; so "1.2.3.400" and "0x7f.1" stay bad addresses).
bool IsHostName(std::string_view text);

// The key address of a host name (see above).
IpAddress HostNameKey(std::string_view name);

// True for key addresses, and for any address in 100::/64.
inline bool IsHostNameKey(const IpAddress& a) {
  const auto& b = a.bytes();
  return b[0] == 0x01 && b[1] == 0 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0;
}

}  // namespace defender
