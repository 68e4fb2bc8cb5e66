#include "decisions/realip_check.h"

namespace defender {

void RealipCheck::Add(const IpAddress& client, bool suspect) {
  if (done_ || lines_ >= kSample) return;
  ++lines_;
  if (suspect && (counts_.size() < 64 || counts_.contains(client))) ++counts_[client];
}

std::optional<IpAddress> RealipCheck::Verdict(bool at_end) {
  if (done_ || (lines_ < kSample && !(at_end && lines_ >= 100))) return std::nullopt;
  done_ = true;
  for (const auto& [address, n] : counts_) {
    if (n * 2 > lines_) return address;
  }
  return std::nullopt;
}

}  // namespace defender
