#include "cli/bans_command.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "cli/config.h"
#include "cli/messages.h"
#include "core/ban_target.h"
#include "core/json.h"
#include "state/state_store.h"

namespace defender {

namespace {

int Fail(std::string_view message, int status) {
  PrintError(message);
  return status;
}

// --redis: the change made in the state goes to the fleet too; 1 if Redis
// did not take it within a few seconds (the state has it all the same).
int Publish(FleetLink* fleet, FleetDecision decision) {
  if (!fleet) return 0;
  decision.node = fleet->node();
  const std::string what = FormatFleetDecision(decision);
  fleet->Publish(std::move(decision));
  if (fleet->WaitSent(std::chrono::seconds(5))) return 0;
  return Fail(fmt::format("the state has it, but the fleet's Redis at {} did not take it: {}",
                          fleet->url().Display(), fleet->last_problem()), 1);
}

}  // namespace

int RunBansCommand(const BansOptions& o) {
  if (o.state.empty()) return Fail("bans: --state PATH is required", 2);
  std::optional<Cidr> target;
  if (!o.target.empty()) {
    target = Cidr::Parse(o.target);
    if (!target) return Fail(fmt::format("bans {}: '{}' is not an address or CIDR", o.action, o.target), 2);
    // Detection counts and bans an IPv6 client by its prefix (--ipv6-prefix):
    // an address given alone means the same target.
    if (o.action != "list") target = GivenTarget(*target, o.ipv6_prefix);
    if (Status valid = o.action == "add" ? ValidateBanTarget(*target) : Status::Ok(); !valid.ok()) {
      return Fail(fmt::format("bans add: {}", valid.message()), 2);
    }
  }
  if (!IsPlainReason(o.reason)) return Fail("bans add: --reason must be a plain name (letters, digits, '_', '.', '-')", 2);
  auto duration = ParseDuration(o.duration);
  if (!duration || *duration <= 0) return Fail(fmt::format("bans: --duration '{}' is not a duration", o.duration), 2);
  if (*duration > kMaxBanSeconds * kSecond) {
    return Fail(fmt::format("bans: --duration '{}': 10 years at most (3650d)", o.duration), 2);
  }
  // Only `add` may start a state; a typo in the path must not look like an
  // empty list.
  auto opened = o.action == "add" ? StateStore::Open(o.state, o.state_wait_s * 1000)
                                  : StateStore::OpenExisting(o.state, o.state_wait_s * 1000);
  if (!opened.ok()) return Fail(fmt::format("bans {}: {}", o.action, opened.status().message()), 1);
  std::unique_ptr<FleetLink> fleet;
  if (!o.fleet.redis.empty() && o.action != "list") {
    auto started = StartFleetLink(o.fleet);
    if (!started.ok()) return Fail(fmt::format("bans {}: {}", o.action, started.status().message()), 2);
    fleet = std::move(*started);
  }
  std::unique_ptr<StateStore> store = std::move(*opened);
  std::vector<StoredBan> bans;
  size_t refused = 0;
  if (Status s = store->LoadBans(&bans, &refused); !s.ok()) return Fail(s.message(), 1);
  if (refused > 0) {
    PrintWarning(fmt::format("{}: {} ban rows refused (not shown, not enforced)", o.state,
                             refused));
  }
  LogTime now = WallClock();

  if (o.action == "list") {
    // Filters: the bans that cover TARGET (or lie within it), of one scenario.
    std::erase_if(bans, [&](const StoredBan& b) {
      return (target && !b.target.Contains(target->address()) && !target->Contains(b.target.address())) ||
             (!o.scenario.empty() && b.reason != o.scenario);
    });
    fmt::memory_buffer out;
    auto it = std::back_inserter(out);
    if (!o.json) {
      fmt::format_to(it, "{:<28} {:<36} {:<20} {:<20} {:>4} {:>5} {:>6}\n", "TARGET", "REASON", "SINCE", "UNTIL",
                     "BANS", "SCORE", "EVENTS");
    }
    for (const StoredBan& b : bans) {
      if (o.json) {
        out.append(std::string_view("{\"target\":\""));
        b.target.AppendTo(out);
        out.append(std::string_view("\",\"source\":\""));
        b.source.AppendTo(out);
        out.append(std::string_view("\",\"reason\":"));
        AppendJsonString(out, b.reason);
        fmt::format_to(it, ",\"since\":\"{}\",\"until\":\"{}\",\"ban_count\":{},\"score\":{},\"events\":{},\"evidence\":",
                       FormatIso8601(b.since), FormatIso8601(b.until), b.count, b.score, b.events);
        AppendJsonString(out, b.evidence);
        out.append(std::string_view("}\n"));
        continue;
      }
      fmt::format_to(it, "{:<28} {:<36} {:<20} {:<20} {:>4} {:>5} {:>6}\n", b.target.ToString(), b.reason,
                     FormatIso8601(b.since), FormatIso8601(b.until), b.count, b.score, b.events);
      if (o.evidence && !b.evidence.empty()) {
        // As a JSON string: a log line's control characters never reach the terminal.
        out.append(std::string_view("    evidence: "));
        AppendJsonString(out, b.evidence);
        out.push_back('\n');
      }
    }
    fmt::print("{}", fmt::to_string(out));
    return 0;
  }
  if (o.action == "add") {
    const IpAddress source = Cidr::Parse(o.target)->address();
    StoredBan ban{*target, source, o.reason, now, now + *duration, 1, 100};
    for (const StoredBan& b : bans) {
      if (b.target != *target) continue;
      ban.count = b.count;
      ban.since = b.since;
      ban.until = std::max(ban.until, b.until);  // adding again never shortens a ban
    }
    // Committed with its pending action: the next run with --on-ban runs it.
    const PendingAction action{true, *target, o.reason, (ban.until - now) / kSecond, ban.until};
    if (Status s = store->PutBan(ban, &action); !s.ok()) return Fail(s.message(), 1);
    fmt::print("banned {} until {}\n", target->ToString(), FormatIso8601(ban.until));
    return Publish(fleet.get(), FleetDecision{true, ban.target, ban.source, ban.until, ban.count, ban.reason, ""});
  }
  auto banned = std::find_if(bans.begin(), bans.end(), [&](const StoredBan& b) { return b.target == *target; });
  if (banned == bans.end()) return Fail(fmt::format("bans del: {} is not banned", target->ToString()), 1);
  // The same pending unban a run's expiry would commit, so that a running
  // --follow that lifts the ban itself runs the action once.
  const PendingAction action{false, *target, banned->reason, 0, banned->until};
  if (Status s = store->DeleteBan(*target, &action); !s.ok()) return Fail(s.message(), 1);
  fmt::print("unbanned {}\n", target->ToString());
  return Publish(fleet.get(), FleetDecision{false, banned->target, banned->source, banned->until, banned->count,
                                            banned->reason, ""});
}

}  // namespace defender
