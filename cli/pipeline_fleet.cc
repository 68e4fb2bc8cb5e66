// Fleet mode (--redis): this node's bans and unbans go to the fleet through
// FleetSink, and what the other nodes decided comes in here and is applied
// to every sink. Part of Pipeline (cli/pipeline.h).
#include <tuple>

#include <fmt/format.h>

#include "cli/messages.h"
#include "cli/pipeline.h"
#include "core/prometheus_text.h"
#include "fleet/fleet_decision.h"

namespace defender {

void Pipeline::set_tasks(TaskQueue* tasks) {
  tasks_ = tasks;
  // Serve waits on its task queue between inputs: a decision from the
  // fleet wakes it, so that it applies at once.
  if (fleet_) fleet_->set_on_receive([tasks] { tasks->Post([](PipelineControl&) {}); });
}

void Pipeline::LoadFleet() {
  if (!fleet_) return;
  if (!fleet_->WaitLoaded(std::chrono::seconds(2))) {
    PrintWarning(fmt::format("{}; going on with the bans this node knows, and trying again",
                             fleet_->last_problem()));
    fleet_warned_ = fleet_->last_problem();
  }
  TakeFleetDecisions();
}

void Pipeline::TakeFleetDecisions() {
  if (!fleet_) return;
  fleet_inbox_.clear();
  fleet_->Take(&fleet_inbox_);
  // A new connection problem, and a new refused entry, are each said at
  // most once a minute: a flood of hostile entries must not flood stderr
  // too (/metrics counts them all).
  const auto now = std::chrono::steady_clock::now();
  for (auto [said, said_at, problem] : {std::tuple{&fleet_warned_, &fleet_warned_at_, fleet_->last_problem()},
                                        std::tuple{&fleet_refusal_, &fleet_refusal_at_, fleet_->last_refusal()}}) {
    if (problem == *said || now - *said_at < std::chrono::minutes(1)) continue;
    if (!problem.empty()) {
      PrintWarning(problem);
      *said_at = now;
    }
    *said = problem;
  }
  if (fleet_inbox_.empty()) return;
  Tick();
  for (const FleetDecision& f : fleet_inbox_) {
    auto active = engine_.active().find(f.target);
    if (f.ban) {
      // Ended already, or this node allows it (its own monitoring, say):
      // not applied. Banned here until as late or later: only the count.
      if (f.until <= engine_.now() || !allowlist_.Reason(f.target.address()).empty() || allowlist_.Overlaps(f.target)) {
        ++stats_.fleet_not_applied;
        continue;
      }
      if (active != engine_.active().end() && active->second.until >= f.until) {
        engine_.RestoreHistory(f.target, f.count);
        continue;
      }
      decisions_.push_back(engine_.Adopt(f.target, f.source, f.reason, f.until, f.count));
      decisions_.back().fleet_node = f.node;
    } else {
      // Only the ban it lifts: not one this node made or learnt since.
      if (active == engine_.active().end() || active->second.until > f.until) continue;
      const size_t first = decisions_.size();
      engine_.Unblock(f.target, &decisions_);
      for (size_t i = first; i < decisions_.size(); ++i) decisions_[i].fleet_node = f.node;
    }
  }
  Deliver();  // fleet_inbox_ holds the node names until then
  Flush();
}

void Pipeline::FinishFleet() {
  if (!fleet_) return;
  fleet_->set_on_receive(nullptr);  // serve's task queue ends before the pipeline
  if (!fleet_->WaitSent(std::chrono::seconds(5))) {
    PrintWarning(fmt::format("{} decisions were not sent to the fleet's Redis at {} ({}); this node keeps them",
                             fleet_->counters().queued, fleet_->url().Display(), fleet_->last_problem()));
  }
}

void Pipeline::ReportFleet(fmt::memory_buffer& report) const {
  if (!fleet_) return;
  const FleetCounters c = fleet_->counters();
  fmt::format_to(std::back_inserter(report),
                 "defender-scan: stats: fleet: redis {} {}, published {}, received {} (not applied {}), "
                 "refused {}, dropped {}, queued {}\n",
                 fleet_->url().Display(), c.connected ? "connected" : "not connected", c.published, c.received,
                 stats_.fleet_not_applied, c.refused, c.dropped, c.queued);
}

void Pipeline::AppendFleetMetrics(PrometheusText& m) const {
  if (!fleet_) return;
  const FleetCounters c = fleet_->counters();
  m.Family("fleet_connected", "gauge", "1 while the fleet's Redis (--redis) is connected.");
  m.Sample("fleet_connected", c.connected ? 1 : 0);
  m.Family("fleet_decisions_total", "counter",
           "Fleet decisions: published by this node, received from others, refused as unsafe, dropped "
           "from a full queue, received but not applied (ended, or allowlisted here).");
  m.Sample("fleet_decisions_total", c.published, {{"outcome", "published"}});
  m.Sample("fleet_decisions_total", c.received, {{"outcome", "received"}});
  m.Sample("fleet_decisions_total", c.refused, {{"outcome", "refused"}});
  m.Sample("fleet_decisions_total", c.dropped, {{"outcome", "dropped"}});
  m.Sample("fleet_decisions_total", stats_.fleet_not_applied, {{"outcome", "not_applied"}});
  m.Family("fleet_queued_decisions", "gauge", "This node's decisions waiting to be sent to Redis.");
  m.Sample("fleet_queued_decisions", c.queued);
  m.Family("fleet_seconds_since_contact", "gauge", "Seconds since Redis last answered (-1: never).");
  m.Sample("fleet_seconds_since_contact", c.seconds_since_contact);
}

}  // namespace defender
