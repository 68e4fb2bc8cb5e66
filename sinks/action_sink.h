// Action scripts, fail2ban style: --on-ban / --on-unban argv templates with
// {ip} (an address or a CIDR), {duration} (seconds), {reason} and
// {scenario} (the scenario's name), {until} (ISO 8601). A template is split
// into argv once at start-up and run with posix_spawn, never a shell; the
// placeholders are filled from typed values, re-validated, never from log
// text. At most `max_running` run at once, each killed after its timeout and
// retried; a final failure is reported. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sinks/sink.h"
#include "state/state_store.h"

namespace defender {

struct ActionOptions {
  std::vector<std::string> on_ban;    // argv template, empty: none
  std::vector<std::string> on_unban;
  int max_running = 4;
  int timeout_ms = 30000;
  int attempts = 3;  // the first run and two retries
  // With --state: each action, once run (or failed for good), is removed
  // from the state's pending actions. Outlives the sink.
  StateStore* state = nullptr;
};

std::unique_ptr<Sink> NewActionSink(ActionOptions options);

// kInvalid (naming it, with the known ones) when an argv template holds a
// {placeholder} that is not one of the above: it would be passed on as it is.
Status CheckActionTemplate(const std::vector<std::string>& argv);

}  // namespace defender
