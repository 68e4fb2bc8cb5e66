// `defender-scan bans list|add|del`: inspect or change the bans in the state
// database, like fail2ban-client's banip/unbanip. The next run of the main
// job (or the running one, at its next restart) applies the change to the
// nginx include.
#pragma once

#include <string>

namespace defender {

struct BansOptions {
  std::string action;  // list, add, del
  std::string target;  // an address or CIDR (add, del)
  std::string state;
  std::string duration = "4h";
  std::string reason = "manual";
  bool json = false;
  int state_wait_s = 10;  // how long to wait for a run that holds the state
  int ipv6_prefix = 64;   // an IPv6 address means its client prefix, as detection bans it
};

int RunBansCommand(const BansOptions& options);

}  // namespace defender
