// RealipCheck: notices when most traffic seems to come from one private or
// trusted-proxy address, the sign of nginx logging its load balancer instead
// of the client (realip not configured). Looks at the first lines only.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include <absl/container/flat_hash_map.h>

#include "core/ip_address.h"

namespace defender {

class RealipCheck {
 public:
  static constexpr uint64_t kSample = 10000;
  // Counts one line's client; `suspect` is whether it is private or a trusted proxy.
  void Add(const IpAddress& client, bool suspect);
  // Once, after kSample lines (or at the end with at least 100): the
  // address that had more than half of them, if any.
  std::optional<IpAddress> Verdict(bool at_end);

 private:
  uint64_t lines_ = 0;
  bool done_ = false;
  absl::flat_hash_map<IpAddress, uint64_t> counts_;
};

}  // namespace defender
