// DecisionEngine: turns alerts into ban decisions and bans into unbans when
// they expire, in log time. An alert becomes a ban only if its client is
// not allowlisted, its scenario is not in simulate mode and the client is
// not already banned; the n-th ban of the same client lasts 2^(n-1) times
// the scenario's ban length, up to a cap. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <queue>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "core/alert.h"
#include "core/decision.h"
#include "decisions/allowlist.h"
#include "decisions/crawler_check.h"
#include "decisions/threat_score.h"

namespace defender {

struct DecisionOptions {
  int64_t max_ban_s = 7 * 86400;  // cap of escalated bans
  bool extend_on_alert = false;   // an alert for a banned client extends its ban
  // When this many bans are active within one IPv6 prefix 16 bits wider
  // (a /64's /48, a /48's /32, never wider than kMinBanPrefixV6), that
  // prefix is banned too, and its clients count as banned from then on, so
  // that an attacker hopping through its allocation cannot grow the ban
  // list without bound. 0: never.
  int ipv6_collapse = 16;
};

struct ActiveBan {
  LogTime since = 0;
  LogTime until = 0;
  std::string_view reason;
  IpAddress source;
  int count = 1;  // the n-th ban of this target
  int score = 0;
};

struct DecisionCounters {
  uint64_t bans = 0, unbans = 0, suppressed = 0;
};

class DecisionEngine {
 public:
  DecisionEngine(const Allowlist& allowlist, DecisionOptions options)
      : allowlist_(allowlist), options_(options) {}
  // A configuration reload: new limits apply to bans decided from now on.
  void set_options(DecisionOptions options) { options_ = options; }
  // With a check (allow_crawlers: verified), an alert whose line claims a
  // known crawler is not a ban when the claim is verified; nullptr: no check.
  void set_crawler_check(CrawlerCheck* check) { crawler_check_ = check; }

  void OnAlert(const Alert& alert, std::vector<Decision>* out);
  // Moves the clock to `now`; bans that ended produce unbans.
  void Advance(LogTime now, std::vector<Decision>* out);

  // State read back from the database at start. Restore() returns the ban
  // as a decision marked `restored`.
  Decision Restore(const Cidr& target, const IpAddress& source, std::string_view reason, LogTime since,
                   LogTime until, int count, int score);
  // A ban another node of the fleet decided (--redis), ending at its
  // `until` everywhere: applied like Restore() but as a new decision for
  // every sink; the history keeps the fleet's count, so that this node's
  // next ban of the target escalates from it.
  Decision Adopt(const Cidr& target, const IpAddress& source, std::string_view reason, LogTime until, int count);
  // At most kMaxHistory: a count from a hostile state cannot overflow.
  void RestoreHistory(const Cidr& target, int bans) {
    history_[target] = std::max(history_[target], std::clamp(bans, 0, kMaxHistory));
  }
  static constexpr int kMaxHistory = 1000;

  // Bans and unbans asked for by an operator (the HTTP API), at the current
  // clock. Block() sets the ban's end to now + duration_s, or keeps it when
  // the target is banned for longer already: blocking again never shortens
  // a ban. Unblock() is false if nothing was banned.
  Decision Block(const Cidr& target, std::string_view reason, int64_t duration_s);
  bool Unblock(const Cidr& target, std::vector<Decision>* out);

  // The client's threat score now.
  int Score(const Cidr& client) const { return scores_.Get(client, now_); }
  LogTime now() const { return now_; }

  const absl::flat_hash_map<Cidr, ActiveBan>& active() const { return active_; }
  const DecisionCounters& counters() const { return counters_; }

 private:
  Decision Ban(const Cidr& target, const ActiveBan& ban);
  // An active ban of a prefix wider than `client` that covers it, or end().
  absl::flat_hash_map<Cidr, ActiveBan>::const_iterator Covering(const Cidr& client) const;
  // Counts a ban added (+1) or ended (-1) in its wider prefix (ipv6_collapse).
  void Track(const Cidr& target, int delta);
  // Bans the wider prefixes of `target` that reached ipv6_collapse bans.
  void Collapse(const Cidr& target, const ActiveBan& ban, LogTime time, std::vector<Decision>* out);
  std::string_view Intern(std::string_view s);

  const Allowlist& allowlist_;
  DecisionOptions options_;
  CrawlerCheck* crawler_check_ = nullptr;
  absl::flat_hash_map<Cidr, ActiveBan> active_;
  absl::flat_hash_map<Cidr, int> history_;
  absl::flat_hash_map<Cidr, int> within_;  // active bans within each wider IPv6 prefix
  using Expiry = std::pair<LogTime, Cidr>;
  std::priority_queue<Expiry, std::vector<Expiry>, std::greater<Expiry>> expiries_;
  std::deque<std::string> interned_;  // reasons read back from the database
  ThreatScore scores_;
  DecisionCounters counters_;
  LogTime now_ = 0;
  LogTime last_prune_ = 0;
};

}  // namespace defender
