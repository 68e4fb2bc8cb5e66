#include "cli/stats.h"

#include <fmt/ranges.h>

namespace defender {

void Stats::AppendReport(fmt::memory_buffer& out, double seconds, double pipeline_cpu_s) const {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "defender-scan: stats: inputs {} (errors {}), lines {}, bytes {}, {:.3f} s",
                 inputs, input_errors, lines, bytes, seconds);
  if (seconds > 0) fmt::format_to(it, ", {:.0f} lines/s", double(lines) / seconds);
  fmt::format_to(it, "\ndefender-scan: stats: parsed {}, rejected {}", parsed, rejected());
  if (late + future > 0) fmt::format_to(it, ", not detected: late {}, future {}", late, future);
  if (truncated > 0) fmt::format_to(it, ", cut short in their last field {}", truncated);
  if (named_clients > 0) fmt::format_to(it, ", clients logged by host name {} (never banned)", named_clients);
  fmt::format_to(it, "\n");
  fmt::format_to(it, "defender-scan: stats: CPU time: detecting thread {:.3f} s (with start-up and output)",
                 pipeline_cpu_s);
  if (parse_ahead_cpu_s > 0) fmt::format_to(it, ", reading and parsing thread {:.3f} s", parse_ahead_cpu_s);
  fmt::format_to(it, "\n");
  if (order.size() > 1) fmt::format_to(it, "defender-scan: stats: inputs oldest first: {}\n", fmt::join(order, ", "));
  if (reordered_s > 0) {
    fmt::format_to(it, "defender-scan: stats: lines out of time order by up to {} s, read back in time order\n",
                   reordered_s);
  }
  if (syslog.received + syslog.overflowed > 0) {
    fmt::format_to(it, "defender-scan: stats: syslog messages {}, dropped: not allowed {}, malformed {}, buffer full {}\n",
                   syslog.received, syslog.not_allowed, syslog.malformed, syslog.overflowed);
  }
  for (size_t i = 1; i < rejects.size(); ++i) {
    if (rejects[i] == 0) continue;
    fmt::format_to(it, "defender-scan: stats: rejected {}: {}\n", RejectName(Reject(i)), rejects[i]);
  }
}

}  // namespace defender
