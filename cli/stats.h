// Stats: the run's counters, printed by --stats. Plain data; not thread-safe.
#pragma once

#include <array>
#include <cstdint>

#include <fmt/format.h>

#include "parsers/line_parser.h"

namespace defender {

struct Stats {
  uint64_t inputs = 0;
  uint64_t input_errors = 0;  // unreadable, truncated or corrupt inputs
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t parsed = 0;
  std::array<uint64_t, size_t(Reject::kCount)> rejects{};

  uint64_t rejected() const {
    uint64_t n = 0;
    for (size_t i = 1; i < rejects.size(); ++i) n += rejects[i];
    return n;
  }
  // Multi-line human-readable report.
  void AppendReport(fmt::memory_buffer& out, double seconds) const;
};

}  // namespace defender
