// HostPort: an address and port as written on the command line
// ("127.0.0.1:8080", "[::1]:5514", ":8080" for every IPv4 address), parsed
// once for serve's --listen and --syslog-listen. The address goes through
// IpAddress's strict parser. Value type; pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/ip_address.h"

namespace defender {

struct HostPort {
  IpAddress address;
  uint16_t port = 0;
};

// nullopt unless `text` is ADDRESS:PORT with a canonical address (IPv6 in
// brackets) or an empty one, and a port from 1 to 65535.
std::optional<HostPort> ParseHostPort(std::string_view text);

}  // namespace defender
