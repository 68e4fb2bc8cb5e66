// ReorderBuffer: puts the lines of a batch replay back in log-time order
// when the log is out of order (Apache's %t is a request's start, logs
// merged from several servers), so that each client's requests are counted
// in the order they happened and a busy client is not judged on a burst
// that the disorder made up. A line is held until the newest time read is
// `window` past it; the window is the largest lateness seen so far plus a
// second, at most `max_window` (--late-tolerance). A log in time order
// never opens it and pays one comparison a line. At most kMaxBytes of lines
// are held; past that the oldest go out early. For batch runs only: a live
// log would see its decisions delayed. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <queue>
#include <string_view>
#include <vector>

#include "core/log_record.h"
#include "core/log_time.h"

namespace defender {

class ReorderBuffer {
 public:
  struct Line {
    LogTime time;
    uint64_t seq;  // read order, for lines of the same time
    std::unique_ptr<char[]> storage;  // the line and its record's text (CopyRecordText)
    size_t size;                      // of storage
    std::string_view text;
    LogRecord record;  // as parsed when read
    uint64_t line_no;
  };
  static constexpr size_t kMaxBytes = 64 << 20;

  explicit ReorderBuffer(LogTime max_window) : max_window_(max_window) {}

  // A line of time `t` was read: true when it must be held (Push), false
  // when it may be processed at once.
  bool Hold(LogTime t) {
    if (t < newest_) {
      window_ = std::min(std::max(window_, newest_ - t + kSecond), max_window_);
    } else {
      newest_ = t;
    }
    return window_ > 0;
  }
  // Holds a parsed line (`record` of time t, its views into `text` or the
  // parser's scratch): both are copied.
  void Push(LogTime t, std::string_view text, const LogRecord& record, uint64_t line_no);
  // Calls fn(line) for each held line that is due (every one with `all`),
  // oldest first.
  template <typename Fn>
  void Release(bool all, Fn fn) {
    while (!held_.empty() && (all || bytes_ > kMaxBytes || held_.top().time <= newest_ - window_)) {
      Line line = std::move(const_cast<Line&>(held_.top()));
      held_.pop();
      bytes_ -= sizeof(Line) + line.size;
      fn(line);
    }
  }
  LogTime window() const { return window_; }
  size_t held() const { return held_.size(); }

 private:
  struct Later {
    bool operator()(const Line& a, const Line& b) const {
      return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
  };
  LogTime max_window_;
  LogTime newest_ = 0;
  LogTime window_ = 0;
  uint64_t seq_ = 0;
  size_t bytes_ = 0;
  std::priority_queue<Line, std::vector<Line>, Later> held_;
};

}  // namespace defender
