#include "decisions/decision_engine.h"

#include <algorithm>
#include <optional>

#include "core/ban_target.h"
#include "core/client_name.h"

namespace defender {

Decision DecisionEngine::Ban(const Cidr& target, const ActiveBan& ban) {
  Decision d;
  d.action = DecisionAction::kBan;
  d.reason = ban.reason;
  d.source = ban.source;
  d.target = target;
  d.time = ban.since;
  d.until = ban.until;
  d.duration_s = (ban.until - ban.since) / kSecond;
  d.score = ban.score;
  d.ban_count = ban.count;
  return d;
}

namespace {

// The prefix 16 bits wider that IPv6 bans collapse into, if it may be
// banned: never for IPv4 clients (NAT64's included), nor one that covers
// them all.
std::optional<Cidr> WiderPrefix(const Cidr& target) {
  if (CountedWhole(target.address()) || target.prefix() - 16 < kMinBanPrefixV6) return std::nullopt;
  Cidr wider(target.address(), target.prefix() - 16);
  if (CoversNat64(wider)) return std::nullopt;
  return wider;
}

}  // namespace

absl::flat_hash_map<Cidr, ActiveBan>::const_iterator DecisionEngine::Covering(const Cidr& client) const {
  for (auto wider = WiderPrefix(client); wider; wider = WiderPrefix(*wider)) {
    if (auto it = active_.find(*wider); it != active_.end()) return it;
  }
  return active_.end();
}

void DecisionEngine::Track(const Cidr& target, int delta) {
  auto wider = WiderPrefix(target);
  if (!wider) return;
  if ((within_[*wider] += delta) <= 0) within_.erase(*wider);
}

void DecisionEngine::Collapse(const Cidr& target, const ActiveBan& ban, LogTime time, std::vector<Decision>* out) {
  for (auto wider = WiderPrefix(target); wider && options_.ipv6_collapse > 0; wider = WiderPrefix(*wider)) {
    auto n = within_.find(*wider);
    if (n == within_.end() || n->second < options_.ipv6_collapse || active_.contains(*wider) ||
        allowlist_.Overlaps(*wider)) {
      return;
    }
    ActiveBan wide = ban;
    wide.count = history_[*wider] + 1;
    history_[*wider] = wide.count;
    active_[*wider] = wide;
    Track(*wider, +1);
    expiries_.push({wide.until, *wider});
    ++counters_.bans;
    Decision b = Ban(*wider, wide);
    b.time = time;
    out->push_back(b);
  }
}

void DecisionEngine::OnAlert(const Alert& a, std::vector<Decision>* out) {
  Advance(a.time, out);
  Decision d;
  d.reason = a.scenario;
  d.source = a.source;
  d.target = a.client;
  d.time = a.time;
  d.events_count = a.events_count;
  d.score = scores_.Add(a.client, a.severity, a.time);
  d.client_name = a.client_name;
  d.anomaly = a.anomaly;
  // A host name is the client's own choice (its PTR record), and not what
  // nginx or a firewall can block: reported, never banned.
  std::string_view allowed = IsHostNameKey(a.source) ? "hostname" : allowlist_.Reason(a.source);
  if (allowed.empty() && allowlist_.Overlaps(a.client)) allowed = "allowlist";
  // Crawlers look unusual: the behaviour model's alert on a client that
  // claims to be one is only reported unless the claim can be checked (and
  // then judged like any other alert: a user agent is not a pass).
  const bool simulate = a.simulate || (a.anomaly != nullptr && a.crawler != nullptr && crawler_check_ == nullptr);
  if (allowed.empty() && a.crawler != nullptr && crawler_check_ != nullptr && !simulate &&
      crawler_check_->Verified(a.source, *a.crawler)) {
    allowed = "verified_crawler";
  }
  auto active = active_.find(a.client);
  auto covering = active == active_.end() ? Covering(a.client) : active_.end();
  if (covering != active_.end()) {  // a wider ban holds it already
    d.action = DecisionAction::kDetect;
    d.suppressed = !allowed.empty() ? allowed : simulate ? "simulate" : "already_banned";
    d.until = covering->second.until;
    ++counters_.suppressed;
    out->push_back(d);
    return;
  }
  if (!allowed.empty() || simulate || (active != active_.end() && !options_.extend_on_alert)) {
    d.action = DecisionAction::kDetect;
    d.suppressed = !allowed.empty() ? allowed : simulate ? "simulate" : "already_banned";
    if (active != active_.end()) d.until = active->second.until;
    ++counters_.suppressed;
    out->push_back(d);
    return;
  }
  int n = history_[a.client] + (active == active_.end() ? 1 : 0);
  int64_t duration = a.ban_s;
  for (int i = 1; i < n && duration < options_.max_ban_s; ++i) duration *= 2;
  duration = std::min(duration, options_.max_ban_s);
  ActiveBan ban;
  ban.since = std::max(a.time, now_);  // a late line (another input, /api/analyze) bans from now
  ban.until = ban.since + duration * kSecond;
  ban.reason = a.scenario;
  ban.source = a.source;
  ban.count = n;
  ban.score = d.score;
  if (active != active_.end()) {  // extend_on_alert
    ban.since = active->second.since;
    ban.until = std::max(ban.until, active->second.until);
    ban.count = active->second.count;
  } else {
    history_[a.client] = n;
    Track(a.client, +1);
  }
  active_[a.client] = ban;
  expiries_.push({ban.until, a.client});
  ++counters_.bans;
  Decision b = Ban(a.client, ban);
  b.time = a.time;
  b.events_count = a.events_count;
  out->push_back(b);
  if (active == active_.end()) Collapse(a.client, ban, a.time, out);
}

void DecisionEngine::Advance(LogTime now, std::vector<Decision>* out) {
  if (now <= now_) return;
  now_ = now;
  if (now - last_prune_ >= ThreatScore::kHalfLife) {  // forget scores that decayed away
    scores_.Prune(now);
    last_prune_ = now;
  }
  while (!expiries_.empty() && expiries_.top().first <= now) {
    auto [until, target] = expiries_.top();
    expiries_.pop();
    auto it = active_.find(target);
    if (it == active_.end() || it->second.until != until) continue;  // extended or removed
    Decision d = Ban(target, it->second);
    d.action = DecisionAction::kUnban;
    d.time = until;
    active_.erase(it);
    Track(target, -1);
    ++counters_.unbans;
    out->push_back(d);
  }
}

std::string_view DecisionEngine::Intern(std::string_view s) {
  for (const std::string& i : interned_) {
    if (i == s) return i;
  }
  return interned_.emplace_back(s);
}

Decision DecisionEngine::Block(const Cidr& target, std::string_view reason, int64_t duration_s) {
  auto active = active_.find(target);
  ActiveBan ban;
  ban.since = now_;
  ban.until = now_ + duration_s * kSecond;
  if (active != active_.end()) {  // never shorter than it was
    ban.since = active->second.since;
    ban.until = std::max(ban.until, active->second.until);
  }
  ban.reason = Intern(reason);
  ban.source = target.address();
  ban.count = active != active_.end() ? active->second.count : history_[target] + 1;
  ban.score = 100;  // an operator's verdict
  history_[target] = ban.count;
  if (active == active_.end()) Track(target, +1);
  active_[target] = ban;
  expiries_.push({ban.until, target});
  ++counters_.bans;
  return Ban(target, ban);
}

bool DecisionEngine::Unblock(const Cidr& target, std::vector<Decision>* out) {
  auto it = active_.find(target);
  if (it == active_.end()) return false;
  Decision d = Ban(target, it->second);
  d.action = DecisionAction::kUnban;
  d.time = now_;
  active_.erase(it);  // its entry in expiries_ is skipped when it comes up
  Track(target, -1);
  ++counters_.unbans;
  out->push_back(d);
  return true;
}

Decision DecisionEngine::Restore(const Cidr& target, const IpAddress& source, std::string_view reason,
                                 LogTime since, LogTime until, int count, int score) {
  ActiveBan ban{since, until, Intern(reason), source, count, score};
  if (!active_.contains(target)) Track(target, +1);
  active_[target] = ban;
  RestoreHistory(target, count);
  expiries_.push({until, target});
  Decision d = Ban(target, ban);
  d.restored = true;
  return d;
}

Decision DecisionEngine::Adopt(const Cidr& target, const IpAddress& source, std::string_view reason, LogTime until,
                               int count) {
  const bool added = !active_.contains(target);
  // Before the clock is set (a batch run before its first line) when the
  // ban began is not known here: its end stands for it (duration 0).
  const LogTime since = now_ > 0 ? std::min(now_, until) : until;
  Decision d = Restore(target, source, reason, since, until, count, 0);
  d.restored = false;
  if (added) ++counters_.bans;
  return d;
}

}  // namespace defender
