// `defender-scan bans list|add|del`: inspect or change the bans in the state
// database, like fail2ban-client's banip/unbanip and cscli alerts inspect.
// The next run of the main job (or a running --follow or serve, within
// kSyncSeconds) applies a change to the nginx include and runs its action.
#pragma once

#include <string>

#include "cli/fleet_options.h"

namespace defender {

struct BansOptions {
  std::string action;  // list, add, del
  std::string target;  // an address or CIDR (add, del; list: the bans that cover it)
  std::string state;
  std::string duration = "4h";
  std::string reason = "manual";
  bool json = false;
  std::string scenario;   // list: only bans for this scenario
  bool evidence = false;  // list: each ban's deciding log line too
  int state_wait_s = 10;  // how long to wait for a run that holds the state
  int ipv6_prefix = 64;   // an IPv6 address means its client prefix, as detection bans it
  FleetOptions fleet;     // add, del: also published to the fleet's Redis
};

int RunBansCommand(const BansOptions& options);

}  // namespace defender
