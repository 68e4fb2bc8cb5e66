#include "cli/progress.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

namespace defender {

Progress::Progress(uint64_t total_bytes)
    : total_(total_bytes), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::Update(uint64_t done_bytes, uint64_t lines, uint64_t bans) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  done_bytes = std::min(done_bytes, total_);
  const double share = total_ > 0 ? double(done_bytes) / double(total_) : 1.0;
  std::string eta = "-";
  if (share > 0 && share < 1) {
    const auto left = uint64_t(seconds / share * (1 - share));
    eta = fmt::format("{}:{:02}", left / 60, left % 60);
  }
  // \r and "erase to the end of the line": the next draw replaces this one.
  fmt::print(stderr, "\r\x1b[Kdefender-scan: {:.0f}% of {:.1f} MB, {} lines, {:.0f} lines/s, {} bans, {} left",
             share * 100, double(total_) / 1e6, lines, seconds > 0 ? double(lines) / seconds : 0.0, bans, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Clear() {
  if (!drawn_) return;
  fmt::print(stderr, "\r\x1b[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace defender
