#include "detectors/behaviour_model.h"

#include <doctest/doctest.h>

#include <bit>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "core/hash.h"
#include "detectors/signature_matcher.h"

using namespace defender;

namespace {

constexpr LogTime kStart = 1711843200LL * kSecond;

IpAddress Client(int i) {
  return *IpAddress::Parse("10." + std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." +
                           std::to_string(i % 256));
}

uint32_t Hash(std::string_view s) { return uint32_t(HashBytes(s)); }

// An ordinary visit: pages, assets, the odd POST and 404, one browser, the
// site's own pages as referer.
BehaviourEvent Browse(int client, int k, LogTime t) {
  BehaviourEvent e;
  e.time = t;
  const int kind = (client * 7 + k * 13) % 10;
  e.status = kind == 9 ? 404 : 200;
  e.post = kind == 8;
  e.is_static = kind < 3;
  e.path_hash = Hash("/page/" + std::to_string((client + k * 31) % 500));
  e.user_agent_hash = Hash("Mozilla/5.0 " + std::to_string(client % 40));
  e.referrer_hash = ReferrerHash(kind < 6 ? "https://shop.example/" : "https://www.google.com/");
  return e;
}

// Teaches `model` `clients` ordinary clients of 12 requests each, spread
// over `span`; returns the time after them.
LogTime Teach(BehaviourModel& model, int clients, LogTime start, int first_client = 0) {
  bool app = false;
  LogTime t = start;
  for (int c = first_client; c < first_client + clients; ++c) {
    for (int k = 0; k < 12; ++k) {
      t += 400;
      const AnomalyExplanation* why = model.Observe(Client(c), Browse(c, k, t), &app);
      CHECK(why == nullptr);
    }
  }
  return t;
}

// A slow brute force: the same POST answered 200, every 20 s.
BehaviourEvent BruteForce(LogTime t) {
  BehaviourEvent e;
  e.time = t;
  e.status = 200;
  e.post = true;
  e.path_hash = Hash("/admin/index.php");
  e.user_agent_hash = Hash("python-requests/2.31");
  return e;
}

}  // namespace

TEST_CASE("the baseline's median and MAD are read from its histogram") {
  BehaviourBaseline b;
  for (int i = 0; i < 1000; ++i) {
    std::array<double, kBehaviourFeatures> x;
    x.fill(-1);  // no value: not counted
    x[2] = 0.2 + 0.1 * (i % 3 - 1);  // 0.1, 0.2, 0.3 in turn
    b.Add(x);
  }
  CHECK(b.windows() == 1000);
  CHECK(b.Median(2) == doctest::Approx(0.2).epsilon(0.05));
  CHECK(b.Mad(2) == doctest::Approx(0.1).epsilon(0.1));
  CHECK(b.Median(0) == 0);  // a feature never given
}

TEST_CASE("a baseline reads back whole, and a damaged one is refused and changes nothing") {
  BehaviourBaseline b;
  std::array<double, kBehaviourFeatures> x;
  x.fill(0.25);
  for (int i = 0; i < 50; ++i) b.Add(x);
  b.CountReferrer(12345);
  const std::string blob = b.Serialize();
  BehaviourBaseline copy;
  REQUIRE(copy.Parse(blob).ok());
  CHECK(copy.windows() == 50);
  CHECK(copy.Median(3) == doctest::Approx(b.Median(3)));
  CHECK(copy.Referrers(12345) == 1);

  BehaviourBaseline target;
  CHECK(target.Parse(blob.substr(0, blob.size() - 1)).code() == StatusCode::kInvalid);  // cut short
  CHECK(target.Parse(blob + "x").code() == StatusCode::kInvalid);                        // trailing bytes
  CHECK(target.Parse("garbage").code() == StatusCode::kInvalid);
  std::string nan = blob;
  const double bad = std::numeric_limits<double>::quiet_NaN();
  std::memcpy(nan.data() + 16, &bad, sizeof(bad));  // the first histogram count
  CHECK(target.Parse(nan).code() == StatusCode::kInvalid);
  CHECK(target.windows() == 0);
}

