#include "sinks/json_sink.h"

#include "core/decision_json.h"

namespace defender {

namespace {

class JsonSink : public Sink {
 public:
  explicit JsonSink(LineWriter* writer) : writer_(writer) {}
  Status Apply(const Decision& d) override {
    if (d.restored) return Status::Ok();  // reported by the run that decided it
    AppendDecisionJson(writer_->buffer(), d);
    writer_->EndLine();
    return Status::Ok();
  }
  Status Flush() override { return writer_->Flush(); }

 private:
  LineWriter* writer_;
};

}  // namespace

std::unique_ptr<Sink> NewJsonSink(LineWriter* writer) { return std::make_unique<JsonSink>(writer); }

}  // namespace defender
