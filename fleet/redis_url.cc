#include "fleet/redis_url.h"

#include <charconv>

#include <fmt/format.h>

#include "core/ip_address.h"

namespace defender {

namespace {

constexpr int kMaxDb = 1 << 20;

// %XX decoded; false on a malformed escape or a control byte.
bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == '%') {
      unsigned value = 0;
      if (i + 2 >= in.size()) return false;
      auto [end, ec] = std::from_chars(in.data() + i + 1, in.data() + i + 3, value, 16);
      if (ec != std::errc() || end != in.data() + i + 3) return false;
      c = static_cast<unsigned char>(value);
      i += 2;
    }
    if (c < 0x20 || c == 0x7f) return false;
    out->push_back(static_cast<char>(c));
  }
  return true;
}

bool ParseNumber(std::string_view text, int max, int* out) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 || value > max) return false;
  *out = value;
  return true;
}

bool IsHostName(std::string_view host) {
  return !host.empty() && host.size() <= 253 && host.front() != '-' && host.front() != '.' &&
         host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
             std::string_view::npos;
}

}  // namespace

std::string RedisUrl::Display() const {
  std::string auth = password.empty() ? (user.empty() ? "" : user + "@") : user + ":***@";
  if (!unix_path.empty()) return fmt::format("unix://{}{}", unix_path, db ? fmt::format("?db={}", db) : "");
  std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return fmt::format("redis://{}{}:{}{}", auth, shown_host, port, db ? fmt::format("/{}", db) : "");
}

StatusOr<RedisUrl> ParseRedisUrl(std::string_view text) {
  auto invalid = [&](std::string_view why) {
    return Status::Invalid(fmt::format("--redis: {} (redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or "
                                       "unix:///PATH[?db=DB])", why));
  };
  RedisUrl url;
  if (text.substr(0, 9) == "rediss://") {
    return Status::Invalid("--redis: rediss:// (TLS) is not available: Debian 12's hiredis 0.14 has no TLS; "
                           "reach a remote Redis through a TLS tunnel (stunnel, spiped) or a unix socket");
  }
  if (text.substr(0, 7) == "unix://") {
    std::string_view rest = text.substr(7);
    const size_t q = rest.find('?');
    std::string_view path = rest.substr(0, q);
    if (path.empty() || path.front() != '/') return invalid("a unix socket needs an absolute path");
    if (path.find_first_of(std::string_view("\0\n\r", 3)) != std::string_view::npos) return invalid("a bad path");
    url.unix_path = std::string(path);
    if (q != std::string_view::npos) {
      std::string_view query = rest.substr(q + 1);
      if (query.substr(0, 3) != "db=" || !ParseNumber(query.substr(3), kMaxDb, &url.db)) {
        return invalid("the only query is db=NUMBER");
      }
    }
    return url;
  }
  if (text.substr(0, 8) != "redis://") return invalid("not a redis:// or unix:// URL");
  std::string_view rest = text.substr(8);
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !ParseNumber(db, kMaxDb, &url.db)) return invalid("the database is a number");
  }
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const size_t colon = userinfo.find(':');
    if (!PercentDecode(userinfo.substr(0, colon), &url.user)) return invalid("a bad user name");
    if (colon != std::string_view::npos && !PercentDecode(userinfo.substr(colon + 1), &url.password)) {
      return invalid("a bad password");
    }
    if (colon == std::string_view::npos && !url.user.empty()) {  // redis://PASSWORD@host, as redis-cli reads it
      url.password = std::move(url.user);
      url.user.clear();
    }
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid("an unclosed [");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return invalid("text after ]");
    if (!after.empty()) port = after.substr(1);
    auto address = IpAddress::Parse(host);
    if (!address || address->is_v4()) return invalid("not an IPv6 address in []");
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (!IsHostName(host)) return invalid("not a host name or address");
  } else if (!IsHostName(host)) {
    return invalid("not a host name or address");
  }
  url.host = std::string(host);
  if (!port.empty() || authority.ends_with(":")) {
    int value = 0;
    if (!ParseNumber(port, 65535, &value) || value == 0) return invalid("the port is a number from 1 to 65535");
    url.port = uint16_t(value);
  }
  return url;
}

}  // namespace defender
