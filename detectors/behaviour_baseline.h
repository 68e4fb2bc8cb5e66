// BehaviourBaseline: what this site's clients usually look like, learned
// online from its own traffic. Per behavioural feature, a histogram of the
// values of client windows that have ended (64 bins over the feature's 0-1
// scale), from which its median and MAD (median absolute deviation) are
// read: robust statistics, so the few attackers among the clients do not
// move them. Also the site's requests per hour of the day (to tell its
// quiet hours) and how many clients each referring site sent (to tell a rare
// referer from a common one). Old traffic fades: when the histograms hold
// kMaxWindows windows, every count halves. Saved in --state as one blob
// (Serialize/Parse); a blob that does not read back whole and sane is
// refused. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/log_time.h"
#include "core/status.h"

namespace defender {

inline constexpr int kBehaviourFeatures = 8;

struct BehaviourFeatureSpec {
  std::string_view name;
  std::string_view meaning;
  bool high_is_unusual;  // else a low value is
  double floor;          // the least deviation that counts as one, on the 0-1 scale
};
// By index: rate, error_share, post_share, top_path_share, static_share,
// user_agent_churn, rare_referer_share, quiet_hour_share.
const std::array<BehaviourFeatureSpec, kBehaviourFeatures>& BehaviourFeatures();

class BehaviourBaseline {
 public:
  static constexpr int kBins = 64;
  static constexpr double kMaxWindows = 20000;
  static constexpr size_t kReferrerSlots = 1 << 16;

  BehaviourBaseline();

  // Adds one ended window's feature values (0-1 scale; a negative value is
  // a feature the window had no value for).
  void Add(const std::array<double, kBehaviourFeatures>& x);
  // Windows learned (after fading).
  double windows() const { return weight_; }
  // Read again after every kRefresh windows added.
  double Median(int feature) const { return stats_[size_t(feature)].median; }
  double Mad(int feature) const { return stats_[size_t(feature)].mad; }

  // The site's requests by hour of the day (UTC, log time).
  void CountHour(LogTime t) {
    if (t < hour_from_ || t >= hour_from_ + kHourMs) StartHour(t);
    hours_[hour_index_] += 1;
  }
  // True once the hour profile has followed the log through 36 hours, one
  // after the other (a line dated years away does not make it so).
  bool KnowsHours() const { return hours_known_ >= 36; }
  // An hour with under a quarter of the mean hour's requests.
  bool QuietHour(LogTime t) const;
  // QuietHour() of the hour CountHour() counted last.
  bool quiet_now() const { return quiet_now_; }

  // Counts one more client window sent by the referring site `host_hash`;
  // returns how many were counted for it (saturating, shared by the few
  // sites whose hashes collide: a rare site may look common, never the
  // other way round).
  uint32_t CountReferrer(uint32_t host_hash);
  uint32_t Referrers(uint32_t host_hash) const { return referrers_[host_hash & (kReferrerSlots - 1)]; }
  uint64_t referrer_windows() const { return referrer_total_; }

  std::string Serialize() const;
  // kInvalid, and this baseline unchanged, unless `blob` is one Serialize()
  // wrote, whole.
  Status Parse(std::string_view blob);

 private:
  struct FeatureStats {
    double median = 0, mad = 0;
  };
  static constexpr LogTime kHourMs = 3600 * kSecond;
  void Refresh();  // the medians and MADs from the histograms
  void StartHour(LogTime t);
  void Fade();

  std::array<std::array<double, kBins>, kBehaviourFeatures> hist_{};
  std::array<double, kBehaviourFeatures> feature_weight_{};
  double weight_ = 0;
  std::array<double, 24> hours_{};
  int64_t hours_known_ = 0;  // steps of CountHour from one hour to the next
  LogTime last_hour_ = 0;    // the start of the hour counted before this one's
  LogTime hour_from_ = 0;    // the hour CountHour counts in, from its start
  size_t hour_index_ = 0;
  bool quiet_now_ = false;
  std::vector<uint16_t> referrers_;
  uint64_t referrer_total_ = 0;
  static constexpr uint32_t kRefresh = 64;
  std::array<FeatureStats, kBehaviourFeatures> stats_{};
  uint32_t stale_ = 0;  // windows added since Refresh()
};

}  // namespace defender
