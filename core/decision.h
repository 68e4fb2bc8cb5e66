// Decision: what the decision stage tells the sinks. A ban carries its
// target (an address or an IPv6 prefix), length and expiry; an unban ends a
// ban. Plain value; the reason points to a scenario name that outlives it.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/anomaly.h"
#include "core/cidr.h"
#include "core/log_time.h"

namespace defender {

enum class DecisionAction : uint8_t {
  kDetect,  // an alert that does not become a ban (suppressed says why)
  kBan,
  kUnban,
};

struct Decision {
  DecisionAction action = DecisionAction::kDetect;
  std::string_view reason;      // scenario name
  std::string_view suppressed;  // for kDetect: allowlist, simulate, already_banned, hostname, dry_run...
  IpAddress source;
  std::string_view client_name;  // kDetect of a client logged by host name: valid while delivered
  Cidr target;
  LogTime time = 0;
  LogTime until = 0;
  int64_t duration_s = 0;
  uint32_t events_count = 0;
  std::string_view evidence;  // a ban or alert: the log line that decided it; valid while delivered
  std::string_view host_name;  // the server that logged it, when known (syslog); valid while delivered
  int score = 0;
  int ban_count = 0;  // the n-th ban of this target
  // A ban read back from the state database at start: sinks that keep a
  // list (the nginx include) apply it; those that report or act on events
  // (JSON, actions, the state itself) have seen it already and skip it.
  bool restored = false;
  // A decision another node of the fleet made (--redis), applied here: its
  // name. Every sink applies it; the fleet's is the one that does not
  // publish it again. Valid while delivered.
  std::string_view fleet_node;
  // An alert of the behaviour model: the features that drove it. Valid
  // while delivered.
  const AnomalyExplanation* anomaly = nullptr;
};

}  // namespace defender
