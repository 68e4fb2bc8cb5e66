#include "fleet/fleet_sink.h"

#include <algorithm>

#include "core/ban_target.h"

namespace defender {

namespace {

class FleetSink : public Sink {
 public:
  explicit FleetSink(FleetLink* link) : link_(link) {}

  Status Apply(const Decision& d) override {
    if (d.restored || !d.fleet_node.empty()) return Status::Ok();
    const bool ended = d.action == DecisionAction::kUnban && d.time >= d.until;
    if (d.action == DecisionAction::kDetect || ended) return Status::Ok();
    FleetDecision f;
    f.ban = d.action == DecisionAction::kBan;
    f.target = d.target;
    f.source = d.target.Contains(d.source) ? d.source : d.target.address();
    f.until = d.until;
    f.count = std::clamp(d.ban_count, 1, 1000);
    f.reason = IsPlainReason(d.reason) ? std::string(d.reason) : "manual";
    f.node = link_->node();
    link_->Publish(std::move(f));
    return Status::Ok();
  }
  Status Flush() override { return Status::Ok(); }

 private:
  FleetLink* link_;
};

}  // namespace

std::unique_ptr<Sink> NewFleetSink(FleetLink* link) { return std::make_unique<FleetSink>(link); }

}  // namespace defender