TEST_CASE("a slow brute force against a page answering 200 stands out, explained; ordinary clients do not") {
  BehaviourModel model(BehaviourOptions{});
  // Before the baseline knows the site, nothing is scored.
  bool app = false;
  LogTime t = kStart;
  for (int k = 0; k < 40; ++k) CHECK(model.Observe(Client(900000), BruteForce(t += 20 * kSecond), &app) == nullptr);
  CHECK(model.scored() == 0);
  // 3000 ordinary visits, each ending (and teaching) after the gap.
  t = Teach(model, 3000, t);
  t += model.options().gap + kSecond;
  t = Teach(model, 1000, t, 3000);
  CHECK(model.baseline().windows() >= 3000);
  CHECK(model.alerts() == 0);
  const AnomalyExplanation* why = nullptr;
  int requests = 0;
  while (why == nullptr && requests < 200) {
    why = model.Observe(Client(900001), BruteForce(t += 20 * kSecond), &app);
    ++requests;
  }
  REQUIRE(why != nullptr);
  CHECK(requests <= 20);
  CHECK(why->score >= model.options().threshold);
  CHECK(why->requests == uint32_t(requests));
  REQUIRE(why->count >= 2);
  const std::string_view first = why->features[0].name, second = why->features[1].name;
  CHECK((first == "post_share" || first == "top_path_share"));
  CHECK((second == "post_share" || second == "top_path_share"));
  CHECK(why->features[0].value == doctest::Approx(1.0));
  CHECK(why->features[0].site < 0.5);
  CHECK_FALSE(app);
  // One alert a window.
  for (int k = 0; k < 100; ++k) CHECK(model.Observe(Client(900001), BruteForce(t += 20 * kSecond), &app) == nullptr);
  CHECK(model.alerts() == 1);
}

TEST_CASE("the model's table stays within its cap, and the windows and baseline survive a save") {
  BehaviourOptions o;
  o.max_clients = 5000;
  BehaviourModel model(o);
  bool app = false;
  LogTime t = kStart;
  for (int c = 0; c < 50000; ++c) model.Observe(Client(c), Browse(c, 0, t += 10), &app);
  CHECK(model.clients() <= std::bit_ceil(2 * o.max_clients) / 4 * 3);  // a flood: up to 3/4 of the table
  CHECK(model.evictions() > 0);

  BehaviourModel small(BehaviourOptions{});
  for (int k = 0; k < 3; ++k) small.Observe(Client(7), BruteForce(t += 20 * kSecond), &app);
  const std::string blob = small.Serialize();
  BehaviourModel restored(BehaviourOptions{});
  REQUIRE(restored.Parse(blob).ok());
  CHECK(restored.clients() == 1);
  CHECK(restored.Serialize() == blob);
  // A window that does not add up is refused, and nothing is taken.
  std::string bad = blob;
  bad[bad.size() - 64 + 42] = char(0xff);  // the window's errors (after key, times, referrer, agents, n) > n
  bad[bad.size() - 64 + 43] = char(0xff);
  BehaviourModel other(BehaviourOptions{});
  CHECK(other.Parse(bad).code() == StatusCode::kInvalid);
  CHECK(other.clients() == 0);
  CHECK(other.Parse(blob.substr(0, blob.size() - 1)).code() == StatusCode::kInvalid);
  // So is a window started at a time no log can hold (a damaged state file):
  // the next line of its client would compute its age past what 64 bits hold.
  for (LogTime first : {std::numeric_limits<LogTime>::min() + 5, std::numeric_limits<LogTime>::max() - 5}) {
    std::string far = blob;
    std::memcpy(far.data() + far.size() - 64 + 16, &first, 8);  // the window's first, after its key
    CHECK(other.Parse(far).code() == StatusCode::kInvalid);
    CHECK(other.clients() == 0);
  }
}

