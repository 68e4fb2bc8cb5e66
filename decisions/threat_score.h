// ThreatScore: a 0-100 score per client that rises with each alert (by the
// scenario's severity) and halves every hour of log time. Only clients with
// alerts are kept. Not thread-safe.
#pragma once

#include <cmath>

#include <absl/container/flat_hash_map.h>

#include "core/cidr.h"
#include "core/log_time.h"

namespace defender {

class ThreatScore {
 public:
  static constexpr LogTime kHalfLife = 3600 * kSecond;
  // Adds an alert of `severity` at t; returns the new score.
  int Add(const Cidr& client, int severity, LogTime t);
  int Get(const Cidr& client, LogTime t) const;
  // Forgets clients whose score decayed below 1.
  void Prune(LogTime t);
  size_t size() const { return scores_.size(); }
  // A score of `score` at `since`, decayed to `now`.
  static int Decay(int score, LogTime since, LogTime now) {
    return int(std::lround(Decayed(Entry{double(score), since}, now)));
  }

 private:
  struct Entry {
    double score;
    LogTime time;
  };
  static double Decayed(const Entry& e, LogTime t);
  absl::flat_hash_map<Cidr, Entry> scores_;
};

}  // namespace defender
