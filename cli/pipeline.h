// Pipeline: wires sources, parsers, detectors, decisions and sinks for one
// run of the main job or of serve mode. Single-threaded but for the readers
// (decompression runs on its own threads inside sources/, a batch replay
// reads and parses on a ParseAhead thread); in serve mode the HTTP API reaches it
// only through the PipelineControl methods, run as tasks on this thread
// between batches of lines. Run() returns the exit status.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/config.h"
#include "cli/activity.h"
#include "cli/options.h"
#include "cli/parse_ahead.h"
#include "cli/progress.h"
#include "cli/reorder_buffer.h"
#include "cli/report.h"
#include "cli/stats.h"
#include "core/log_record.h"
#include "core/prometheus_text.h"
#include "decisions/allowlist.h"
#include "decisions/decision_engine.h"
#include "decisions/realip_check.h"
#include "fleet/fleet_link.h"
#include "detectors/detector.h"
#include "parsers/line_parser.h"
#include "parsers/request_decoder.h"
#include "server/pipeline_control.h"
#include "server/task_queue.h"
#include "sinks/action_sink.h"
#include "sinks/line_writer.h"
#include "sinks/sink.h"
#include "sources/line_reader.h"
#include "state/state_store.h"

namespace defender {

class Pipeline : public PipelineControl {
 public:
  // kInvalid on a configuration problem (exit 2): a format, a command, an
  // include that cannot be written, a rule.
  static StatusOr<std::unique_ptr<Pipeline>> Create(const Options& options, Config config);
  ~Pipeline() override;
  // Serve mode: after Run() has read its inputs it goes on running the
  // queue's tasks until the queue is stopped.
  void set_tasks(TaskQueue* tasks);
  // Applied after the built-in sinks.
  void AddSink(std::unique_ptr<Sink> sink) { added_sinks_.push_back(std::move(sink)); }
  // Called on the pipeline's thread with the new configuration after a
  // reload (SIGHUP) took effect: serve passes it on to the HTTP side.
  void set_on_reload(std::function<void(const Config&)> fn) { on_reload_ = std::move(fn); }
  // `defender-scan report`: what the run reads and decides is also
  // gathered here.
  void set_report(ReportCollector* report) { report_ = report; }
  // 0 ok, 1 a runtime failure (an unreadable input, a sink failed).
  int Run();
  const Stats& stats() const { return stats_; }
  const DecisionEngine& engine() const { return engine_; }

  // PipelineControl, for serve mode.
  Decision Block(const Cidr& target, std::string_view reason, int64_t duration_s) override;
  bool Unblock(const Cidr& target) override;
  StatusOr<AnalyzeResult> Analyze(std::string_view line, std::optional<IpAddress> client) override;
  void AppendMetrics(std::string* out) override;
  void AppendActivity(std::string* out) override;
  LogTime Clock() const override { return engine_.now(); }

 private:
  struct Input {
    std::string name;
    std::unique_ptr<LineReader> reader;
    std::unique_ptr<LineParser> parser;  // moved to `ahead` when there is one
    // A batch replay reads and parses on a thread of its own (RunBatch).
    std::unique_ptr<ParseAhead> ahead;
    bool live = false;
    bool syslog = false;  // lines are "HOST\tLINE" (SplitSyslogLine)
    uint64_t line_no = 0;
    bool done = false;
    // For checkpoints (--state): a regular file's identity.
    bool regular = false;
    bool compressed = false;
    uint64_t dev = 0, ino = 0, size = 0;
    std::string fingerprint;
    // Where a later run goes on: just after the last line processed.
    uint64_t consumed_offset() const { return ahead ? ahead->consumed_offset() : reader->consumed_offset(); }
  };

