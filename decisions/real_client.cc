#include "decisions/real_client.h"

namespace defender {

IpAddress RealClient(const IpAddress& remote_addr, std::string_view xff, const Allowlist& allowlist) {
  if (!allowlist.IsTrustedProxy(remote_addr)) return remote_addr;
  IpAddress client = remote_addr;
  while (!xff.empty()) {
    size_t comma = xff.rfind(',');
    std::string_view item = comma == std::string_view::npos ? xff : xff.substr(comma + 1);
    xff = comma == std::string_view::npos ? std::string_view() : xff.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto a = IpAddress::Parse(item);
    if (!a) break;
    client = *a;
    if (!allowlist.IsTrustedProxy(client)) break;
  }
  return client;
}

}  // namespace defender
