// LeakyBucket: the state of one scenario for one client. It starts with
// `capacity` tokens, regains one every `leak` (log time), and each event
// takes one; the event that finds no token overflows. After an overflow the
// bucket is refilled and ignores events until its blackhole ends.
//
// The tokens are kept as the time the bucket will be full again (`full_at`,
// the "theoretical arrival time" of the generic cell rate algorithm): at t
// it lacks (full_at - t) / leak tokens. An event takes a token by moving
// full_at one leak later, and finds none when full_at is more than
// (capacity - 1) leaks ahead. So a pour is integer arithmetic in ms, exact,
// and the table's sweeps see whether a bucket has drained with two compares.
//
// Log time can run back: Apache logs a request's start, syslog merges
// servers. An event older than the bucket's last one is counted at the
// bucket's time (`last`), never earlier, so it cannot look like a burst.
// 40 bytes; the settings live in the scenario. Not thread-safe.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/log_time.h"
#include "detectors/scenario.h"

namespace defender {

struct LeakyBucket {
  LogTime full_at = 0;          // every token is back from then on (see above)
  LogTime blackhole_until = 0;  // events before this are ignored
  LogTime last = 0;             // the latest time an event was counted at
  uint32_t poured = 0;          // events counted since the bucket (re)started
  uint32_t distinct_first = 0;  // hash of the first distinct value, 0 if none
  uint32_t distinct_more = 0;   // 1 + index of further values in the table's pool, 0 if none

  void Start(LogTime t) {
    full_at = t;
    last = t;
    poured = 0;
  }
  // From then on the bucket is full and out of any blackhole: indistinguishable
  // from a new one except for `poured`, so it can be forgotten.
  LogTime DrainedAt() const { return std::max(full_at, blackhole_until); }
  bool Drained(LogTime t) const { return t >= DrainedAt(); }
  // Counts one event at t. True when it overflows the bucket.
  // `t` is not before `last` (ClientTable::Pour moves a late event there).
  bool Pour(LogTime t, const BucketSettings& s) {
    ++poured;
    last = t;
    const LogTime leak = Leak(s);
    const LogTime from = std::max(full_at, t);
    if (from - t > (s.capacity - 1) * leak) return true;
    full_at = from + leak;
    return false;
  }

  // Gives half a token back at t (a success among failures, a value used
  // again): evidence against the alert, but never enough to hide twice the
  // events.
  void GiveBack(LogTime t, const BucketSettings& s) { full_at = std::max(t, full_at - Leak(s) / 2); }

  // Tokens at t, and back: the state database stores a bucket as its tokens
  // at some time.
  double TokensAt(LogTime t, const BucketSettings& s) const {
    return s.capacity - double(std::max<LogTime>(0, full_at - t)) / double(Leak(s));
  }
  void SetTokens(LogTime t, double tokens, const BucketSettings& s) {
    const double missing = std::clamp(s.capacity - tokens, 0.0, double(s.capacity));
    full_at = t + std::llround(missing * double(Leak(s)));
  }

 private:
  // A bucket that never leaks (leak 0) regains a token in a century: far
  // beyond any log, yet capacity (at most 100 000) times it fits in 64 bits.
  static constexpr LogTime kCentury = 100LL * 365 * 86400 * kSecond;
  static LogTime Leak(const BucketSettings& s) { return s.leak > 0 && s.leak < kCentury ? s.leak : kCentury; }
};

}  // namespace defender
