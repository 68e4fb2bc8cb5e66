// PipelineControl: what the HTTP API asks of the pipeline. The pipeline
// implements it; its methods run only on the pipeline's thread, through a
// TaskQueue, so the pipeline stays single-threaded. (The one "engine" is
// the DecisionEngine, decisions/decision_engine.h.)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cidr.h"
#include "core/decision.h"
#include "core/status.h"

namespace defender {

struct AnalyzeResult {
  IpAddress client;
  int score = 0;
  std::vector<std::string> signatures, scenarios;
  // Their reasons point to names the pipeline keeps as long as it lives (it
  // outlives the API); the views into the line (evidence, client_name) are
  // cleared.
  std::vector<Decision> decisions;
};

class PipelineControl {
 public:
  PipelineControl() = default;
  PipelineControl(const PipelineControl&) = delete;  // the pipeline owns inputs, sinks and the state
  PipelineControl& operator=(const PipelineControl&) = delete;
  virtual ~PipelineControl() = default;
  // Bans `target` through every sink.
  virtual Decision Block(const Cidr& target, std::string_view reason, int64_t duration_s) = 0;
  // Unbans through every sink; false when `target` was not banned.
  virtual bool Unblock(const Cidr& target) = 0;
  // Runs one log line through the pipeline, as if read from an input. With
  // `client`, the line's own client address is replaced by it. kInvalid,
  // with the reject reason, when the line does not parse, or why it was not
  // detected.
  virtual StatusOr<AnalyzeResult> Analyze(std::string_view line, std::optional<IpAddress> client) = 0;
  // Appends the pipeline's counters in the Prometheus text format.
  virtual void AppendMetrics(std::string* out) = 0;
  // Appends what the dashboard shows of the pipeline as a JSON object:
  // clock, lines, active bans, inputs, the fleet link, and the last hour
  // (cli/activity.h).
  virtual void AppendActivity(std::string* out) = 0;
  virtual LogTime Clock() const = 0;
};

}  // namespace defender
