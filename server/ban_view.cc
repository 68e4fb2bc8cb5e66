#include "server/ban_view.h"

#include <algorithm>
#include <mutex>

#include "core/ban_target.h"
#include "decisions/threat_score.h"

namespace defender {

namespace {

size_t PrefixSlot(const Cidr& c) { return c.address().is_v4() ? size_t(c.prefix()) : 33 + size_t(c.prefix()); }

}  // namespace

Cidr BanView::ClientOf(const IpAddress& address) const {
  return ClientTarget(address, ipv6_prefix_);
}

Status BanView::Apply(const Decision& d) {
  std::unique_lock lock(mu_);
  if (d.action != DecisionAction::kUnban) {
    Score& s = scores_[d.target];
    if (d.time >= s.time) s = Score{d.score, d.time};
  }
  if (d.action == DecisionAction::kBan) {
    auto [it, inserted] = bans_.insert_or_assign(
        d.target, Ban{std::string(d.reason), d.time, d.until, d.ban_count, std::string(d.fleet_node)});
    if (inserted) ++prefix_count_[PrefixSlot(d.target)];
  } else if (d.action == DecisionAction::kUnban) {
    if (bans_.erase(d.target) > 0) --prefix_count_[PrefixSlot(d.target)];
  }
  return Status::Ok();
}

BanStatus BanView::Lookup(const IpAddress& address) const {
  BanStatus out;
  LogTime now = clock_.load(std::memory_order_relaxed);
  std::shared_lock lock(mu_);
  size_t first = address.is_v4() ? 0 : 33;
  for (int prefix = address.max_prefix(); prefix >= 0 && !out.blocked; --prefix) {
    if (prefix_count_[first + size_t(prefix)] == 0) continue;
    auto it = bans_.find(Cidr(address, prefix));
    if (it == bans_.end()) continue;
    out.blocked = true;
    out.reason = it->second.reason;
    out.until = it->second.until;
  }
  if (auto it = scores_.find(ClientOf(address)); it != scores_.end()) {
    out.score = ThreatScore::Decay(it->second.score, it->second.time, std::max(now, it->second.time));
  }
  if (out.blocked) out.score = std::max(out.score, 1);
  return out;
}

std::vector<BanEntry> BanView::Entries() const {
  std::vector<BanEntry> out;
  {
    std::shared_lock lock(mu_);
    out.reserve(bans_.size());
    for (const auto& [target, ban] : bans_) out.push_back({target, ban.reason, ban.since, ban.until, ban.ban_count, ban.node});
  }
  std::sort(out.begin(), out.end(), [](const BanEntry& a, const BanEntry& b) { return a.target < b.target; });
  return out;
}

std::vector<Cidr> BanView::Targets() const {
  std::vector<Cidr> out;
  for (const BanEntry& e : Entries()) out.push_back(e.target);
  return out;
}

size_t BanView::size() const {
  std::shared_lock lock(mu_);
  return bans_.size();
}

}  // namespace defender
