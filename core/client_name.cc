#include "core/client_name.h"

#include <string>

#include "core/hash.h"

namespace defender {

bool IsHostName(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  bool letter = false;  // in the last label so far
  size_t label = 0;
  char prev = '.';
  for (char c : text) {
    if (c == '.') {
      if (label == 0 || prev == '-') return false;
      label = 0;
      letter = false;
    } else {
      const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!alpha && !(c >= '0' && c <= '9') && c != '-') return false;
      if (c == '-' && label == 0) return false;
      if (++label > 63) return false;
      letter = letter || alpha;
    }
    prev = c;
  }
  return letter && prev != '-' && prev != '.';
}

IpAddress HostNameKey(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = char(c + 32);
  }
  const uint64_t h = HashBytes(lower);
  std::array<uint8_t, 16> bytes{};
  bytes[0] = 0x01;
  for (int i = 0; i < 8; ++i) bytes[size_t(8 + i)] = uint8_t(h >> (56 - 8 * i));
  return IpAddress::FromBytes(bytes);
}

}  // namespace defender