  Pipeline(const Options& options, Config config);
  bool OpenInputs();
  // Adds what `input`'s reader counted (bytes, lines too long or cut) to
  // stats_; once an input, at its end or at the end of the run.
  void CountReader(const Input& input);
  // Reads `input` from `source` from now on (hold_tail: see LineReader).
  void AddInput(Input input, std::unique_ptr<ByteSource> source, bool hold_tail);
  // A batch replay (files, no --follow, not serve): inputs one after the
  // other, through the ReorderBuffer.
  void RunBatch();
  // Sets progress_ up when it is asked for (or stderr is a terminal) and
  // every input is a file.
  void StartProgress();
  // Followed files, pipes and serve: inputs take turns with the wall clock,
  // serve's tasks and, with `share_state`, SyncBans().
  void RunLive(bool share_state);
  // SIGHUP: reads the configuration again (config.yaml and the command
  // line) and, if it is valid, uses its scenarios, allowlist, trusted
  // proxies and ban limits from now on, keeping bans, history and buckets
  // (by scenario name). Says on stderr what changed, or why the new
  // configuration was refused (the one in use then stays).
  void Reload();
  // --state: opens the database (false, said, if it cannot).
  bool OpenState();
  // The sinks, in the order decisions reach them: the state, JSON lines,
  // the nginx include, actions, then those added by AddSink().
  void BuildSinks();
  // --state: reads back bans, history, buckets, clock and checkpoints, and
  // runs the actions a crash left pending.
  bool RestoreState();
  // Puts back the behaviour model --state saved (its baseline and windows).
  void RestoreBehaviour();
  void ReplayPendingActions(const std::vector<PendingAction>& pending);
  void SaveState();
  // Serve mode, every kSyncSeconds: bans added to or removed from the state
  // by others (`bans add|del`, cron runs) take effect here too.
  void SyncBans();
  static constexpr int kSyncSeconds = 5;
  // Reads lines of `input` until it is idle or over; false when over.
  bool Drain(Input& input, size_t max_lines);
  void ProcessLine(Input& input, std::string_view line);
  // A line with its record in record_: processed now, or held to be put
  // back in time order.
  void Route(Input& input, std::string_view line, Reject reject);
  // The rest of a line's processing, once it is its turn (reorder_).
  void Handle(uint64_t line_no, std::string_view line, Reject reject);
  // Processes the held lines that are due (all of them with `all`).
  void ReleaseHeld(bool all);
  // Detection and decisions for the parsed record_; leaves the decisions
  // in decisions_ for Deliver(). Returns why the record was not detected
  // ("late", "future"; see SkipReason), or "" when it was.
  std::string_view ProcessRecord(std::string_view line);
  // Why a line at t must not be detected, counted and warned about once:
  // "late", older than the newest line by more than --late-tolerance, or
  // "future", ahead of the wall clock by more than kMaxClockSkew (a skewed
  // clock, a forged /api/analyze line), which would otherwise lift every
  // ban. "" for a line in time.
  std::string_view SkipReason(LogTime t);
  static constexpr LogTime kMaxClockSkew = 3600 * kSecond;
  // Serve mode: moves the clock to the wall clock if it is behind (no line
  // yet, or the state's clock from before a restart); bans that ended meanwhile end.
  void StartClock();
  void FinishInput(Input& input);
  // Hands the pending decisions to every sink.
  void Deliver();
  void Flush();
  // Live input is idle: move the clock on by the wall time since the last line.
  void Tick();
  // Once: most lines come from one private or trusted-proxy address.
  void WarnRealip(bool at_end);
  // Says on stderr when most lines were rejected for not fitting the format.
  void WarnUnrecognised() const;
  // Lines skipped as longer than --max-line, if any: said once, at the end.
  void WarnTooLong() const;
  void Report(double seconds);

  // Fleet mode (--redis, pipeline_fleet.cc). At start: waits (briefly) for the fleet's active bans and applies them.
  void LoadFleet();
  // Applies what other nodes decided since the last call.
  void TakeFleetDecisions();
  // At the end: waits (briefly) until this node's decisions are sent.
  void FinishFleet();
  void ReportFleet(fmt::memory_buffer& report) const;
  void AppendFleetMetrics(PrometheusText& m) const;

  const Options& options_;
  Config config_;
  Stats stats_;
  LineWriter out_;
  std::unique_ptr<Detector> detector_;
  std::unique_ptr<ReorderBuffer> reorder_;  // batch runs: lines back in time order
  Allowlist allowlist_;
  CrawlerCheck crawler_check_;
  DecisionEngine engine_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  std::unique_ptr<Sink> nginx_sink_;                 // until BuildSinks()
  std::optional<ActionOptions> actions_;             // until BuildSinks()
  std::vector<std::unique_ptr<Sink>> added_sinks_;   // until BuildSinks()
  Sink* action_sink_ = nullptr;                      // in sinks_
  TaskQueue* tasks_ = nullptr;
  ReportCollector* report_ = nullptr;
  Activity activity_;  // serve: the dashboard's last hour
  std::function<void(const Config&)> on_reload_;
  std::unique_ptr<LineParser> analyze_parser_;
  absl::flat_hash_map<std::string_view, uint64_t> bans_by_reason_;
  std::optional<Progress> progress_;  // --progress, batch runs over files
  RealipCheck realip_;
  RequestDecoder decoder_;
  LogRecord record_;
  std::vector<Alert> alerts_;
  std::vector<Decision> decisions_;
  std::vector<std::string_view> explain_signatures_, explain_scenarios_;
  std::vector<Input> inputs_;
  // --syslog-listen: bound by Create(), inputs from OpenInputs() on.
  std::vector<std::pair<std::string, std::unique_ptr<ByteSource>>> syslog_sources_;
  std::unique_ptr<StateStore> state_;
  std::unique_ptr<FleetLink> fleet_;
  std::vector<FleetDecision> fleet_inbox_;  // being applied: the decisions' node names point into it
  // The last fleet connection problem and refused entry said on stderr.
  std::string fleet_warned_, fleet_refusal_;
  std::chrono::steady_clock::time_point fleet_warned_at_{}, fleet_refusal_at_{};
  std::vector<Checkpoint> checkpoints_;
  LogTime last_log_time_ = 0;
  LogTime newest_line_ = 0;   // the latest time on a line read in this run
  LogTime future_from_ = 0;   // lines after this are ahead of the wall clock
  LogTime late_tolerance_ = 0;
  bool warned_late_ = false, warned_future_ = false;
  std::chrono::steady_clock::time_point last_line_wall_;
  bool failed_ = false;
};

}  // namespace defender
