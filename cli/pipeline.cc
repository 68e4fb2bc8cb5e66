#include "cli/pipeline.h"

#include <sys/stat.h>
#include <unistd.h>

#include <thread>
#include <tuple>

#include <fmt/ranges.h>

#include "cli/explain.h"
#include "cli/fleet_options.h"
#include "cli/input_order.h"
#include "cli/messages.h"
#include "cli/signals.h"
#include "decisions/real_client.h"
#include "fleet/fleet_sink.h"
#include "parsers/presets.h"
#include "sinks/action_sink.h"
#include "sinks/command.h"
#include "sinks/json_sink.h"
#include "sinks/nginx_conf_sink.h"
#include "sinks/state_sink.h"
#include "sources/input.h"
#include "sources/syslog_source.h"

namespace defender {

namespace {

DetectorOptions DetectorOptionsOf(const Config& config) {
  DetectorOptions o;
  o.ipv6_prefix = config.ipv6_prefix;
  o.max_buckets = config.max_buckets;
  o.behaviour.threshold = config.anomaly_threshold;
  o.apps = config.apps;
  o.cache_dir = config.cache_dir;
  return o;
}

}  // namespace

Pipeline::Pipeline(const Options& options, Config config)
    : options_(options), config_(std::move(config)),
      allowlist_(config_.allowlist, config_.trusted_proxies, config_.crawler_ranges),
      engine_(allowlist_, DecisionOptions{config_.max_ban_s, config_.extend_on_alert, config_.ipv6_collapse}),
      late_tolerance_(ParseDuration(options.late_tolerance).value_or(0)) {
  engine_.set_crawler_check(config_.verify_crawlers ? &crawler_check_ : nullptr);
}
Pipeline::~Pipeline() = default;

StatusOr<std::unique_ptr<Pipeline>> Pipeline::Create(const Options& options, Config config) {
  // Every failure here is what the user asked for (exit 2).
  auto invalid = [](std::string_view what, const Status& s) { return Status::Invalid(fmt::format("{}{}", what, s.message())); };
  // Every input's parser is made from the format.
  if (auto parser = NewParser(options.format); !parser.ok()) return parser.status();
  std::unique_ptr<Sink> nginx_sink;
  std::optional<ActionOptions> actions;
  // --dry-run: decide and report, change nothing outside stdout.
  if (!options.nginx_conf.empty() && !options.dry_run) {
    NginxConfOptions n;
    n.path = options.nginx_conf;
    n.geo = options.nginx_style == "geo";
    n.debounce_ms = options.reload_interval_s * 1000;
    n.reload_timeout_ms = options.action_timeout_s * 1000;
    if (!options.reload_cmd.empty()) {
      auto argv = SplitCommand(options.reload_cmd);
      if (!argv.ok()) return invalid("--reload-cmd: ", argv.status());
      n.reload_argv = std::move(*argv);
    }
    auto sink = NewNginxConfSink(std::move(n));
    if (!sink.ok()) return invalid("", sink.status());
    nginx_sink = std::move(*sink);
  }
  if (!options.on_ban.empty() || !options.on_unban.empty()) {
    ActionOptions a;
    a.timeout_ms = options.action_timeout_s * 1000;
    for (auto [text, argv, flag] : {std::tuple{&options.on_ban, &a.on_ban, "--on-ban: "},
                                    std::tuple{&options.on_unban, &a.on_unban, "--on-unban: "}}) {
      if (text->empty()) continue;
      auto split = SplitCommand(*text);
      if (!split.ok()) return invalid(flag, split.status());
      if (Status s = CheckActionTemplate(*split); !s.ok()) return invalid(flag, s);
      *argv = std::move(*split);
    }
    if (!options.dry_run) actions = std::move(a);  // checked all the same
  }
  auto detector = Detector::Create(config.scenarios, DetectorOptionsOf(config));
  if (!detector.ok()) return invalid("", detector.status());
  std::unique_ptr<Pipeline> p(new Pipeline(options, std::move(config)));
  p->detector_ = std::move(*detector);
  // Syslog sockets are bound now, so that a port in use fails the start.
  std::vector<Cidr> syslog_allow;
  for (const std::string& text : options.syslog_allow) {
    auto c = Cidr::Parse(text);
    if (!c) return Status::Invalid(fmt::format("--syslog-allow {}: not an address or CIDR", text));
    syslog_allow.push_back(*c);
  }
  for (const std::string& listen : options.syslog_listen) {
    auto source = NewSyslogSource(listen, syslog_allow, InputOptions().idle_ms, &p->stats_.syslog);
    if (!source.ok()) return source.status();
    p->syslog_sources_.emplace_back(listen, std::move(*source));
  }
  // --dry-run changes nothing outside stdout: no fleet either.
  if (!options.fleet.redis.empty() && !options.dry_run) {
    auto fleet = StartFleetLink(options.fleet);
    if (!fleet.ok()) return fleet.status();
    p->fleet_ = std::move(*fleet);
  }
  p->nginx_sink_ = std::move(nginx_sink);
  p->actions_ = std::move(actions);
  p->alerts_.reserve(64);
  p->decisions_.reserve(64);
  return p;
}

bool Pipeline::OpenInputs() {
  std::vector<std::string> names =
      OrderInputsByLogTime(options_.files, options_.format, options_.max_line, options_.follow);
  if (names.empty() && syslog_sources_.empty()) names.push_back("-");
  if (names.size() > 1 && !options_.follow) stats_.order = names;
  InputOptions in_options;
  in_options.follow = options_.follow;
  in_options.read_ahead = tasks_ != nullptr || options_.follow;  // a batch replay reads ahead itself (ParseAhead)
  size_t absent = 0;
  for (const std::string& name : names) {
    ++stats_.inputs;
    OpenedInput opened;
    // A cron run with --state names the rotated file too (access.log.1),
    // which does not exist before the first rotation: its checkpoint keeps
    // the runs continuous, so a file that is not there is said, not failed.
    struct stat st;
    if (state_ && !options_.follow && name != "-" && stat(name.c_str(), &st) != 0 && errno == ENOENT &&
        names.size() > 1) {
      PrintNote(fmt::format("{} does not exist (yet): skipped", name));
      ++absent;
      continue;
    }
    // --follow --state: a followed file resumes at its checkpoint, so the
    // lines written while nothing ran are read (FollowOptions).
    in_options.follow_options = FollowOptions();
    in_options.follow_options.max_catch_up = uint64_t(options_.max_catch_up_mib) << 20;
    if (options_.follow && state_ && stat(name.c_str(), &st) == 0) {
      for (const Checkpoint& c : checkpoints_) {
        if (c.dev != uint64_t(st.st_dev) || c.ino != uint64_t(st.st_ino) || c.complete) continue;
        FollowOptions& f = in_options.follow_options;
        f.resume = true;
        f.resume_dev = c.dev;
        f.resume_ino = c.ino;
        f.resume_offset = c.offset;
        f.resume_fingerprint = c.fingerprint;
      }
    }
    Status s = OpenInput(name, in_options, &opened);
    // --state: the same file (device, inode, first bytes) continues at its
    // checkpoint, under whatever name it has now (access.log -> access.log.1).
    const Checkpoint* resume = nullptr;
    if (s.ok() && state_ && opened.regular && !options_.follow) {
      for (const Checkpoint& c : checkpoints_) {
        if (c.dev == opened.dev && c.ino == opened.ino && !c.fingerprint.empty() &&
            opened.fingerprint.compare(0, c.fingerprint.size(), c.fingerprint) == 0 && c.offset <= opened.size) {
          resume = &c;
        }
      }
      if (resume && resume->complete) continue;  // a compressed file read to its end before
      if (resume && resume->offset > 0 && opened.compression == Compression::kNone) {
        InputOptions again = in_options;
        again.start_offset = resume->offset;
        s = OpenInput(name, again, &opened);
      }
    }
    if (!s.ok()) {
      PrintError(s.message());
      ++stats_.input_errors;
      failed_ = true;
      continue;
    }
    if (opened.missing) {
      PrintNote(fmt::format("{} does not exist yet; it is read from when it appears (as tail -F does)", name));
    }
    Input input;
    input.name = name == "-" ? "<stdin>" : name;
    input.live = opened.live;
    input.regular = opened.regular;
    input.compressed = opened.compression != Compression::kNone;
    input.dev = opened.dev;
    input.ino = opened.ino;
    input.size = opened.size;
    input.fingerprint = opened.fingerprint;
    // With --state a plain file's unfinished last line waits for the next run.
    bool hold_tail = state_ && opened.regular && !input.compressed && !options_.follow;
    AddInput(std::move(input), std::move(opened.source), hold_tail);
  }
  if (absent > 0 && absent == names.size() && syslog_sources_.empty()) {
    PrintError("none of the inputs exists");
    failed_ = true;
  }
  for (auto& [listen, source] : syslog_sources_) {
    ++stats_.inputs;
    Input input;
    input.name = "syslog " + listen;
    input.live = true;
    input.syslog = true;
    AddInput(std::move(input), std::move(source), false);
  }
  syslog_sources_.clear();
  return !inputs_.empty();
}

void Pipeline::AddInput(Input input, std::unique_ptr<ByteSource> source, bool hold_tail) {
  input.reader = std::make_unique<LineReader>(std::move(source), options_.max_line, hold_tail);
  auto parser = NewParser(options_.format);  // Create() checked the format
  if (!parser.ok()) {
    PrintError(parser.status().message());
    failed_ = true;
    return;
  }
  input.parser = std::move(*parser);
  inputs_.push_back(std::move(input));
}

bool Pipeline::Drain(Input& input, size_t max_lines) {
  if (input.ahead) {
    for (size_t n = 0; n < max_lines; ++n) {
      const ParsedLine* parsed = input.ahead->Next();
      if (parsed == nullptr) {
        FinishInput(input);
        return false;
      }
      CopyRecord(parsed->record, &record_);
      if (const ParsedLine* next = input.ahead->Peek(); next != nullptr && next->reject == Reject::kNone) {
        detector_->Prefetch(next->record);
      }
      Route(input, parsed->text, parsed->reject);
      if (out_.closed()) return false;
    }
    return true;
  }
  std::string_view line;
  for (size_t n = 0; n < max_lines; ++n) {
    switch (input.reader->Next(&line)) {
      case LineReader::Result::kLine:
        ProcessLine(input, line);
        if (out_.closed()) return false;
        continue;
      case LineReader::Result::kIdle:
        return true;
      case LineReader::Result::kEnd:
        FinishInput(input);
        return false;
    }
  }
  return true;
}

void Pipeline::ProcessLine(Input& input, std::string_view line) {
  std::string_view sender;
  if (input.syslog) std::tie(sender, line) = SplitSyslogLine(line);
  const Reject reject = input.parser->Parse(line, &record_);
  record_.sender = sender;
  Route(input, line, reject);
}

void Pipeline::Route(Input& input, std::string_view line, Reject reject) {
  ++input.line_no;
  ++stats_.lines;
  if (reorder_ && reject == Reject::kNone && record_.has_time && reorder_->Hold(record_.time)) {
    reorder_->Push(record_.time, line, record_, input.line_no);
    ReleaseHeld(false);
    return;
  }
  Handle(input.line_no, line, reject);
}

void Pipeline::ReleaseHeld(bool all) {
  reorder_->Release(all, [&](const ReorderBuffer::Line& held) {
    CopyRecord(held.record, &record_);
    Handle(held.line_no, held.text, Reject::kNone);
  });
}

void Pipeline::Handle(uint64_t line_no, std::string_view line, Reject reject) {
  ++stats_.rejects[size_t(reject)];
  std::string_view skipped;
  if (reject == Reject::kNone) skipped = ProcessRecord(line);
  if (options_.explain) {
    explain_signatures_.clear();
    explain_scenarios_.clear();
    if (reject == Reject::kNone && skipped.empty()) {
      detector_->LastSignatures(&explain_signatures_);
      detector_->LastScenarios(&explain_scenarios_);
    }
    AppendExplain(out_.buffer(), line_no, record_, reject, skipped, explain_signatures_, explain_scenarios_);
    out_.EndLine();
  }
  if (!decisions_.empty()) Deliver();
}

std::string_view Pipeline::SkipReason(LogTime t) {
  if (t > future_from_) {
    future_from_ = WallClock() + kMaxClockSkew;
    if (t > future_from_) {
      ++stats_.future;
      if (!std::exchange(warned_future_, true)) {
        PrintWarning(fmt::format("a line is dated {}, ahead of this machine's clock: such "
                                 "lines are counted (--stats: future) and not detected", FormatIso8601(t)));
      }
      return "future";
    }
  }
  if (t > newest_line_) newest_line_ = t;
  if (newest_line_ - t <= late_tolerance_) return {};
  ++stats_.late;
  if (!std::exchange(warned_late_, true)) {
    PrintWarning(fmt::format("time runs back from {} to {}, past --late-tolerance: such "
                             "lines are counted (--stats: late) and not detected; give rotated files separately or "
                             "sort the log", FormatIso8601(newest_line_), FormatIso8601(t)));
  }
  return "late";
}

std::string_view Pipeline::ProcessRecord(std::string_view line) {
  ++stats_.parsed;
  if (!record_.client_name.empty()) ++stats_.named_clients;
  if (record_.truncated) ++stats_.truncated;
  if (record_.has_time) {
    if (std::string_view skip = SkipReason(record_.time); !skip.empty()) return skip;
  }
  if (!config_.trusted_proxies.empty()) {
    record_.client = RealClient(record_.client, record_.x_forwarded_for, allowlist_);
  }
  realip_.Add(record_.client, record_.client.is_private() || allowlist_.IsTrustedProxy(record_.client));
  if (stats_.parsed == RealipCheck::kSample) WarnRealip(false);
  if (record_.has_time && record_.time > last_log_time_) {
    last_log_time_ = record_.time;
    last_line_wall_ = std::chrono::steady_clock::now();
  }
  if (!record_.has_time) record_.time = last_log_time_;
  if (report_) report_->OnRecord(record_.time, record_.status);
  if (tasks_) activity_.OnRecord(record_.time);
  alerts_.clear();
  detector_->Process(record_, decoder_, &alerts_);
  engine_.Advance(last_log_time_, &decisions_);
  const size_t before = decisions_.size();
  for (const Alert& a : alerts_) engine_.OnAlert(a, &decisions_);
  for (size_t i = before; i < decisions_.size(); ++i) {
    decisions_[i].evidence = line;
    decisions_[i].host_name = record_.sender;
  }
  return {};
}

void Pipeline::Deliver() {
  for (const Decision& d : decisions_) {
    if (d.action == DecisionAction::kBan && !d.restored) ++bans_by_reason_[d.reason];
    if (report_) report_->OnDecision(d);
    if (tasks_) activity_.OnDecision(d);
    for (auto& sink : sinks_) {
      Status s = sink->Apply(d);
      if (!s.ok()) {
        PrintError(s.message());
        failed_ = true;
      }
    }
  }
  decisions_.clear();
}

void Pipeline::Flush() {
  for (auto& sink : sinks_) {
    Status s = sink->Flush();
    if (!s.ok()) {
      PrintError(s.message());
      failed_ = true;
    }
  }
  Status s = out_.Flush();
  if (!s.ok()) {
    PrintError(s.message());
    failed_ = true;
  }
}

void Pipeline::StartClock() {
  LogTime wall = WallClock();
  if (wall <= last_log_time_) return;
  last_log_time_ = wall;
  last_line_wall_ = std::chrono::steady_clock::now();
  engine_.Advance(last_log_time_, &decisions_);
  Deliver();
}

void Pipeline::Tick() {
  if (last_log_time_ == 0) return;
  auto idle = std::chrono::steady_clock::now() - last_line_wall_;
  LogTime now = last_log_time_ + std::chrono::duration_cast<std::chrono::milliseconds>(idle).count();
  engine_.Advance(now, &decisions_);
  if (!decisions_.empty()) Deliver();
}

void Pipeline::FinishInput(Input& input) {
  input.done = true;
  CountReader(input);
  if (!input.reader->status().ok()) {
    PrintError(input.reader->status().message());
    ++stats_.input_errors;
    failed_ = true;
  }
}

void Pipeline::CountReader(const Input& input) {
  stats_.bytes += input.reader->bytes_read();
  stats_.rejects[size_t(Reject::kTooLong)] += input.reader->too_long();
  stats_.rejects[size_t(Reject::kTruncated)] += input.reader->truncated();
  stats_.lines += input.reader->too_long() + input.reader->truncated();
}

int Pipeline::Run() {
  auto start = std::chrono::steady_clock::now();
  Status s = out_.Open(options_.json);
  if (!s.ok()) {
    PrintError(s.message());
    return 1;
  }
  if (!options_.state.empty() && !OpenState()) return 1;
  BuildSinks();
  if (state_ && !RestoreState()) return 1;
  if (tasks_) StartClock();  // serve mode keeps the wall clock's time from the start
  OpenInputs();
  bool any_live = false;
  for (const Input& in : inputs_) any_live |= in.live;
  // A long run (serve, --follow, a pipe) lets `bans` and cron runs use the
  // state meanwhile, and takes in what they change (SyncBans).
  const bool share_state = state_ && (tasks_ || any_live);
  if (share_state) state_->Unlock();
  if (fleet_) {
    if (any_live && !tasks_) StartClock();  // a live run's clock is the wall clock's
    LoadFleet();
  }
  if (!any_live && !tasks_) {
    RunBatch();
  } else {
    RunLive(share_state);
  }
  // Inputs still open (followed, stopped by a signal) count what they read;
  // they are not done, so their checkpoints say they may go on.
  for (const Input& in : inputs_) {
    if (!in.done) CountReader(in);
  }
  if (state_) {
    Status locked = share_state ? state_->Lock(options_.state_wait_s * 1000) : Status::Ok();
    if (locked.ok()) {
      SaveState();
    } else {
      PrintError(locked.message());
      failed_ = true;
    }
  }
  Flush();
  for (auto& sink : sinks_) {  // what waits for its interval takes effect now
    Status f = sink->Finish();
    if (!f.ok()) {
      PrintError(f.message());
      failed_ = true;
    }
  }
  FinishFleet();
  WarnRealip(true);
  WarnUnrecognised();
  WarnTooLong();
  if (uint64_t errors = detector_->signature_scan_errors()) {
    PrintWarning(fmt::format("Hyperscan failed {} scans: those fields were not matched against "
                             "the signatures (please report this)", errors));
  }
  if (options_.stats) {
    Report(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return failed_ ? 1 : 0;
}

void Pipeline::RunBatch() {
  // Lines out of time order are put back in order first.
  reorder_ = std::make_unique<ReorderBuffer>(late_tolerance_);
  StartProgress();
  uint64_t done_bytes = 0;  // of the inputs read to their end
  for (Input& in : inputs_) {
    // Each input is read (and inflated) and parsed on a thread of its own.
    in.ahead = std::make_unique<ParseAhead>(in.reader.get(), std::move(in.parser));
    while (!StopRequested() && Drain(in, 4096)) {
      if (TakeReloadRequest()) Reload();
      TakeFleetDecisions();
      if (progress_) {
        const uint64_t position = in.ahead ? in.ahead->position() : in.reader->source().position();
        progress_->Update(done_bytes + position, stats_.lines, engine_.counters().bans);
      }
    }
    if (in.ahead) {
      in.ahead->Stop();  // the reader is ours again
      stats_.parse_ahead_cpu_s += in.ahead->cpu_seconds();
    }
    done_bytes += in.size;
    if (out_.closed() || StopRequested()) break;
  }
  progress_.reset();  // cleared before anything else is said
  if (!out_.closed()) ReleaseHeld(true);
  stats_.reordered_s = reorder_->window() / kSecond;
}

void Pipeline::StartProgress() {
  // Asked for, or by default when a person watches stderr and the JSON
  // lines go elsewhere (on the same terminal they would run into it);
  // files only.
  const bool watched = isatty(STDERR_FILENO) && !(options_.json == "-" && isatty(STDOUT_FILENO));
  if (options_.no_progress || !(options_.progress || watched)) return;
  uint64_t total = 0;
  for (const Input& in : inputs_) {
    if (!in.regular) return;
    total += in.size;
  }
  progress_.emplace(total);
}

void Pipeline::RunLive(bool share_state) {
  // Inputs take turns; when all are idle, output is flushed and the clock
  // moves on with the wall clock so that bans expire. Serve mode runs its
  // tasks between turns, takes in the bans others wrote to the state, and
  // goes on after the inputs ended.
  auto last_sync = std::chrono::steady_clock::now();
  while (!out_.closed() && !StopRequested()) {
    if (TakeReloadRequest()) Reload();
    bool any_open = false, any_progress = false;
    for (Input& in : inputs_) {
      if (in.done) continue;
      uint64_t before = in.line_no;
      any_open |= Drain(in, 4096);
      any_progress |= in.line_no != before;
    }
    if (!any_open && !tasks_) break;
    if (!any_progress) Tick();
    TakeFleetDecisions();
    Flush();
    auto wait = std::chrono::milliseconds(any_progress ? 0 : !any_open ? 250 : options_.follow ? 100 : 0);
    if (tasks_) {
      tasks_->RunPending(*this, wait);
      if (!decisions_.empty()) Deliver();
      if (tasks_->stopped()) break;
    } else if (wait.count() > 0) {
      std::this_thread::sleep_for(wait);
    }
    if (share_state && !options_.dry_run &&
        std::chrono::steady_clock::now() - last_sync > std::chrono::seconds(kSyncSeconds)) {
      SyncBans();
      last_sync = std::chrono::steady_clock::now();
    }
  }
}

void Pipeline::Reload() {
  Config config;
  std::vector<std::string> errors;
  std::unique_ptr<Detector> detector;
  if (ResolveConfig(options_, &config, &errors)) {
    auto created = Detector::Create(config.scenarios, DetectorOptionsOf(config));
    if (created.ok()) {
      detector = std::move(*created);
    } else {
      errors.push_back(created.status().message());
    }
  }
  if (!detector) {
    for (const std::string& e : errors) {
      PrintWarning(fmt::format("reload refused, the configuration in use stays: {}", e));
    }
    return;
  }
  // Buckets carry over by scenario name; bans, history and the clock stay.
  const auto& old_scenarios = detector_->scenarios();
  detector_->table().ForEach([&](const IpAddress& client, uint16_t scenario, const LeakyBucket& bucket,
                                 const std::vector<uint32_t>& distinct) {
    int index = detector->ScenarioIndex(old_scenarios[scenario].name);
    if (index >= 0) detector->mutable_table().Restore(client, uint16_t(index), bucket, distinct);
  });
  if (detector_->behaviour() && detector->behaviour()) detector->behaviour()->Adopt(std::move(*detector_->behaviour()));
  std::vector<std::string> changes;
  for (const Scenario& s : config.scenarios) {
    int old = detector_->ScenarioIndex(s.name);
    if (old < 0) {
      changes.push_back("+" + s.name);
    } else if (!(old_scenarios[size_t(old)].settings == s.settings)) {
      changes.push_back("~" + s.name);
    }
  }
  for (const Scenario& s : old_scenarios) {
    if (detector->ScenarioIndex(s.name) < 0) changes.push_back("-" + s.name);
  }
  fmt::print(stderr,
             "defender-scan: reloaded {}: scenarios changed: {}; allowlist {} entries (was {}), trusted proxies {} "
             "(was {}); bans, buckets and the behaviour model kept\n",
             options_.config.empty() ? "the command line" : options_.config,
             changes.empty() ? "none" : fmt::format("{}", fmt::join(changes, " ")), config.allowlist.size(),
             config_.allowlist.size(), config.trusted_proxies.size(), config_.trusted_proxies.size());
  detector_ = std::move(detector);
  allowlist_ = Allowlist(config.allowlist, config.trusted_proxies, config.crawler_ranges);
  engine_.set_crawler_check(config.verify_crawlers ? &crawler_check_ : nullptr);
  engine_.set_options(DecisionOptions{config.max_ban_s, config.extend_on_alert, config.ipv6_collapse});
  config_ = std::move(config);
  if (on_reload_) on_reload_(config_);
}

void Pipeline::BuildSinks() {
  std::vector<std::unique_ptr<Sink>> sinks;
  // The state first, so that a decision (with its pending action) is
  // committed before anything reports or acts on it.
  if (state_ && !options_.dry_run) {
    sinks.push_back(NewStateSink(state_.get(), !options_.on_ban.empty(), !options_.on_unban.empty()));
  }
  sinks.push_back(NewJsonSink(&out_));
  if (nginx_sink_) sinks.push_back(std::move(nginx_sink_));
  if (actions_) {
    if (!options_.dry_run) actions_->state = state_.get();
    sinks.push_back(NewActionSink(std::move(*actions_)));
    action_sink_ = sinks.back().get();
  }
  for (auto& sink : added_sinks_) sinks.push_back(std::move(sink));  // serve's view
  if (fleet_) sinks.push_back(NewFleetSink(fleet_.get()));           // last: the others have it
  sinks_ = std::move(sinks);
}

void Pipeline::WarnUnrecognised() const {
  // Lines of another format are rejected as a format mismatch or a bad
  // field; when they are most of the log, the format is the likely cause.
  const uint64_t mismatched = stats_.rejects[size_t(Reject::kFormatMismatch)] +
                              stats_.rejects[size_t(Reject::kBadClient)] + stats_.rejects[size_t(Reject::kBadTime)] +
                              stats_.rejects[size_t(Reject::kBadStatus)] + stats_.rejects[size_t(Reject::kBadJson)];
  if (mismatched < 10 || mismatched * 2 < stats_.lines) return;
  PrintWarning(fmt::format("{} of {} lines were not recognised as --format {}: is the log in another format? "
                           "--explain shows how each line was read; --format takes any nginx log_format",
                           mismatched, stats_.lines, options_.format));
}

void Pipeline::WarnTooLong() const {
  // Unread lines are a blind spot a client may aim for: nginx logs a byte
  // of a request as up to 4 (\xHH), so a request head of 64 KB is a line
  // of 256 KB.
  if (const uint64_t n = stats_.rejects[size_t(Reject::kTooLong)]) {
    PrintWarning(fmt::format("{} lines were longer than --max-line ({} bytes) and were skipped unread: raise "
                             "--max-line to 4 times nginx's large_client_header_buffers (number times size)",
                             n, options_.max_line));
  }
}

void Pipeline::WarnRealip(bool at_end) {
  if (auto suspect = realip_.Verdict(at_end)) {
    PrintWarning(fmt::format("most lines come from {}, a private or trusted-proxy address: configure nginx's "
                             "realip module or --trusted-proxy so the real clients are seen",
                             suspect->ToString()));
  }
}

Decision Pipeline::Block(const Cidr& target, std::string_view reason, int64_t duration_s) {
  Tick();
  decisions_.push_back(engine_.Block(target, reason, duration_s));
  Decision d = decisions_.back();
  Deliver();
  Flush();
  return d;
}

bool Pipeline::Unblock(const Cidr& target) {
  Tick();
  bool found = engine_.Unblock(target, &decisions_);
  Deliver();
  Flush();
  return found;
}

StatusOr<AnalyzeResult> Pipeline::Analyze(std::string_view line, std::optional<IpAddress> client) {
  if (!analyze_parser_) {
    auto parser = NewParser(options_.format);  // Create() checked the format
    if (!parser.ok()) return parser.status();
    analyze_parser_ = std::move(*parser);
  }
  ++stats_.lines;
  Reject reject = analyze_parser_->Parse(line, &record_);
  ++stats_.rejects[size_t(reject)];
  if (reject != Reject::kNone) return Status::Invalid(std::string(RejectName(reject)));
  if (client) record_.client = *client;
  if (std::string_view skipped = ProcessRecord(line); !skipped.empty()) {
    return Status::Invalid(fmt::format("not detected ({})", skipped));
  }
  AnalyzeResult result;
  result.client = record_.client;
  detector_->LastSignatures(&explain_signatures_);
  detector_->LastScenarios(&explain_scenarios_);
  result.signatures.assign(explain_signatures_.begin(), explain_signatures_.end());
  result.scenarios.assign(explain_scenarios_.begin(), explain_scenarios_.end());
  result.decisions = decisions_;
  for (Decision& d : result.decisions) d.evidence = d.client_name = d.host_name = {};  // views into `line`
  result.score = engine_.Score(detector_->ClientOf(record_.client));
  Deliver();
  Flush();
  return result;
}

}  // namespace defender
