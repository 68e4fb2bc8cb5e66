#include "sinks/state_sink.h"

namespace defender {

namespace {

class StateSink : public Sink {
 public:
  explicit StateSink(StateStore* store) : store_(store) {}
  Status Apply(const Decision& d) override {
    if (d.restored) return Status::Ok();
    if (d.action == DecisionAction::kBan) {
      return store_->PutBan(StoredBan{d.target, d.source, std::string(d.reason), d.time, d.until, d.ban_count, d.score});
    }
    if (d.action == DecisionAction::kUnban) return store_->DeleteBan(d.target);
    return Status::Ok();
  }
  Status Flush() override { return Status::Ok(); }

 private:
  StateStore* store_;
};

}  // namespace

std::unique_ptr<Sink> NewStateSink(StateStore* store) { return std::make_unique<StateSink>(store); }

}  // namespace defender
