// RedisUrl: where a fleet's Redis is (--redis), parsed once into typed
// parts before anything connects:
//   redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]   HOST a name, an IPv4
//                                                address or [IPv6]
//   unix:///PATH/TO/redis.sock[?db=DB]
// The user and password may be percent-encoded. rediss:// (TLS) is refused
// with the reason: Debian 12's hiredis 0.14 has no TLS. Value type; pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace defender {

struct RedisUrl {
  std::string host;       // empty for a unix socket
  uint16_t port = 6379;
  std::string unix_path;  // empty for TCP
  std::string user;       // empty: the default user
  std::string password;   // empty: no AUTH
  int db = 0;
  // For messages: the URL without the password.
  std::string Display() const;
};

StatusOr<RedisUrl> ParseRedisUrl(std::string_view text);

}  // namespace defender
