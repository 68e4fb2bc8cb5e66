// The real client behind trusted proxies, as nginx's realip module with
// `real_ip_recursive on` finds it: X-Forwarded-For walked right to left,
// skipping addresses of trusted proxies; the first one that is not trusted
// is the client. Without trusted proxies, or when the connecting address is
// not one, the connecting address is the client. Pure; thread-safe.
#pragma once

#include <string_view>

#include "core/ip_address.h"
#include "decisions/allowlist.h"

namespace defender {

// `remote_addr` is the connecting address; `x_forwarded_for` the header as
// logged. An element that is not a canonical address stops the walk (nginx
// does the same) and the last trusted address seen is kept.
IpAddress RealClient(const IpAddress& remote_addr, std::string_view x_forwarded_for,
                     const Allowlist& allowlist);

}  // namespace defender
