#include "decisions/crawler_check.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/caseless.h"

namespace defender {

bool CrawlerCheck::Verified(const IpAddress& address, const KnownCrawler& claimed) {
  const LogTime now = WallClock();
  if (auto it = cache_.find(address); it != cache_.end() && it->second.until > now) return it->second.verified;
  if (now - minute_start_ >= 60 * kSecond) {
    minute_start_ = now;
    lookups_this_minute_ = 0;
  }
  if (lookups_this_minute_ >= max_lookups_per_minute_) {
    ++counters_.over_budget;
    return false;
  }
  ++lookups_this_minute_;
  ++counters_.lookups;
  const bool verified = Lookup(address, claimed);
  ++(verified ? counters_.verified : counters_.not_verified);
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_[address] = Answer{verified, now + 3600 * kSecond};
  return verified;
}

bool CrawlerCheck::Lookup(const IpAddress& address, const KnownCrawler& claimed) {
  sockaddr_storage ss{};
  socklen_t len;
  if (address.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, address.bytes().data() + 12, 4);
    len = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, address.bytes().data(), 16);
    len = sizeof(sockaddr_in6);
  }
  char name[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<sockaddr*>(&ss), len, name, sizeof(name), nullptr, 0, NI_NAMEREQD) != 0) {
    return false;
  }
  std::string_view host = name;
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  bool domain_ok = false;
  for (std::string_view suffix : claimed.dns_suffixes) domain_ok = domain_ok || CaselessEndsWith(host, suffix);
  if (!domain_ok) return false;
  addrinfo hints{};
  hints.ai_family = address.is_v4() ? AF_INET : AF_INET6;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(std::string(host).c_str(), nullptr, &hints, &result) != 0) return false;
  bool back = false;
  for (addrinfo* ai = result; ai != nullptr && !back; ai = ai->ai_next) {
    std::array<uint8_t, 16> bytes{};
    if (ai->ai_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      bytes[10] = bytes[11] = 0xff;
      std::memcpy(bytes.data() + 12, &sin->sin_addr, 4);
    } else if (ai->ai_family == AF_INET6) {
      std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr, 16);
    } else {
      continue;
    }
    back = IpAddress::FromBytes(bytes) == address;
  }
  freeaddrinfo(result);
  return back;
}

Status LoadCrawlerRanges(const std::string& path, std::vector<Cidr>* out) {
  simdjson::padded_string json;
  if (simdjson::padded_string::load(path).get(json) != simdjson::SUCCESS) {
    return Status::Error(fmt::format("{}: cannot read the file", path));
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) return Status::Error(fmt::format("{}: not JSON", path));
  simdjson::dom::array prefixes;
  if (doc["prefixes"].get_array().get(prefixes) != simdjson::SUCCESS) {
    return Status::Error(fmt::format("{}: no \"prefixes\" list (expected the format of Google's googlebot.json)", path));
  }
  size_t before = out->size();
  for (simdjson::dom::element entry : prefixes) {
    for (const char* key : {"ipv4Prefix", "ipv6Prefix"}) {
      std::string_view text;
      if (entry[key].get_string().get(text) != simdjson::SUCCESS) continue;
      auto cidr = Cidr::Parse(text);
      if (!cidr) return Status::Error(fmt::format("{}: '{}' is not an address prefix", path, text));
      // No crawler needs more than a /16 or an IPv6 /32: a wider entry is a
      // broken or hostile file that would exempt much of the Internet.
      if (cidr->prefix() < (cidr->address().is_v4() ? 16 : 32)) {
        return Status::Error(fmt::format("{}: '{}' is wider than any crawler's range", path, text));
      }
      out->push_back(*cidr);
    }
  }
  if (out->size() == before) return Status::Error(fmt::format("{}: no prefixes", path));
  return Status::Ok();
}

}  // namespace defender
