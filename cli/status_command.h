// `defender-scan status --state PATH`: what the state says about the runs,
// like `fail2ban-client status`: the active bans by scenario, when the last
// run saved and how far its log clock is behind, the open buckets, pending
// actions, and each input file's checkpoint against the file as it is now
// (bytes read, bytes behind, rotated away). Reads only; never creates a
// database.
#pragma once

#include <string>

namespace defender {

struct StatusOptions {
  std::string state;
  bool json = false;      // one JSON object instead of the table
  int state_wait_s = 10;  // how long to wait for a run that holds the state
};

// Exit status 0, 1 when the state cannot be read.
int RunStatusCommand(const StatusOptions& options);

}  // namespace defender
