#include "fleet/fleet_decision.h"

#include <charconv>

#include <fmt/format.h>

#include "core/ban_target.h"

namespace defender {

namespace {

constexpr int kMaxCount = 1000;
constexpr LogTime kLatestUntil = LogTime(4102444800) * kSecond;  // 2100-01-01

template <typename T>
bool ParseInt(std::string_view text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

bool IsNodeName(std::string_view name) {
  return !name.empty() && name.size() <= 128 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") ==
             std::string_view::npos;
}

std::string FormatFleetDecision(const FleetDecision& d) {
  return fmt::format("{} {} until={} count={} reason={} source={} node={}", d.ban ? "ban" : "unban",
                     d.target.ToString(), d.until, d.count, d.reason, d.source.ToString(), d.node);
}

StatusOr<FleetDecision> ParseFleetDecision(std::string_view text) {
  auto invalid = [](std::string why) { return Status::Invalid(std::move(why)); };
  if (text.size() > 1024) return invalid("longer than 1024 bytes");
  FleetDecision d;
  std::string_view words[7];
  size_t n = 0;
  while (!text.empty()) {
    const size_t space = text.find(' ');
    if (n == 7) return invalid("more than 7 words");
    words[n++] = text.substr(0, space);
    if (words[n - 1].empty()) return invalid("two spaces in a row");
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  }
  if (n != 7) return invalid("fewer than 7 words");
  if (words[0] != "ban" && words[0] != "unban") return invalid("neither ban nor unban");
  d.ban = words[0] == "ban";
  auto target = Cidr::Parse(words[1]);
  if (!target) return invalid("the target is not an address or CIDR");
  if (Status s = ValidateBanTarget(*target); !s.ok()) return invalid("the target " + s.message());
  d.target = *target;
  bool seen[5] = {};
  static constexpr std::string_view kKeys[5] = {"until=", "count=", "reason=", "source=", "node="};
  for (size_t w = 2; w < 7; ++w) {
    size_t k = 0;
    while (k < 5 && words[w].substr(0, kKeys[k].size()) != kKeys[k]) ++k;
    if (k == 5) return invalid(fmt::format("an unknown field '{}'", words[w].substr(0, 32)));
    if (seen[k]) return invalid(fmt::format("{} given twice", kKeys[k]));
    seen[k] = true;
    const std::string_view value = words[w].substr(kKeys[k].size());
    switch (k) {
      case 0:
        if (!ParseInt(value, &d.until) || d.until <= 0 || d.until > kLatestUntil) return invalid("a bad until");
        break;
      case 1:
        if (!ParseInt(value, &d.count) || d.count < 1 || d.count > kMaxCount) return invalid("a count out of 1..1000");
        break;
      case 2:
        if (!IsPlainReason(value)) return invalid("a reason that is not plain text");
        d.reason = std::string(value);
        break;
      case 3: {
        auto source = IpAddress::Parse(value);
        if (!source) return invalid("the source is not an address");
        d.source = *source;
        break;
      }
      case 4:
        if (!IsNodeName(value)) return invalid("a bad node name");
        d.node = std::string(value);
        break;
    }
  }
  if (!d.target.Contains(d.source)) return invalid("the source is outside the target");
  return d;
}

}  // namespace defender
