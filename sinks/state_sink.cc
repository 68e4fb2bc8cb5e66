#include "sinks/state_sink.h"

namespace defender {

namespace {

class StateSink : public Sink {
 public:
  StateSink(StateStore* store, bool ban_actions, bool unban_actions)
      : store_(store), ban_actions_(ban_actions), unban_actions_(unban_actions) {}
  Status Apply(const Decision& d) override {
    if (d.restored) return Status::Ok();
    const PendingAction action = PendingActionOf(d);
    if (d.action == DecisionAction::kBan) {
      return store_->PutBan(StoredBan{d.target, d.source, std::string(d.reason), d.time, d.until, d.ban_count, d.score,
                                      d.events_count, std::string(d.evidence.substr(0, kMaxEvidence))},
                            ban_actions_ ? &action : nullptr);
    }
    if (d.action == DecisionAction::kUnban) return store_->DeleteBan(d.target, unban_actions_ ? &action : nullptr);
    return Status::Ok();
  }
  Status Flush() override { return Status::Ok(); }

 private:
  StateStore* store_;
  bool ban_actions_, unban_actions_;
};

}  // namespace

std::unique_ptr<Sink> NewStateSink(StateStore* store, bool ban_actions, bool unban_actions) {
  return std::make_unique<StateSink>(store, ban_actions, unban_actions);
}

PendingAction PendingActionOf(const Decision& d) {
  return PendingAction{d.action == DecisionAction::kBan, d.target, std::string(d.reason), d.duration_s, d.until};
}

}  // namespace defender
