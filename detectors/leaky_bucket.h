// LeakyBucket: the state of one scenario for one client. It starts with
// `capacity` tokens, regains one every `leak` (log time), and each event
// takes one; the event that finds no token overflows. After an overflow the
// bucket is refilled and ignores events until its blackhole ends. 32 bytes;
// the settings live in the scenario. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/log_time.h"
#include "detectors/scenario.h"

namespace defender {

struct LeakyBucket {
  LogTime last = 0;             // time of the last event (tokens are as of then)
  LogTime blackhole_until = 0;  // events before this are ignored
  float tokens = 0;
  uint32_t poured = 0;          // events counted since the bucket (re)started
  uint32_t distinct_first = 0;  // hash of the first distinct value, 0 if none
  uint32_t distinct_more = 0;   // 1 + index of further values in the table's pool, 0 if none

  void Start(LogTime t, const BucketSettings& s) {
    last = t;
    tokens = float(s.capacity);
    poured = 0;
  }
  // Tokens regained between `last` and `t`, capped at the capacity.
  float TokensAt(LogTime t, const BucketSettings& s) const {
    if (t <= last || s.leak <= 0) return tokens;
    double regained = double(t - last) / double(s.leak);
    return float(std::min<double>(s.capacity, tokens + regained));
  }
  // Back at full capacity and out of any blackhole: indistinguishable from a
  // new bucket except for `poured`, so it can be forgotten. Worked out with a
  // product rather than TokensAt's division, as the table's sweeps check
  // every bucket.
  bool Drained(LogTime t, const BucketSettings& s) const {
    if (t < blackhole_until) return false;
    const float missing = float(s.capacity) - tokens;
    if (missing <= 0) return true;
    return t > last && s.leak > 0 && double(t - last) >= double(missing) * double(s.leak);
  }
  // Counts one event at t. True when it overflows the bucket.
  bool Pour(LogTime t, const BucketSettings& s) {
    tokens = TokensAt(t, s);
    if (t > last) last = t;
    ++poured;
    if (tokens >= 1.0f) {
      tokens -= 1.0f;
      return false;
    }
    return true;
  }
};

}  // namespace defender
