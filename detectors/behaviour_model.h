// BehaviourModel: the behaviour-anomaly scenario. Every client (an address,
// or its IPv6 prefix) has a window of its recent requests: a few counters and
// sketches in a bounded table, updated at a fixed cost a line. A window ends
// when its client has been idle for `gap` or after `max_window`; an ended
// window of at least `min_requests` requests teaches the site's
// BehaviourBaseline. While a window runs it is scored against the baseline
// when its request count reaches min_requests, twice that, four times...:
// each feature's robust z-score (its distance from the site's median in
// MADs, in the direction that is suspicious, 0 to 8) and the anomaly score,
// their root sum of squares. A window whose score reaches the threshold
// raises one alert, explained by the features that drove it. Nothing is
// scored before the baseline holds `warmup_windows` windows. Not
// thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/anomaly.h"
#include "core/huge_array.h"
#include "core/ip_address.h"
#include "core/log_time.h"
#include "core/status.h"
#include "detectors/behaviour_baseline.h"

namespace defender {

struct BehaviourOptions {
  double threshold = 9;  // the anomaly score that alerts
  // Windows followed (at least 2048) before new ones take the place of
  // others (those too short to be scored first); a flood of new addresses
  // may fill the table further, to 3/4 of its slots (a power of two, at
  // least twice this). 8 MB at this one.
  size_t max_clients = 65536;
  LogTime gap = 30 * 60 * kSecond;
  LogTime max_window = 3600 * kSecond;
  uint32_t min_requests = 5;
  double warmup_windows = 500;
};

// What the model takes from a line.
struct BehaviourEvent {
  LogTime time = 0;
  int status = 0;
  bool post = false;
  bool is_static = false;
  bool app = false;  // a path of a configured app profile
  uint32_t path_hash = 0;
  uint32_t user_agent_hash = 0;
  uint32_t referrer_hash = 0;  // the referring site (ReferrerHash); 0: no referer
};

class BehaviourModel {
 public:
  explicit BehaviourModel(BehaviourOptions options);

  // Counts the event in `client`'s window. Returns the explanation (valid
  // until the next call) when this event made the window's score reach the
  // threshold; a window alerts once. *app_window is set when most of the
  // window's requests were for an app profile's paths (so never banned).
  const AnomalyExplanation* Observe(const IpAddress& client, const BehaviourEvent& e, bool* app_window);

  // Starts fetching the slot Observe(client, ...) will look at first.
  void Prefetch(const IpAddress& client) const;

  // Takes what `old` learned and follows (its baseline and windows), keeping
  // this model's options: a reload of the configuration (SIGHUP).
  void Adopt(BehaviourModel&& old);

  // The baseline and the running windows, for --state (a cron run goes on
  // with the windows the last one left); Parse refuses (kInvalid, the model
  // unchanged) a blob that Serialize did not write whole, or whose windows
  // do not add up.
  std::string Serialize() const;
  Status Parse(std::string_view blob);

  BehaviourBaseline& baseline() { return baseline_; }
  const BehaviourBaseline& baseline() const { return baseline_; }
  const BehaviourOptions& options() const { return options_; }
  size_t clients() const { return size_; }
  // True until the baseline holds warmup_windows windows: nothing is scored.
  bool learning() const { return baseline_.windows() < options_.warmup_windows; }
  uint64_t scored() const { return scored_; }
  uint64_t alerts() const { return alerts_; }
  uint64_t evictions() const { return evictions_; }

 private:
  // One cache line a client. The all-zero key marks an empty slot (the
  // unspecified address is never observed). Counts are 16-bit: a window
  // ends at 65535 requests.
  struct alignas(64) Window {
    uint64_t key[2];
    LogTime first;
    uint32_t last_ms;        // after `first`; a window lasts an hour at most
    uint32_t last_referrer;  // the referring site counted last
    uint64_t user_agents;    // a 64-bit linear-counting sketch of their hashes
    uint16_t n, errors, posts, statics, rare_referers, quiet, apps;
    uint8_t next_score;  // scored when n reaches min_requests << next_score
    uint8_t flags;       // kAlerted, kReferrerRare (the verdict on last_referrer)
    uint16_t top_path[2], top_count[2];  // Misra-Gries over 16-bit path fingerprints
    bool used() const { return (key[0] | key[1]) != 0; }
    LogTime last() const { return first + last_ms; }
  };
  static_assert(sizeof(Window) == 64);
  static constexpr uint8_t kAlerted = 1, kReferrerRare = 2;

  Window* Find(const IpAddress& client);
  Window* FindKey(const uint64_t key[2]);
  const Window* Find(const IpAddress& client) const;
  // Makes *w the new window of `key`, from t.
  void Start(Window* w, const uint64_t key[2], LogTime t) const;
  size_t Home(const uint64_t key[2]) const;
  void Place(const Window& w);
  // Ends the windows `ends` selects and packs the table again.
  template <typename Ends>
  void Rebuild(size_t slots, Ends ends);
  // Below the cap: ends the windows that are over, and doubles the table
  // if that freed too little.
  void MakeRoom(LogTime now);
  bool Over(const Window& w, LogTime now) const;
  // A slot for a new window of `key`, started at t.
  Window* Insert(const uint64_t key[2], LogTime t);
  // At max_windows_: ends windows until the table is at most half full.
  void Shed(LogTime now);
  void End(const Window& w);
  // The window's features on the 0-1 scale (-1: none) and their z-scores.
  void Features(const Window& w, std::array<double, kBehaviourFeatures>* x) const;
  // Each feature's distance from the site's median in robust spreads (1.4826
  // MADs, at least the feature's floor), in its unusual direction, capped at
  // kMaxZ; 0 for a feature not known yet. Returns the score: their root sum
  // of squares.
  double Distances(const std::array<double, kBehaviourFeatures>& x, std::array<double, kBehaviourFeatures>* z) const;
  // What drove a window's score: its features by distance, with its value
  // and the site's median of each.
  void Explain(const Window& w, const std::array<double, kBehaviourFeatures>& z, double score,
               AnomalyExplanation* out) const;

  BehaviourOptions options_;
  BehaviourBaseline baseline_;
  HugeArray<Window> slots_;
  HugeArray<Window> kept_;  // Rebuild's windows that stay (a vector grew in 4 KB page faults)
  size_t mask_ = 0;
  size_t size_ = 0;
  size_t max_slots_;    // the power of two that holds max_clients at most half full
  size_t max_windows_;  // 3/4 of it: a flood of new addresses fills the table this far
  uint64_t seed_[2];
  AnomalyExplanation explanation_;
  uint64_t scored_ = 0, alerts_ = 0, evictions_ = 0;
};

}  // namespace defender
