// Alert: a scenario's bucket overflowed for a client. Plain value; the
// scenario name points to storage that lives as long as the detector.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/anomaly.h"
#include "core/cidr.h"
#include "core/crawlers.h"
#include "core/log_time.h"

namespace defender {

struct Alert {
  std::string_view scenario;
  IpAddress source;     // the address of the line that overflowed the bucket
  Cidr client;          // what is counted and banned: the address, or its IPv6 /64
  LogTime time = 0;
  uint32_t events_count = 0;  // events poured since the bucket was created
  int64_t ban_s = 0;          // the scenario's ban length before escalation
  int severity = 0;           // 1-100, the scenario's weight in the threat score
  bool simulate = false;      // the scenario only reports, never bans
  const KnownCrawler* crawler = nullptr;  // the crawler the line's user agent claims to be (a claim only)
  std::string_view client_name;           // a client logged by host name: valid during its line
  const AnomalyExplanation* anomaly = nullptr;  // behaviour-anomaly: why; valid during its line
};

}  // namespace defender
