#include "core/cidr.h"

namespace defender {

Cidr::Cidr(IpAddress address, int prefix) : address_(address.Masked(prefix)), prefix_(prefix) {}

std::optional<Cidr> Cidr::Parse(std::string_view text) {
  size_t slash = text.find('/');
  auto address = IpAddress::Parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  if (slash == std::string_view::npos) return Host(*address);
  std::string_view digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) {
    return std::nullopt;
  }
  int prefix = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    prefix = prefix * 10 + (c - '0');
  }
  if (prefix > address->max_prefix()) return std::nullopt;
  return Cidr(*address, prefix);
}

bool Cidr::Contains(const IpAddress& a) const {
  if (a.is_v4() != address_.is_v4()) return false;
  return a.Masked(prefix_) == address_;
}

void Cidr::AppendTo(fmt::memory_buffer& out) const {
  address_.AppendTo(out);
  if (!is_host()) fmt::format_to(std::back_inserter(out), "/{}", prefix_);
}

std::string Cidr::ToString() const {
  fmt::memory_buffer out;
  AppendTo(out);
  return fmt::to_string(out);
}

}  // namespace defender
