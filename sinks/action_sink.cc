#include "sinks/action_sink.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/ban_target.h"
#include "core/cidr.h"
#include "core/log_time.h"
#include "sinks/command.h"
#include "sinks/state_sink.h"

namespace defender {

namespace {

bool IsSafeName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// The placeholders of an argv template, as written in it; ExpandAction
// fills them in this order.
constexpr std::string_view kPlaceholders[] = {"{ip}", "{duration}", "{reason}", "{scenario}", "{until}"};

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  for (size_t p = s->find(from); p != std::string::npos; p = s->find(from, p + to.size())) {
    s->replace(p, from.size(), to);
  }
}

// The argv for one decision; kInvalid if a value fails validation.
StatusOr<std::vector<std::string>> ExpandAction(const std::vector<std::string>& tmpl, const Decision& d) {
  if (Status valid = ValidateBanTarget(d.target); !valid.ok()) return valid;
  std::string ip = d.target.ToString();
  if (!IsSafeName(d.reason)) return Status::Invalid("the reason is not a plain scenario name");
  std::string duration = std::to_string(d.duration_s);
  std::string until = FormatIso8601(d.until);
  const std::string_view values[std::size(kPlaceholders)] = {ip, duration, d.reason, d.reason, until};
  std::vector<std::string> argv;
  for (std::string arg : tmpl) {
    for (size_t k = 0; k < std::size(kPlaceholders); ++k) ReplaceAll(&arg, kPlaceholders[k], values[k]);
    argv.push_back(std::move(arg));
  }
  return argv;
}

class ActionSink : public Sink {
 public:
  explicit ActionSink(ActionOptions o) : o_(std::move(o)) {}
  ~ActionSink() override { (void)Finish(); }

  Status Apply(const Decision& d) override {
    if (d.restored) return Status::Ok();  // its action ran when it was decided
    const auto& tmpl = d.action == DecisionAction::kBan     ? o_.on_ban
                       : d.action == DecisionAction::kUnban ? o_.on_unban
                                                            : empty_;
    if (tmpl.empty()) return Status::Ok();
    auto argv = ExpandAction(tmpl, d);
    if (!argv.ok()) return Status::Error(fmt::format("action not run: {}", argv.status().message()));
    Job job;
    job.argv = std::move(*argv);
    job.target = d.target;
    if (o_.state) job.pending = PendingActionOf(d);
    queue_.push_back(std::move(job));
    return Flush();
  }

  Status Flush() override {
    std::string errors;
    // Reap what has ended or run too long.
    for (auto it = running_.begin(); it != running_.end();) {
      int status = 0;
      pid_t r = waitpid(it->pid, &status, WNOHANG);
      bool timed_out = r == 0 && std::chrono::steady_clock::now() > it->deadline;
      if (timed_out) {
        KillCommand(it->pid);
      } else if (r == 0) {
        ++it;
        continue;
      }
      bool ok = !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
      if (!ok && it->attempt < o_.attempts) {
        // Tried again before anything queued after it: a failed ban must
        // not let its target's unban overtake it (that would leave a
        // firewall rule behind).
        queue_.push_front(std::move(*it));
      } else {
        if (o_.state) {  // run, or failed for good (reported below): not again after a restart
          if (Status s = o_.state->ActionDone(it->pending); !s.ok()) errors += s.message();
        }
        if (!ok) {
          errors += fmt::format("{}action '{}' failed {} times ({})", errors.empty() ? "" : "; ",
                                fmt::join(it->argv, " "), it->attempt,
                                timed_out ? "timed out" : WIFEXITED(status)
                                                              ? fmt::format("exit status {}", WEXITSTATUS(status))
                                                              : "killed");
        }
      }
      it = running_.erase(it);
    }
    // Start what waits, up to the limit, in order; a job waits while an
    // earlier one for the same target runs or waits (a ban, then its unban).
    for (size_t i = 0; i < queue_.size() && int(running_.size()) < o_.max_running;) {
      bool blocked = false;
      for (const Job& r : running_) blocked |= r.target == queue_[i].target;
      for (size_t k = 0; k < i; ++k) blocked |= queue_[k].target == queue_[i].target;
      if (blocked) {
        ++i;
        continue;
      }
      Job job = std::move(queue_[i]);
      queue_.erase(queue_.begin() + long(i));
      StatusOr<int> pid = SpawnCommand(job.argv);
      ++job.attempt;
      if (!pid.ok()) {
        errors += fmt::format("{}action not started: {}", errors.empty() ? "" : "; ", pid.status().message());
        continue;
      }
      job.pid = *pid;
      job.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(o_.timeout_ms);
      running_.push_back(std::move(job));
    }
    return errors.empty() ? Status::Ok() : Status::Error(errors);
  }

  Status Finish() override {
    std::string errors;
    while (!queue_.empty() || !running_.empty()) {
      Status s = Flush();
      if (!s.ok()) errors += (errors.empty() ? "" : "; ") + s.message();
      if (!running_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return errors.empty() ? Status::Ok() : Status::Error(errors);
  }

 private:
  struct Job {
    Cidr target;
    PendingAction pending;  // its row in the state, if any
    std::vector<std::string> argv;
    int attempt = 0;
    int pid = -1;
    std::chrono::steady_clock::time_point deadline;
  };
  ActionOptions o_;
  std::vector<std::string> empty_;
  std::deque<Job> queue_;
  std::deque<Job> running_;
};

}  // namespace

Status CheckActionTemplate(const std::vector<std::string>& argv) {
  for (const std::string& arg : argv) {
    for (size_t open = arg.find('{'); open != std::string::npos; open = arg.find('{', open + 1)) {
      const size_t close = arg.find('}', open);
      if (close == std::string::npos) break;
      const std::string_view placeholder = std::string_view(arg).substr(open, close - open + 1);
      const std::string_view name = placeholder.substr(1, placeholder.size() - 2);
      const bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      });
      if (word && std::find(std::begin(kPlaceholders), std::end(kPlaceholders), placeholder) == std::end(kPlaceholders)) {
        return Status::Invalid(
            fmt::format("unknown placeholder {} (known: {})", placeholder, fmt::join(kPlaceholders, ", ")));
      }
    }
  }
  return Status::Ok();
}

std::unique_ptr<Sink> NewActionSink(ActionOptions options) { return std::make_unique<ActionSink>(std::move(options)); }

}  // namespace defender
