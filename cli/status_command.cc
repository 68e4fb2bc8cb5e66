#include "cli/status_command.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "cli/messages.h"
#include "core/json.h"
#include "state/state_store.h"

namespace defender {

namespace {

int Fail(std::string_view message) {
  PrintError(message);
  return 1;
}

// An input's checkpoint against the file now at its path.
struct InputStatus {
  std::string path;
  uint64_t read = 0;     // bytes read (the checkpoint's offset)
  int64_t size = -1;     // the file's size now; -1: no file, or another file
  bool complete = false;  // a compressed file read to its end
  std::string note;      // what the reader should know, or empty
};

InputStatus Check(const Checkpoint& c) {
  InputStatus in{c.path.empty() ? fmt::format("(device {}, inode {})", c.dev, c.ino) : c.path, c.offset, -1,
                 c.complete, ""};
  struct stat st;
  if (c.path.empty()) {
    in.note = "saved by an older version, without its name";
  } else if (stat(c.path.c_str(), &st) != 0) {
    in.note = "no file there now (rotated away or removed)";
  } else if (uint64_t(st.st_dev) != c.dev || uint64_t(st.st_ino) != c.ino) {
    in.note = "another file there now (rotated since): the next run reads it from the start";
  } else {
    in.size = st.st_size;
  }
  return in;
}

std::string Ago(LogTime then, LogTime now) {
  int64_t s = (now - then) / kSecond;
  if (s < 0) return "in the future";
  if (s < 120) return fmt::format("{} s ago", s);
  if (s < 7200) return fmt::format("{} min ago", s / 60);
  if (s < 172800) return fmt::format("{} h ago", s / 3600);
  return fmt::format("{} days ago", s / 86400);
}

}  // namespace

int RunStatusCommand(const StatusOptions& o) {
  if (o.state.empty()) return Fail("status: --state PATH is required");
  auto opened = StateStore::OpenExisting(o.state, o.state_wait_s * 1000);
  if (!opened.ok()) return Fail(fmt::format("status: {}", opened.status().message()));
  std::unique_ptr<StateStore> store = std::move(*opened);
  std::vector<StoredBan> bans;
  std::vector<Checkpoint> checkpoints;
  size_t refused = 0;
  LogTime clock = 0, saved = 0;
  int64_t buckets = 0, history = 0, pending = 0;
  for (Status s : {store->LoadBans(&bans, &refused), store->LoadCheckpoints(&checkpoints), store->LoadClock(&clock),
                   store->LoadLastRun(&saved), store->CountRows("buckets", &buckets),
                   store->CountRows("history", &history), store->CountRows("actions", &pending)}) {
    if (!s.ok()) return Fail(s.message());
  }
  store.reset();  // a running defender-scan may go on
  const LogTime now = WallClock();
  std::map<std::string, int> by_reason;
  int prefixes = 0;
  const StoredBan* next_end = nullptr;
  for (const StoredBan& b : bans) {
    ++by_reason[b.reason];
    prefixes += !b.target.is_host();
    if (!next_end || b.until < next_end->until) next_end = &b;
  }
  std::vector<InputStatus> inputs;
  for (const Checkpoint& c : checkpoints) inputs.push_back(Check(c));

  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  if (o.json) {
    out.append(std::string_view("{\"state\":"));
    AppendJsonString(out, o.state);
    fmt::format_to(it, ",\"last_run\":{},\"log_clock\":{},\"bans\":{{\"active\":{},\"prefixes\":{},"
                   "\"refused_rows\":{},\"by_scenario\":{{",
                   saved ? fmt::format("\"{}\"", FormatIso8601(saved)) : "null",
                   clock ? fmt::format("\"{}\"", FormatIso8601(clock)) : "null", bans.size(), prefixes, refused);
    bool first = true;
    for (const auto& [reason, n] : by_reason) {
      if (!std::exchange(first, false)) out.push_back(',');
      AppendJsonString(out, reason);
      fmt::format_to(it, ":{}", n);
    }
    fmt::format_to(it, "}},\"banned_before\":{}}},\"buckets\":{},\"pending_actions\":{},\"inputs\":[", history,
                   buckets, pending);
    first = true;
    for (const InputStatus& in : inputs) {
      if (!std::exchange(first, false)) out.push_back(',');
      out.append(std::string_view("{\"path\":"));
      AppendJsonString(out, in.path);
      fmt::format_to(it, ",\"read\":{},\"size\":{},\"complete\":{},\"note\":", in.read,
                     in.size >= 0 ? fmt::format("{}", in.size) : "null", in.complete);
      AppendJsonString(out, in.note);
      out.push_back('}');
    }
    out.append(std::string_view("]}\n"));
    fmt::print("{}", fmt::to_string(out));
    return 0;
  }
  fmt::format_to(it, "state        {}\n", o.state);
  if (saved) {
    fmt::format_to(it, "last run     saved {} ({}); log clock {} ({})\n", FormatIso8601(saved), Ago(saved, now),
                   FormatIso8601(clock), Ago(clock, now));
  } else {
    fmt::format_to(it, "last run     none has saved its state yet\n");
  }
  fmt::format_to(it, "bans         {} active ({} addresses, {} prefixes); {} targets banned at some time\n",
                 bans.size(), bans.size() - size_t(prefixes), prefixes, history);
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [reason, n] : by_reason) ranked.emplace_back(-n, reason);
  std::sort(ranked.begin(), ranked.end());
  for (const auto& [n, reason] : ranked) fmt::format_to(it, "  {:<36} {:>6}\n", reason, -n);
  if (next_end) {
    fmt::format_to(it, "  next to end: {} at {}\n", next_end->target.ToString(), FormatIso8601(next_end->until));
  }
  if (refused) fmt::format_to(it, "  {} ban rows refused (not enforced)\n", refused);
  fmt::format_to(it, "buckets      {} open\n", buckets);
  fmt::format_to(it, "actions      {} pending{}\n", pending,
                 pending ? " (run by the next run with --on-ban/--on-unban)" : "");
  fmt::format_to(it, "inputs       {} checkpoints\n", inputs.size());
  for (const InputStatus& in : inputs) {
    if (in.complete) {
      fmt::format_to(it, "  {}  read to its end (compressed)\n", in.path);
    } else if (in.size >= 0) {
      fmt::format_to(it, "  {}  read {} of {} bytes ({} behind)\n", in.path, in.read, in.size,
                     std::max<int64_t>(0, in.size - int64_t(in.read)));
    } else {
      fmt::format_to(it, "  {}  read {} bytes; {}\n", in.path, in.read, in.note);
    }
  }
  fmt::print("{}", fmt::to_string(out));
  return 0;
}

}  // namespace defender
