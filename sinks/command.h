// Commands run without a shell: a command line is split once, at start-up,
// into an argv (quotes group words, backslash escapes; no expansion of any
// kind), and started with posix_spawn; callers reap or kill it. Thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace defender {

// "sh -c 'nginx -t && nginx -s reload'" -> {"sh", "-c", "nginx -t && nginx -s reload"}.
// kInvalid for an unterminated quote or an empty command.
StatusOr<std::vector<std::string>> SplitCommand(const std::string& line);

// Starts argv[0] (searched in PATH) with stdin from /dev/null, in a process
// group of its own; returns its pid.
StatusOr<int> SpawnCommand(const std::vector<std::string>& argv);
// Kills a spawned command's process group (what it started in the
// background too) and reaps it.
void KillCommand(int pid);

}  // namespace defender
