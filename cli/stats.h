// Stats: the run's counters, printed by --stats. Plain data; not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "parsers/line_parser.h"
#include "sources/syslog_source.h"

namespace defender {

struct Stats {
  uint64_t inputs = 0;
  uint64_t input_errors = 0;  // unreadable, truncated or corrupt inputs
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t parsed = 0;
  uint64_t late = 0;    // parsed, but older than the newest line by more than --late-tolerance
  uint64_t future = 0;  // parsed, but ahead of the wall clock
  uint64_t truncated = 0;      // parsed lines cut inside their last quoted field
  uint64_t named_clients = 0;  // parsed lines whose client is a host name (counted, never banned)
  uint64_t fleet_not_applied = 0;  // --redis: other nodes' bans not applied (ended, allowlisted here)
  int64_t reordered_s = 0;     // batch runs: how far out of time order the lines were (then read back in order)
  // CPU seconds of the threads that read and parsed the inputs ahead of the
  // pipeline (batch runs; 0 otherwise).
  double parse_ahead_cpu_s = 0;
  std::vector<std::string> order;  // the inputs, in the order read (when more than one)
  std::array<uint64_t, size_t(Reject::kCount)> rejects{};
  SyslogCounters syslog;  // --syslog-listen: datagrams received and dropped

  uint64_t rejected() const {
    uint64_t n = 0;
    for (size_t i = 1; i < rejects.size(); ++i) n += rejects[i];
    return n;
  }
  // Multi-line human-readable report; `pipeline_cpu_s`: the CPU seconds of
  // the thread that ran the pipeline (start-up, detection, decisions, output).
  void AppendReport(fmt::memory_buffer& out, double seconds, double pipeline_cpu_s) const;
};

}  // namespace defender