TEST_CASE("a saved model with any byte changed is refused or works: never a crash") {
  BehaviourModel model(BehaviourOptions{});
  LogTime t = Teach(model, 100, kStart);
  bool app = false;
  for (int k = 0; k < 7; ++k) model.Observe(Client(7), BruteForce(t += 20 * kSecond), &app);
  const std::string blob = model.Serialize();
  uint64_t state = 12345;
  auto next = [&] { return state = state * 6364136223846793005ull + 1442695040888963407ull; };
  int accepted = 0;
  for (int i = 0; i < 600; ++i) {
    std::string changed = blob;
    // Mostly the headers, the baseline's first counts and the windows at the end.
    const size_t at = i % 3 == 0 ? next() % 64 : i % 3 == 1 ? next() % changed.size() : changed.size() - 1 - next() % 1024;
    changed[at] = char(next() >> 56);
    BehaviourModel restored(BehaviourOptions{});
    if (!restored.Parse(changed).ok()) {
      CHECK(restored.clients() == 0);
      continue;
    }
    ++accepted;
    for (int k = 0; k < 12; ++k) restored.Observe(Client(k % 3 + 6), BruteForce(t + k * 20 * kSecond), &app);
    (void)restored.Serialize();
  }
  CHECK(accepted > 0);  // most single-byte changes are to counts, which are still sane
}

TEST_CASE("a reloaded model keeps what the old one learned and follows, within its own cap") {
  BehaviourOptions long_windows;
  long_windows.gap = 24 * 3600 * kSecond;
  long_windows.max_window = 48 * 3600 * kSecond;
  long_windows.warmup_windows = 0;
  BehaviourModel old(long_windows);
  LogTime t = Teach(old, 3000, kStart);  // 3000 windows still open
  bool app = false;
  for (int k = 0; k < 3; ++k) old.Observe(Client(900002), BruteForce(t += 20 * kSecond), &app);
  REQUIRE(old.clients() == 3001);

  BehaviourOptions o = long_windows;
  o.threshold = 8;
  o.max_clients = 200;  // the least: 2048 windows
  BehaviourModel reloaded(o);
  reloaded.Adopt(std::move(old));
  CHECK(reloaded.options().threshold == 8);
  CHECK(reloaded.clients() <= 2048);
  CHECK(reloaded.evictions() >= 3001 - 2048);
  CHECK(reloaded.baseline().windows() >= 3001 - 2048);  // the windows that ended taught it
  // The newest windows stayed: the brute force's goes on, and two more
  // requests make the 5 at which it is scored.
  const uint64_t scored = reloaded.scored();
  for (int k = 0; k < 2; ++k) reloaded.Observe(Client(900002), BruteForce(t += 20 * kSecond), &app);
  CHECK(reloaded.scored() == scored + 1);
}

// (A line dated ahead of the machine's clock never reaches the model: the
// pipeline leaves it out.)
TEST_CASE("the hour profile knows the site's hours only after following 36 of them, whatever a line's date") {
  BehaviourBaseline b;
  const LogTime hour = 3600 * kSecond;
  b.CountHour(-50000LL * 24 * hour);  // a line dated in the year 400: before 1970
  b.CountHour(kStart);
  CHECK_FALSE(b.KnowsHours());
  for (int h = 0; h < 35; ++h) b.CountHour(kStart + h * hour + 1);
  CHECK_FALSE(b.KnowsHours());
  for (int h = 35; h < 40; ++h) b.CountHour(kStart + h * hour + 1);
  CHECK(b.KnowsHours());
  CHECK_FALSE(b.QuietHour(-7 * hour - 1));  // any time has an hour of the day
}

TEST_CASE("a referring site is its host, whatever the page") {
  CHECK(ReferrerHash("https://best-seo.example/") == ReferrerHash("http://best-seo.example/page?x=1#y"));
  CHECK(ReferrerHash("https://best-seo.example/") != ReferrerHash("https://shop.example/"));
  CHECK(ReferrerHash("android-app://com.google.android.gm/") == ReferrerHash("android-app://com.google.android.gm/x"));
  CHECK(ReferrerHash("not a url") != 0);
}
