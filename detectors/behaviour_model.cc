#include "detectors/behaviour_model.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/hash.h"

namespace defender {

namespace {

enum : int { kRate, kErrorShare, kPostShare, kTopPathShare, kStaticShare, kUserAgentChurn, kRareReferer, kQuietHours };

constexpr size_t kInitialSlots = 4096;
constexpr double kPrior = 8;       // a client's share counts as if it had this many more requests at the site's median
constexpr double kMaxZ = 8;        // one feature alone says at most this much
constexpr double kRateScale = 12;  // rate's 0-1 scale: log2(1 + requests a minute) / 12
constexpr uint32_t kRareBelow = 5;            // a referring site fewer client windows came from is rare
constexpr uint64_t kReferrersKnown = 1000;    // ...once this many windows came from any
constexpr size_t kEvictProbe = 8;            // at the cap, a new window looks this far for one to replace
constexpr LogTime kEvictIdle = 60 * kSecond;  // Shed() ends windows idle this long

// User agents after the first: linear counting, from the sketch's empty
// bits (the estimate for each count of them, made once).
const std::array<double, 65> kAgentsByEmptyBits = [] {
  std::array<double, 65> a;
  for (int empty = 0; empty <= 64; ++empty) a[size_t(empty)] = empty == 0 ? 64 * std::log(64.0) : -64 * std::log(empty / 64.0);
  return a;
}();

template <typename Window>
double NewAgents(const Window& w) {
  return std::clamp(kAgentsByEmptyBits[size_t(64 - std::popcount(w.user_agents))] - 1, 0.0, double(w.n) - 1);
}

double RateOf(uint32_t n, LogTime first, LogTime last) {
  const double minutes = std::max(1.0, double(last - first) / double(60 * kSecond));
  return double(n) / minutes;
}

}  // namespace

BehaviourModel::BehaviourModel(BehaviourOptions options)
    : options_(options),
      max_slots_(std::bit_ceil(std::max<size_t>(options.max_clients * 2, kInitialSlots))),
      max_windows_(max_slots_ / 4 * 3) {
  static_assert(std::is_trivially_copyable_v<Window>);
  const uint64_t seed = RandomSeed();
  seed_[0] = seed;
  seed_[1] = hash_internal::Mix(seed, 0x9e3779b97f4a7c15ull);
  slots_ = HugeArray<Window>(max_slots_);  // mapped, not touched (see Rebuild)
  mask_ = kInitialSlots - 1;
}

size_t BehaviourModel::Home(const uint64_t key[2]) const {
  return hash_internal::Mix(key[0] ^ seed_[0], key[1] ^ seed_[1]) & mask_;
}

void BehaviourModel::Prefetch(const IpAddress& client) const {
  uint64_t key[2];
  std::memcpy(key, client.bytes().data(), 16);
  __builtin_prefetch(&slots_[Home(key)]);
}

BehaviourModel::Window* BehaviourModel::Find(const IpAddress& client) {
  uint64_t key[2];
  std::memcpy(key, client.bytes().data(), 16);
  return FindKey(key);
}

BehaviourModel::Window* BehaviourModel::FindKey(const uint64_t key[2]) {
  for (size_t i = Home(key);; i = (i + 1) & mask_) {
    Window& w = slots_[i];
    if (w.key[0] == key[0] && w.key[1] == key[1]) return &w;  // keys are never zero
    if (!w.used()) return nullptr;
  }
}

const BehaviourModel::Window* BehaviourModel::Find(const IpAddress& client) const {
  return const_cast<BehaviourModel*>(this)->Find(client);
}

void BehaviourModel::Place(const Window& w) {
  size_t i = Home(w.key);
  while (slots_[i].used()) i = (i + 1) & mask_;
  slots_[i] = w;
}

template <typename Ends>
void BehaviourModel::Rebuild(size_t slots, Ends ends) {
  // The windows that stay are set aside and put back into the table,
  // cleared in place. Its mapping is made for the largest table
  // (max_slots_) from the start, of which the first `slots` are used: a
  // table that grows touches no memory but its new part (fresh memory is
  // dear on a VM: a new mapping at each growth was 8 % of a run here, in the
  // kernel clearing pages).
  if (kept_.size() < mask_ + 1) kept_ = HugeArray<Window>(slots_.size());
  const size_t kept = SetAside(slots_, mask_ + 1, kept_, [&](const Window& w) {
    if (!w.used()) return false;
    if (!ends(w)) return true;
    End(w);
    return false;
  });
  // Past mask_ the table was never used; an adopted one may be made for a
  // smaller cap.
  if (slots > slots_.size()) slots_ = HugeArray<Window>(slots);
  mask_ = slots - 1;
  for (size_t i = 0; i < kept; ++i) Place(kept_[i]);
  size_ = kept;
}

void BehaviourModel::MakeRoom(LogTime now) {
  const size_t slots = mask_ + 1;
  Rebuild(slots, [&](const Window& w) { return Over(w, now); });
  if (size_ * 4 >= slots) Rebuild(slots * 2, [](const Window&) { return false; });  // the sweep freed too little
}

bool BehaviourModel::Over(const Window& w, LogTime now) const {
  return now - w.last() > options_.gap || now - w.first > options_.max_window;
}

BehaviourModel::Window* BehaviourModel::Insert(const uint64_t key[2], LogTime t) {
  if ((size_ + 1) * 2 > mask_ + 1) {
    if (mask_ + 1 < max_slots_) {
      MakeRoom(t);
    } else if (size_ + 1 > max_windows_) {
      Shed(t);
    }
  }
  size_t i = Home(key);
  if ((size_ + 1) * 2 <= mask_ + 1) {
    while (slots_[i].used()) i = (i + 1) & mask_;
    ++size_;
  } else {
    // At the cap (a flood of new addresses): the new window takes the place
    // of one in its probe run, in place, so that no run breaks: one that is
    // over or too short to be scored yet; else an empty slot if the run
    // ends within a few (the table then goes past half full, up to the
    // cap, at most 3/4, when Shed() makes room); else the one idle longest.
    size_t victim = i;
    bool found = false;
    for (size_t k = 0; k < kEvictProbe; ++k, i = (i + 1) & mask_) {
      const Window& w = slots_[i];
      if (!w.used() || Over(w, t) || w.n < options_.min_requests) {
        victim = i;
        found = true;
        break;
      }
      if (w.last() < slots_[victim].last()) victim = i;
    }
    i = victim;
    if (!slots_[i].used()) {
      ++size_;
    } else {
      if (!found || !Over(slots_[i], t)) ++evictions_;
      End(slots_[i]);
    }
  }
  Window* w = &slots_[i];
  Start(w, key, t);
  return w;
}

void BehaviourModel::Shed(LogTime now) {
  // Rare: the probe runs kept finding empty slots up to the cap. The
  // windows that are over or too short end, then those idle a minute, then
  // all, until the table is at most half full.
  const size_t before = size_;
  size_t over = 0;
  Rebuild(mask_ + 1, [&](const Window& w) {
    if (Over(w, now)) return ++over, true;
    return w.n < options_.min_requests;
  });
  if (size_ * 2 > mask_ + 1) Rebuild(mask_ + 1, [&](const Window& w) { return now - w.last() > kEvictIdle; });
  if (size_ * 2 > mask_ + 1) Rebuild(mask_ + 1, [](const Window&) { return true; });
  evictions_ += before - size_ - over;
}

void BehaviourModel::Start(Window* w, const uint64_t key[2], LogTime t) const {
  *w = Window{};
  w->key[0] = key[0];
  w->key[1] = key[1];
  w->first = t;
}

void BehaviourModel::End(const Window& w) {
  if (w.n < options_.min_requests) return;
  std::array<double, kBehaviourFeatures> x;
  Features(w, &x);
  baseline_.Add(x);
}

void BehaviourModel::Adopt(BehaviourModel&& old) {
  baseline_ = std::move(old.baseline_);
  slots_ = std::move(old.slots_);
  mask_ = old.mask_;
  size_ = old.size_;
  seed_[0] = old.seed_[0];
  seed_[1] = old.seed_[1];
  scored_ = old.scored_;
  alerts_ = old.alerts_;
  evictions_ = old.evictions_;
  if (size_ * 2 > max_slots_) {  // a smaller table now: the windows idle longest end first
    const size_t before = size_;
    LogTime newest = 0;
    for (size_t i = 0; i <= mask_; ++i) newest = std::max(newest, slots_[i].used() ? slots_[i].last() : 0);
    for (LogTime idle = options_.gap; size_ * 2 > max_slots_ && idle > 0; idle /= 2) {
      Rebuild(mask_ + 1, [&](const Window& w) { return newest - w.last() > idle; });
    }
    if (size_ * 2 > max_slots_) Rebuild(mask_ + 1, [](const Window&) { return true; });
    evictions_ += before - size_;
  }
  if (mask_ + 1 > max_slots_) Rebuild(max_slots_, [](const Window&) { return false; });
}

std::string BehaviourModel::Serialize() const {
  std::string out;
  const std::string baseline = baseline_.Serialize();
  const uint64_t sizes[] = {baseline.size(), size_};
  out.append(reinterpret_cast<const char*>(sizes), sizeof(sizes));
  out += baseline;
  for (size_t i = 0; i <= mask_; ++i) {
    if (slots_[i].used()) out.append(reinterpret_cast<const char*>(&slots_[i]), sizeof(Window));
  }
  return out;
}

Status BehaviourModel::Parse(std::string_view blob) {
  uint64_t sizes[2];
  if (blob.size() < sizeof(sizes)) return Status::Invalid("the saved behaviour model is cut short; learning anew");
  std::memcpy(sizes, blob.data(), sizeof(sizes));
  blob.remove_prefix(sizeof(sizes));
  if (sizes[0] > blob.size() || sizes[1] > max_windows_ ||
      (blob.size() - sizes[0]) != sizes[1] * sizeof(Window)) {
    return Status::Invalid("the saved behaviour model's sizes do not add up; learning anew");
  }
  BehaviourBaseline baseline;
  if (Status s = baseline.Parse(blob.substr(0, sizes[0])); !s.ok()) return s;
  std::vector<Window> windows(sizes[1]);
  std::memcpy(static_cast<void*>(windows.data()), blob.data() + sizes[0], sizes[1] * sizeof(Window));
  for (const Window& w : windows) {
    const bool sane = w.used() && w.errors <= w.n && w.posts <= w.n && w.statics <= w.n && w.rare_referers <= w.n &&
                      w.quiet <= w.n && w.apps <= w.n && w.top_count[0] <= w.n && w.top_count[1] <= w.n &&
                      w.next_score < 16 && w.flags < 4 && LogTime(w.last_ms) <= options_.max_window + options_.gap &&
                      PlausibleLogTime(w.first);
    if (!sane) return Status::Invalid("the saved behaviour model holds an impossible window; learning anew");
  }
  baseline_ = std::move(baseline);
  size_t slots = kInitialSlots;
  while (slots < max_slots_ && windows.size() * 2 > slots) slots *= 2;  // at most 3/4 full
  std::memset(static_cast<void*>(&slots_[0]), 0, (mask_ + 1) * sizeof(Window));
  if (slots > slots_.size()) slots_ = HugeArray<Window>(slots);
  mask_ = slots - 1;
  size_ = 0;
  for (const Window& w : windows) {
    if (FindKey(w.key) != nullptr) continue;  // a client twice: the first kept
    Place(w);
    ++size_;
  }
  return Status::Ok();
}

const AnomalyExplanation* BehaviourModel::Observe(const IpAddress& client, const BehaviourEvent& e,
                                                  bool* app_window) {
  uint64_t key[2];
  std::memcpy(key, client.bytes().data(), 16);
  if ((key[0] | key[1]) == 0) return nullptr;  // "::", the empty slot's key: not a client
  baseline_.CountHour(e.time);
  Window* w = Find(client);
  if (w != nullptr && (e.time - w->last() > options_.gap || e.time - w->first > options_.max_window ||
                       w->n == UINT16_MAX)) {
    End(*w);
    Start(w, key, e.time);  // a new window for the same client, in its slot
  }
  if (w == nullptr) w = Insert(key, e.time);
  ++w->n;
  if (e.time > w->last()) w->last_ms = uint32_t(e.time - w->first);
  w->errors += e.status >= 400;
  w->posts += e.post;
  w->statics += e.is_static;
  w->apps += e.app;
  w->user_agents |= uint64_t(1) << ((e.user_agent_hash >> 7) & 63);
  // Misra-Gries over two counters: a path asked for more than a third of
  // the time keeps one, within n/3 of its count.
  const uint16_t path = uint16_t(e.path_hash >> 16);
  if (w->top_count[0] != 0 && w->top_path[0] == path) {
    ++w->top_count[0];
  } else if (w->top_count[1] != 0 && w->top_path[1] == path) {
    ++w->top_count[1];
  } else if (w->top_count[0] == 0 || w->top_count[1] == 0) {
    const int i = w->top_count[0] == 0 ? 0 : 1;
    w->top_path[i] = path;
    w->top_count[i] = 1;
  } else {
    --w->top_count[0];
    --w->top_count[1];
  }
  if (e.referrer_hash != 0) {
    // A referring site is judged when the window first comes from it.
    const uint32_t referrer = e.referrer_hash;
    if (referrer != w->last_referrer) {
      const bool rare = baseline_.CountReferrer(referrer) < kRareBelow &&
                        baseline_.referrer_windows() >= kReferrersKnown;
      w->flags = uint8_t((w->flags & ~kReferrerRare) | (rare ? kReferrerRare : 0));
      w->last_referrer = referrer;
    }
    w->rare_referers += (w->flags & kReferrerRare) != 0;
  }
  w->quiet += baseline_.quiet_now();
  if (w->n != uint32_t(options_.min_requests) << w->next_score) return nullptr;
  ++w->next_score;
  if ((w->flags & kAlerted) != 0 || learning()) return nullptr;
  ++scored_;
  // The score alone first: most windows scored are far below the threshold.
  std::array<double, kBehaviourFeatures> x, z;
  Features(*w, &x);
  const double score = Distances(x, &z);
  if (score < options_.threshold) return nullptr;
  Explain(*w, z, score, &explanation_);
  w->flags |= kAlerted;
  ++alerts_;
  *app_window = w->apps * 2 > w->n;
  return &explanation_;
}

void BehaviourModel::Features(const Window& w, std::array<double, kBehaviourFeatures>* x) const {
  std::array<double, kBehaviourFeatures> median;
  for (int f = 0; f < kBehaviourFeatures; ++f) median[size_t(f)] = baseline_.Median(f);
  auto shrink = [&](int f, double k, double n) { return (k + kPrior * median[size_t(f)]) / (n + kPrior); };
  const double n = w.n;
  (*x)[kRate] = std::min(1.0, std::log2(1 + RateOf(w.n, w.first, w.last())) / kRateScale);
  (*x)[kErrorShare] = shrink(kErrorShare, w.errors, n);
  (*x)[kPostShare] = shrink(kPostShare, w.posts, n);
  (*x)[kTopPathShare] = shrink(kTopPathShare, std::max(w.top_count[0], w.top_count[1]), n);
  (*x)[kStaticShare] = shrink(kStaticShare, w.statics, n);
  (*x)[kUserAgentChurn] = shrink(kUserAgentChurn, NewAgents(w), n - 1);
  (*x)[kRareReferer] =
      baseline_.referrer_windows() >= kReferrersKnown ? shrink(kRareReferer, w.rare_referers, n) : -1;
  (*x)[kQuietHours] = baseline_.KnowsHours() ? shrink(kQuietHours, w.quiet, n) : -1;
}

double BehaviourModel::Distances(const std::array<double, kBehaviourFeatures>& x,
                                 std::array<double, kBehaviourFeatures>* z) const {
  const auto& specs = BehaviourFeatures();
  double sum = 0;
  for (int f = 0; f < kBehaviourFeatures; ++f) {
    double& d = (*z)[size_t(f)];
    d = 0;
    if (x[size_t(f)] < 0) continue;  // not known yet
    const BehaviourFeatureSpec& spec = specs[size_t(f)];
    const double median = baseline_.Median(f);
    const double spread = std::max(1.4826 * baseline_.Mad(f), spec.floor);
    const double away = spec.high_is_unusual ? x[size_t(f)] - median : median - x[size_t(f)];
    d = std::clamp(away / spread, 0.0, kMaxZ);
    sum += d * d;
  }
  return std::sqrt(sum);
}

void BehaviourModel::Explain(const Window& w, const std::array<double, kBehaviourFeatures>& z, double score,
                             AnomalyExplanation* out) const {
  const auto& specs = BehaviourFeatures();
  std::array<AnomalyExplanation::Feature, kBehaviourFeatures> all;
  int count = 0;
  for (int f = 0; f < kBehaviourFeatures; ++f) {
    if (z[size_t(f)] <= 0) continue;
    AnomalyExplanation::Feature& e = all[size_t(count++)];
    e.name = specs[size_t(f)].name;
    e.z = z[size_t(f)];
    const double median = baseline_.Median(f);
    if (f == kRate) {
      e.value = RateOf(w.n, w.first, w.last());
      e.site = std::exp2(median * kRateScale) - 1;
    } else {
      const double top = std::max(w.top_count[0], w.top_count[1]);
      const double k[] = {0, double(w.errors), double(w.posts), top, double(w.statics), NewAgents(w),
                          double(w.rare_referers), double(w.quiet)};
      e.value = f == kUserAgentChurn ? k[f] / std::max(1, w.n - 1) : k[f] / w.n;
      e.site = median;
    }
  }
  for (int i = 1; i < count; ++i) {  // largest first (eight at most)
    for (int k = i; k > 0 && all[size_t(k)].z > all[size_t(k - 1)].z; --k) std::swap(all[size_t(k)], all[size_t(k - 1)]);
  }
  out->score = score;
  out->requests = w.n;
  out->window_s = w.last_ms / kSecond;
  out->count = std::min(count, AnomalyExplanation::kMaxFeatures);
  std::copy(all.begin(), all.begin() + out->count, out->features);
}

}  // namespace defender
