// FleetDecision: a ban or unban that one defender-scan of a fleet shares
// with the others through Redis (fleet/fleet_link.h), and its text form,
// the one thing written there: a stream entry's `d` field and a value of the
// active-ban hash, e.g.
//   ban 203.0.113.7 until=1733180000000 count=2 reason=http-probing source=203.0.113.7 node=web1:812:9f3a
// Reading is where an entry that a person, a tool or a compromised node
// wrote into Redis is refused: a target that is not canonical, broader than
// a ban may be or covering loopback (ValidateBanTarget), a source outside
// its target, a count out of range, a reason or node name that is not
// plain text, a field missing, unknown or given twice. Value type; pure.
#pragma once

#include <string>
#include <string_view>

#include "core/cidr.h"
#include "core/ip_address.h"
#include "core/log_time.h"
#include "core/status.h"

namespace defender {

struct FleetDecision {
  bool ban = true;       // false: an unban
  Cidr target;
  IpAddress source;      // the client that was banned (inside target)
  LogTime until = 0;     // a ban's end; for an unban, the end of the ban it lifts
  int count = 1;         // the n-th ban of the target in the fleet (1..1000)
  std::string reason;    // scenario name, or the operator's reason
  std::string node;      // who decided it: host:pid:random
};

std::string FormatFleetDecision(const FleetDecision& d);
// kInvalid, saying what is wrong, for anything but a well-formed, safe
// decision. Whether it has ended already is the caller's to check.
StatusOr<FleetDecision> ParseFleetDecision(std::string_view text);

// Node names: 1 to 128 of [A-Za-z0-9._:-].
bool IsNodeName(std::string_view name);

}  // namespace defender
