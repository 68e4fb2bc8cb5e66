#include "decisions/threat_score.h"

#include <algorithm>
#include <cmath>

namespace defender {

double ThreatScore::Decayed(const Entry& e, LogTime t) {
  if (t <= e.time) return e.score;
  return e.score * std::exp2(-double(t - e.time) / double(kHalfLife));
}

int ThreatScore::Add(const Cidr& client, int severity, LogTime t) {
  auto [it, inserted] = scores_.try_emplace(client, Entry{0, t});
  double now = Decayed(it->second, t);
  // Each alert closes part of the gap to 100, so repeated alerts approach it.
  now = now + (100.0 - now) * std::clamp(severity, 1, 100) / 100.0;
  it->second = Entry{now, std::max(t, it->second.time)};
  return int(std::lround(now));
}

int ThreatScore::Get(const Cidr& client, LogTime t) const {
  auto it = scores_.find(client);
  return it == scores_.end() ? 0 : int(std::lround(Decayed(it->second, t)));
}

void ThreatScore::Prune(LogTime t) {
  absl::erase_if(scores_, [&](const auto& e) { return Decayed(e.second, t) < 1.0; });
}

}  // namespace defender
