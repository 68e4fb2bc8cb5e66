#include "detectors/behaviour_baseline.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace defender {

const std::array<BehaviourFeatureSpec, kBehaviourFeatures>& BehaviourFeatures() {
  static const std::array<BehaviourFeatureSpec, kBehaviourFeatures> kSpecs = {{
      {"rate", "requests a minute", true, 0.08},
      {"error_share", "share of answers 400 and above", true, 0.05},
      {"post_share", "share of POST requests", true, 0.05},
      {"top_path_share", "share of requests for its most requested path", true, 0.05},
      {"static_share", "share of requests for static assets", false, 0.05},
      {"user_agent_churn", "new user agents per request", true, 0.05},
      {"rare_referer_share", "share of requests referred by a site few clients came from", true, 0.05},
      {"quiet_hour_share", "share of requests in the site's quiet hours", true, 0.05},
  }};
  return kSpecs;
}

namespace {

constexpr uint32_t kMagic = 0x4d424453;  // "SDBM" read as little-endian bytes
constexpr uint32_t kVersion = 1;
constexpr LogTime kHour = 3600 * kSecond;

template <typename T>
void Put(std::string* out, const T& v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <typename T>
bool Take(std::string_view* in, T* v) {
  if (in->size() < sizeof(T)) return false;
  std::memcpy(v, in->data(), sizeof(T));
  in->remove_prefix(sizeof(T));
  return true;
}

bool Sane(double d) { return std::isfinite(d) && d >= 0 && d <= 1e12; }

// The hour a log time is in, from 1970 (a log may say year 400: before it).
LogTime HourOf(LogTime t) { return t >= 0 ? t / kHour : -((-t + kHour - 1) / kHour); }
size_t HourOfDay(LogTime t) { return size_t((HourOf(t) % 24 + 24) % 24); }

}  // namespace

BehaviourBaseline::BehaviourBaseline() : referrers_(kReferrerSlots, 0) {}

void BehaviourBaseline::Add(const std::array<double, kBehaviourFeatures>& x) {
  for (int f = 0; f < kBehaviourFeatures; ++f) {
    if (x[size_t(f)] < 0) continue;
    const int bin = std::clamp(int(x[size_t(f)] * kBins), 0, kBins - 1);
    hist_[size_t(f)][size_t(bin)] += 1;
    feature_weight_[size_t(f)] += 1;
  }
  weight_ += 1;
  if (weight_ >= kMaxWindows) Fade();
  // Often at first, so that the first windows count at once; then every
  // kRefresh windows.
  if (++stale_ >= kRefresh || weight_ < 2 * kRefresh) Refresh();
}

void BehaviourBaseline::Fade() {
  for (auto& h : hist_) {
    for (double& c : h) c /= 2;
  }
  for (double& w : feature_weight_) w /= 2;
  weight_ /= 2;
  for (double& h : hours_) h /= 2;
  for (uint16_t& r : referrers_) r = uint16_t(r / 2);
  referrer_total_ /= 2;
}

void BehaviourBaseline::Refresh() {
  stale_ = 0;
  for (int f = 0; f < kBehaviourFeatures; ++f) {
    const auto& h = hist_[size_t(f)];
    const double total = feature_weight_[size_t(f)];
    FeatureStats& s = stats_[size_t(f)];
    if (total <= 0) {
      s = FeatureStats();
      continue;
    }
    // The mass below x, the counts spread evenly within each bin.
    std::array<double, kBins + 1> cumulative{};
    for (int i = 0; i < kBins; ++i) cumulative[size_t(i) + 1] = cumulative[size_t(i)] + h[size_t(i)];
    auto below = [&](double x) {
      if (x <= 0) return 0.0;
      if (x >= 1) return total;
      const double pos = x * kBins;
      const int bin = int(pos);
      return cumulative[size_t(bin)] + h[size_t(bin)] * (pos - bin);
    };
    double lo = 0, hi = 1;
    for (int i = 0; i < 30; ++i) {
      const double mid = (lo + hi) / 2;
      (below(mid) < total / 2 ? lo : hi) = mid;
    }
    s.median = (lo + hi) / 2;
    lo = 0, hi = 1;
    for (int i = 0; i < 30; ++i) {
      const double d = (lo + hi) / 2;
      (below(s.median + d) - below(s.median - d) < total / 2 ? lo : hi) = d;
    }
    s.mad = (lo + hi) / 2;
  }
}

void BehaviourBaseline::StartHour(LogTime t) {
  hour_from_ = HourOf(t) * kHour;
  hour_index_ = HourOfDay(t);
  if (hour_from_ == last_hour_ + kHour) ++hours_known_;
  if (hour_from_ > last_hour_) last_hour_ = hour_from_;
  quiet_now_ = KnowsHours() && QuietHour(t);
}

bool BehaviourBaseline::QuietHour(LogTime t) const {
  double total = 0;
  for (double h : hours_) total += h;
  return hours_[HourOfDay(t)] < total / 24 / 4;
}

uint32_t BehaviourBaseline::CountReferrer(uint32_t host_hash) {
  uint16_t& c = referrers_[host_hash & (kReferrerSlots - 1)];
  if (c != UINT16_MAX) ++c;
  ++referrer_total_;
  return c;
}

std::string BehaviourBaseline::Serialize() const {
  std::string out;
  Put(&out, kMagic);
  Put(&out, kVersion);
  Put(&out, uint32_t(kBehaviourFeatures));
  Put(&out, uint32_t(kBins));
  for (const auto& h : hist_) {
    for (double c : h) Put(&out, c);
  }
  for (double w : feature_weight_) Put(&out, w);
  Put(&out, weight_);
  for (double h : hours_) Put(&out, h);
  Put(&out, hours_known_);
  Put(&out, last_hour_);
  Put(&out, uint32_t(kReferrerSlots));
  out.append(reinterpret_cast<const char*>(referrers_.data()), referrers_.size() * sizeof(uint16_t));
  Put(&out, referrer_total_);
  return out;
}

Status BehaviourBaseline::Parse(std::string_view blob) {
  auto refuse = [](std::string_view why) {
    return Status::Invalid(fmt::format("the saved behaviour baseline is not usable ({}); learning anew", why));
  };
  uint32_t magic = 0, version = 0, features = 0, bins = 0, slots = 0;
  if (!Take(&blob, &magic) || magic != kMagic) return refuse("not a baseline");
  if (!Take(&blob, &version) || version != kVersion) return refuse("another version");
  if (!Take(&blob, &features) || !Take(&blob, &bins) || features != kBehaviourFeatures || bins != kBins) {
    return refuse("other features");
  }
  BehaviourBaseline b;
  for (auto& h : b.hist_) {
    for (double& c : h) {
      if (!Take(&blob, &c) || !Sane(c)) return refuse("a histogram count");
    }
  }
  for (double& w : b.feature_weight_) {
    if (!Take(&blob, &w) || !Sane(w)) return refuse("a feature weight");
  }
  if (!Take(&blob, &b.weight_) || !Sane(b.weight_)) return refuse("the weight");
  for (double& h : b.hours_) {
    if (!Take(&blob, &h) || !Sane(h)) return refuse("an hour count");
  }
  if (!Take(&blob, &b.hours_known_) || !Take(&blob, &b.last_hour_) || b.hours_known_ < 0) {
    return refuse("the hour profile's span");
  }
  if (!Take(&blob, &slots) || slots != kReferrerSlots || blob.size() != slots * sizeof(uint16_t) + sizeof(uint64_t)) {
    return refuse("the referrer counts");
  }
  std::memcpy(b.referrers_.data(), blob.data(), slots * sizeof(uint16_t));
  blob.remove_prefix(slots * sizeof(uint16_t));
  Take(&blob, &b.referrer_total_);
  *this = std::move(b);
  hour_from_ = 0;
  Refresh();
  return Status::Ok();
}

}  // namespace defender
