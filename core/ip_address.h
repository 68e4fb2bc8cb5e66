// IpAddress: an IPv4 or IPv6 address as a 16-byte value (IPv4 is stored as
// ::ffff:a.b.c.d). Parsing is strict, inet_pton rules: no leading zeros, no
// short or numeric forms, no zone ids, no surrounding space. Immutable value;
// thread-safe.
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace defender {

class IpAddress {
 public:
  // The all-zero IPv6 address "::".
  IpAddress() = default;

  static IpAddress FromV4(uint32_t host_order);
  static IpAddress FromBytes(const std::array<uint8_t, 16>& bytes);
  // Returns nullopt for anything that is not a canonical textual address.
  static std::optional<IpAddress> Parse(std::string_view text);
  // The same, written straight into *out (left alone when false), for the
  // parsers' per-line path: a returned optional is stored in halves and
  // copied on with one 16-byte load, which cannot be forwarded from them and
  // so waits for every store before it to reach the cache (on the
  // parse-ahead thread, the record's stores, which miss): that wait was a
  // fifth of a replay's samples.
  static bool Parse(std::string_view text, IpAddress* out);

  // IPv4 addresses are kept IPv4-mapped (::ffff:a.b.c.d). Inline: every
  // line asks it, to group its client.
  bool is_v4() const {
    uint64_t head;
    uint32_t mid;
    std::memcpy(&head, bytes_.data(), 8);
    std::memcpy(&mid, bytes_.data() + 8, 4);
    return head == 0 && mid == kV4MappedMid;
  }
  // Host byte order; only meaningful when is_v4().
  uint32_t v4() const;
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  // Prefix length of a single address of this family: 32 or 128.
  int max_prefix() const { return is_v4() ? 32 : 128; }
  bool is_loopback() const;
  bool is_private() const;  // RFC 1918, CGNAT, link-local, ULA

  // Keeps the first `prefix` bits (counted in the family's own width).
  IpAddress Masked(int prefix) const;

  std::string ToString() const;
  // Appends the canonical text (RFC 5952 for IPv6) to `out`.
  void AppendTo(fmt::memory_buffer& out) const;

  auto operator<=>(const IpAddress&) const = default;
  // Two word compares: hash maps keyed by client compare on every lookup,
  // and the defaulted comparison calls memcmp.
  bool operator==(const IpAddress& o) const {
    uint64_t a[2], b[2];
    std::memcpy(a, bytes_.data(), 16);
    std::memcpy(b, o.bytes_.data(), 16);
    return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0;
  }
  template <typename H>
  friend H AbslHashValue(H h, const IpAddress& a) {
    return H::combine_contiguous(std::move(h), a.bytes_.data(), a.bytes_.size());
  }

 private:
  // Bytes 8-11 of an IPv4-mapped address (0, 0, 0xff, 0xff) read as a word.
  static constexpr uint32_t kV4MappedMid = std::endian::native == std::endian::little ? 0xffff0000u : 0x0000ffffu;
  std::array<uint8_t, 16> bytes_{};
};

}  // namespace defender

template <>
struct fmt::formatter<defender::IpAddress> : fmt::formatter<std::string_view> {
  auto format(const defender::IpAddress& a, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(a.ToString(), ctx);
  }
};
