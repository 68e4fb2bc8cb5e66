#include "core/ip_address.h"

#include <arpa/inet.h>
#include <endian.h>

#include <cstring>

namespace defender {

namespace {

constexpr std::array<uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// Strict dotted quad: four decimal parts 0-255, no leading zeros, nothing
// else. An out-parameter rather than std::optional<uint32_t>, which GCC
// builds with two stores and reads back with one wider load (see
// IpAddress::Parse(text, out)).
bool ParseV4(std::string_view s, uint32_t* out) {
  const char* p = s.data();
  const char* const end = p + s.size();
  auto digit = [&](unsigned* d) { return p != end && (*d = unsigned(uint8_t(*p)) - '0') <= 9; };
  uint32_t result = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0 && (p == end || *p++ != '.')) return false;
    unsigned value, d;
    if (!digit(&value)) return false;
    ++p;
    for (int more = 0; more < 2 && digit(&d); ++more, ++p) {
      if (value == 0) return false;  // a leading zero
      value = value * 10 + d;
    }
    if (value > 255) return false;
    result = result << 8 | value;
  }
  if (p != end) return false;
  *out = result;
  return true;
}

// RFC 4291 text form with inet_pton's rules: 1-4 hex digits per group, at
// most one "::", an optional dotted-quad tail in the last 32 bits, nothing else.
// One pass over the text, the groups gathered in registers and written to
// *out (only when valid) as two words: groups kept in an array and read
// back wider than written waited on the stores before them (see
// IpAddress::Parse(text, out)).
bool ParseV6(std::string_view s, std::array<uint8_t, 16>* out) {
  __extension__ using Groups = unsigned __int128;
  static constexpr auto kHex = [] {
    std::array<uint8_t, 256> t{};
    t.fill(0xff);
    for (int c = '0'; c <= '9'; ++c) t[size_t(c)] = uint8_t(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) t[size_t(c)] = uint8_t(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c) t[size_t(c)] = uint8_t(c - 'A' + 10);
    return t;
  }();
  Groups head = 0, tail = 0;  // the groups before "::" (all of them without one) and after it
  int n = 0;         // groups read
  int gap_at = -1;   // group index where "::" stands
  auto add = [&](unsigned group) {
    Groups& to = gap_at < 0 ? head : tail;
    to = to << 16 | group;
    ++n;
  };
  size_t i = 0;
  if (s.size() < 2) return false;
  if (s[0] == ':') {
    if (s[1] != ':') return false;
    gap_at = 0;
    i = 2;
  }
  while (i < s.size()) {
    const size_t start = i;
    unsigned value = 0;
    for (uint8_t h; i < s.size() && (h = kHex[static_cast<unsigned char>(s[i])]) != 0xff; ++i) value = value << 4 | h;
    if (i < s.size() && s[i] == '.') {  // a dotted quad in place of the last two groups
      if (n > 6) return false;
      uint32_t v4;
      if (!ParseV4(s.substr(start), &v4)) return false;
      add(v4 >> 16);
      add(v4 & 0xffff);
      break;
    }
    if (i == start || i - start > 4 || n == 8) return false;
    add(value);
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (gap_at >= 0) return false;  // a second "::"
      gap_at = n;
      ++i;
    } else if (i == s.size()) {
      return false;  // a single trailing ':'
    }
  }
  if (gap_at < 0 ? n != 8 : n == 8) return false;  // "::" stands for at least one group
  // The groups after the gap go to the end (gap_at is 0 to 7 here).
  const Groups all = gap_at < 0 ? head : (gap_at == 0 ? 0 : head << (16 * (8 - gap_at))) | tail;
  const uint64_t words[2] = {htobe64(uint64_t(all >> 64)), htobe64(uint64_t(all))};
  std::memcpy(out->data(), words, 16);
  return true;
}

}  // namespace

IpAddress IpAddress::FromV4(uint32_t host_order) {
  IpAddress a;
  std::memcpy(a.bytes_.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size());
  a.bytes_[12] = uint8_t(host_order >> 24);
  a.bytes_[13] = uint8_t(host_order >> 16);
  a.bytes_[14] = uint8_t(host_order >> 8);
  a.bytes_[15] = uint8_t(host_order);
  return a;
}

IpAddress IpAddress::FromBytes(const std::array<uint8_t, 16>& bytes) {
  IpAddress a;
  a.bytes_ = bytes;
  return a;
}

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  IpAddress a;
  if (!Parse(text, &a)) return std::nullopt;
  return a;
}

bool IpAddress::Parse(std::string_view text, IpAddress* out) {
  // An IPv6 address fails ParseV4 within its first group.
  if (uint32_t v4; ParseV4(text, &v4)) {
    *out = FromV4(v4);
    return true;
  }
  if (text.size() > INET6_ADDRSTRLEN - 1) return false;
  return ParseV6(text, &out->bytes_);
}

uint32_t IpAddress::v4() const {
  return (uint32_t(bytes_[12]) << 24) | (uint32_t(bytes_[13]) << 16) |
         (uint32_t(bytes_[14]) << 8) | uint32_t(bytes_[15]);
}

bool IpAddress::is_loopback() const {
  if (is_v4()) return bytes_[12] == 127;
  static const std::array<uint8_t, 16> kLoop = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return bytes_ == kLoop;
}

bool IpAddress::is_private() const {
  if (is_v4()) {
    uint32_t a = v4();
    return (a >> 24) == 10 || (a >> 20) == (172u << 4 | 1) || (a >> 16) == (192u << 8 | 168) ||
           (a >> 22) == (100u << 2 | 1) || (a >> 16) == (169u << 8 | 254);
  }
  return (bytes_[0] & 0xfe) == 0xfc || (bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80);
}

IpAddress IpAddress::Masked(int prefix) const {
  int bits = is_v4() ? prefix + 96 : prefix;
  if (bits >= 128) return *this;  // a host: the common case
  // Two big-endian words, each masked to the bits of the prefix it holds.
  auto mask = [](int keep) { return keep <= 0 ? 0 : keep >= 64 ? ~uint64_t(0) : ~uint64_t(0) << (64 - keep); };
  uint64_t w[2];
  std::memcpy(w, bytes_.data(), 16);
  w[0] &= htobe64(mask(bits));
  w[1] &= htobe64(mask(bits - 64));
  IpAddress a;
  std::memcpy(a.bytes_.data(), w, 16);
  if (is_v4()) std::memcpy(a.bytes_.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size());
  return a;
}

void IpAddress::AppendTo(fmt::memory_buffer& out) const {
  char buf[INET6_ADDRSTRLEN];
  if (is_v4()) {
    fmt::format_to(std::back_inserter(out), "{}.{}.{}.{}", bytes_[12], bytes_[13], bytes_[14],
                   bytes_[15]);
    return;
  }
  inet_ntop(AF_INET6, bytes_.data(), buf, sizeof(buf));
  out.append(std::string_view(buf));
}

std::string IpAddress::ToString() const {
  fmt::memory_buffer out;
  AppendTo(out);
  return fmt::to_string(out);
}

}  // namespace defender
