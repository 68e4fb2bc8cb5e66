#include "detectors/client_table.h"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <utility>

using namespace defender;

namespace {
BucketSettings Bucket(int capacity, LogTime leak, LogTime blackhole = 0) {
  BucketSettings s;
  s.capacity = capacity;
  s.leak = leak;
  s.blackhole = blackhole;
  return s;
}
const IpAddress kClient = *IpAddress::Parse("198.51.100.7");
}  // namespace

TEST_CASE("the event that finds no token overflows: capacity C alerts on event C+1") {
  ClientTable t(1000);
  BucketSettings s = Bucket(4, 5 * kSecond);
  for (int i = 1; i <= 4; ++i) CHECK(!t.Pour(kClient, 0, s, 1000, 0).overflow);
  auto r = t.Pour(kClient, 0, s, 1000, 0);
  CHECK(r.overflow);
  CHECK(r.poured == 5);
}

TEST_CASE("tokens come back one per leak period") {
  ClientTable t(1000);
  BucketSettings s = Bucket(2, 10 * kSecond);
  CHECK(!t.Pour(kClient, 0, s, 0, 0).overflow);
  CHECK(!t.Pour(kClient, 0, s, 0, 0).overflow);
  CHECK(!t.Pour(kClient, 0, s, 10 * kSecond, 0).overflow);  // one token regained
  CHECK(t.Pour(kClient, 0, s, 10 * kSecond + 1, 0).overflow);
}

TEST_CASE("an event older than the bucket's last one counts at the bucket's time, never as a burst") {
  ClientTable t(1000);
  BucketSettings s = Bucket(2, 10 * kSecond);
  CHECK(!t.Pour(kClient, 0, s, 100 * kSecond, 0).overflow);
  // 30 s earlier: at its own time it would find the bucket two tokens short.
  CHECK(!t.Pour(kClient, 0, s, 70 * kSecond, 0).overflow);
  // Counted at 100 s, it took the second token: a third event at 100 s overflows.
  CHECK(t.Pour(kClient, 0, s, 100 * kSecond, 0).overflow);
}

TEST_CASE("capacity 0 is a trigger") {
  ClientTable t(1000);
  CHECK(t.Pour(kClient, 0, Bucket(0, kSecond), 0, 0).overflow);
}

TEST_CASE("distinct values are counted once") {
  ClientTable t(1000);
  BucketSettings s = Bucket(2, 60 * kSecond);
  for (int i = 0; i < 10; ++i) CHECK(!t.Pour(kClient, 0, s, 0, 42).overflow);
  CHECK(!t.Pour(kClient, 0, s, 0, 43).overflow);
  CHECK(t.Pour(kClient, 0, s, 0, 44).overflow);
}

TEST_CASE("a bucket remembers its first and its last 256 distinct values: a repeat of one is not counted") {
  // It kept the first 257 and counted every repeat of a later value: a
  // client that had asked for 300 pages was counted at each reload of the
  // last one, and banned for pages it had asked for already.
  ClientTable t(1000);
  const BucketSettings s = Bucket(100000, 3600 * kSecond);
  for (uint32_t v = 1; v <= 1000; ++v) REQUIRE(t.Pour(kClient, 0, s, 0, v).counted);
  for (int i = 0; i < 50; ++i) {
    CHECK(!t.Pour(kClient, 0, s, 0, 1000).counted);
    CHECK(!t.Pour(kClient, 0, s, 0, 1000 - 255).counted);
    CHECK(!t.Pour(kClient, 0, s, 0, 1).counted);
  }
  CHECK(t.Pour(kClient, 0, s, 0, 500).poured == 1001);  // forgotten: counted again
  // Saved and restored (--state), it remembers the same ones.
  ClientTable restored(1000);
  t.ForEach([&](const IpAddress& c, uint16_t scenario, const LeakyBucket& b, const std::vector<uint32_t>& distinct) {
    restored.Restore(c, scenario, b, distinct);
  });
  CHECK(!restored.Pour(kClient, 0, s, 0, 500).counted);
  CHECK(!restored.Pour(kClient, 0, s, 0, 1000).counted);
  CHECK(!restored.Pour(kClient, 0, s, 0, 1000 - 254).counted);
  CHECK(!restored.Pour(kClient, 0, s, 0, 1).counted);
  CHECK(restored.Pour(kClient, 0, s, 0, 1000 - 255).counted);  // pushed out by 500
}

TEST_CASE("after an alert the blackhole keeps the client quiet, then counting starts over") {
  ClientTable t(1000);
  BucketSettings s = Bucket(0, kSecond, 60 * kSecond);
  CHECK(t.Pour(kClient, 0, s, 0, 0).overflow);
  CHECK(!t.Pour(kClient, 0, s, 30 * kSecond, 0).overflow);
  CHECK(!t.Pour(kClient, 0, s, 30 * kSecond, 0).counted);
  CHECK(t.Pour(kClient, 0, s, 61 * kSecond, 0).overflow);
}

TEST_CASE("buckets of different clients and scenarios are separate") {
  ClientTable t(1000);
  BucketSettings s = Bucket(1, 60 * kSecond);
  IpAddress other = *IpAddress::Parse("198.51.100.8");
  CHECK(!t.Pour(kClient, 0, s, 0, 0).overflow);
  CHECK(!t.Pour(other, 0, s, 0, 0).overflow);
  CHECK(!t.Pour(kClient, 1, s, 0, 0).overflow);
  CHECK(t.Pour(kClient, 0, s, 0, 0).overflow);
}

TEST_CASE("the table stays under its cap, evicting the buckets that drain soonest first") {
  ClientTable t(10000);
  BucketSettings s = Bucket(5, 3600 * kSecond);  // nothing drains during the test
  for (uint32_t i = 0; i < 100000; ++i) {
    LogTime now = LogTime(i) * 10;
    t.Pour(IpAddress::FromV4(0x0b000000u + i), 0, s, now, 0);
    REQUIRE(t.size() <= t.max_buckets());
  }
  CHECK(t.evictions() >= 90000 - 10000);
  // The newest client is still there: its second event does not start over.
  IpAddress newest = IpAddress::FromV4(0x0b000000u + 99999);
  CHECK(t.Pour(newest, 0, s, 1000000, 0).poured == 2);
}

TEST_CASE("a bucket has drained once every token is back and its blackhole is over") {
  BucketSettings s = Bucket(3, kSecond);
  LeakyBucket b;
  b.Start(0);
  CHECK(b.Drained(0));  // full from the start
  b.Pour(0, s);
  b.Pour(500, s);  // half a token back, one more gone: 1.5 short from 500 ms on
  CHECK(!b.Drained(1999));
  CHECK(b.Drained(2000));
  b.blackhole_until = 60 * kSecond;
  b.Start(1000);
  CHECK(!b.Drained(60 * kSecond - 1));
  CHECK(b.Drained(60 * kSecond));
}

TEST_CASE("sweeps forget the buckets that have drained and keep the others") {
  ClientTable t(1'000'000);
  const BucketSettings quick = Bucket(5, kSecond), slow = Bucket(5, 3600 * kSecond);
  for (uint32_t i = 0; i < 5000; ++i) t.Pour(IpAddress::FromV4(0x0b000000u + i), 0, i % 2 ? quick : slow, 0, 0);
  t.Sweep(11 * kSecond);
  CHECK(t.size() == 2500);
  // A slow client kept its count; a quick one starts over.
  CHECK(t.Pour(IpAddress::FromV4(0x0b000000u), 0, slow, 11 * kSecond, 0).poured == 2);
  CHECK(t.Pour(IpAddress::FromV4(0x0b000001u), 0, quick, 11 * kSecond, 0).poured == 1);
}

TEST_CASE("under pressure a slow bucket outlives many quick ones seen after it") {
  ClientTable t(10000);
  const BucketSettings slow = Bucket(5, 3600 * kSecond), quick = Bucket(5, 60 * kSecond);
  const IpAddress patient = *IpAddress::Parse("203.0.113.9");
  t.Pour(patient, 1, slow, 0, 0);  // drains in an hour
  for (uint32_t i = 0; i < 30000; ++i) {
    t.Pour(IpAddress::FromV4(0x0b000000u + i), 0, quick, LogTime(i), 0);  // each in a minute
  }
  REQUIRE(t.evictions() > 0);
  CHECK(t.Pour(patient, 1, slow, 30000, 0).poured == 2);
}

TEST_CASE("at the cap the table is at most 25/32 full, so it never doubles past what the cap needs") {
  CHECK(ClientTable(1'600'000).max_buckets() == 1'600'000);
  ClientTable t(1000);
  const BucketSettings s = Bucket(5, 3600 * kSecond);
  for (uint32_t i = 0; i < 5000; ++i) t.Pour(IpAddress::FromV4(0x0b000000u + i), 0, s, 0, 0);
  CHECK(t.size() <= 1000);
  CHECK(t.slots() == 2048);  // 1000 buckets need 1280 slots at 25/32
}

TEST_CASE("a table refilled with short-lived buckets sweeps them instead of growing") {
  ClientTable t(1'000'000);
  const BucketSettings s = Bucket(5, kSecond);  // a single event drains in a second
  const size_t first = t.slots();
  for (uint32_t i = 0; i < 100000; ++i) {
    CHECK(!t.Pour(IpAddress::FromV4(0x0b000000u + i), 0, s, LogTime(i) * 100, 0).overflow);
  }
  CHECK(t.slots() == first);  // about 10 buckets hold anything at any time
  CHECK(t.evictions() == 0);
}

TEST_CASE("every bucket is still found after sweeps have moved the slots after the dropped ones back") {
  ClientTable t(1'000'000);
  const BucketSettings quick = Bucket(5, kSecond), slow = Bucket(5, 3600 * kSecond);
  // Many scenarios of few clients, so probes run long and sweeps shift a lot.
  for (uint16_t sc = 0; sc < 60; ++sc) {
    for (uint32_t i = 0; i < 300; ++i) t.Pour(IpAddress::FromV4(0x0b000000u + i), sc, sc % 3 ? quick : slow, 0, 0);
  }
  t.Sweep(2 * kSecond);
  CHECK(t.size() == 20 * 300);
  for (uint16_t sc = 0; sc < 60; sc += 3) {
    for (uint32_t i = 0; i < 300; ++i) {
      REQUIRE(t.Pour(IpAddress::FromV4(0x0b000000u + i), sc, slow, 2 * kSecond, 0).poured == 2);
    }
  }
  size_t seen = 0;
  t.ForEach([&](const IpAddress&, uint16_t sc, const LeakyBucket& b, const std::vector<uint32_t>&) {
    CHECK(sc % 3 == 0);
    CHECK(b.poured == 2);
    ++seen;
  });
  CHECK(seen == 20 * 300);
}

TEST_CASE("after any number of sweeps, every pour counts what a plain map of buckets counts") {
  // A small table, so that its slots wrap round and sweeps move keys often.
  ClientTable t(1000);
  std::map<std::pair<uint32_t, uint16_t>, LeakyBucket> model;
  BucketSettings settings[3] = {Bucket(3, kSecond, 10 * kSecond), Bucket(5, 10 * kSecond), Bucket(20, 60 * kSecond)};
  std::mt19937 random(7);
  LogTime now = 0;
  for (int n = 0; n < 200000; ++n) {
    now += LogTime(random() % 200);
    const uint32_t client = random() % 300;
    const uint16_t scenario = uint16_t(random() % 3);
    const BucketSettings& s = settings[scenario];
    LeakyBucket& b = model[{client, scenario}];
    bool counted = now >= b.blackhole_until, overflow = false;
    if (counted) {
      if (b.Drained(now)) b.Start(now);
      overflow = b.Pour(now, s);
    }
    const uint32_t poured = b.poured;
    if (overflow) {
      b.blackhole_until = now + s.blackhole;
      b.Start(now);
    }
    const auto got = t.Pour(IpAddress::FromV4(0x0b000000u + client), scenario, s, now, 0);
    REQUIRE(got.counted == counted);
    REQUIRE(got.overflow == overflow);
    if (counted) REQUIRE(got.poured == poured);
    if (n % 50 == 0) t.Sweep(now);
  }
  CHECK(t.evictions() == 0);
}

TEST_CASE("a flood of new clients within one log second keeps probe runs short at the cap") {
  // Every bucket drains at the same time, so eviction cannot choose by
  // time: it must still spread over the table, or the slots it does not
  // reach fill up into one long run that every probe crosses.
  ClientTable t(20000);
  BucketSettings s = Bucket(10, 5 * kSecond);
  for (uint32_t i = 0; i < 400000; ++i) {
    IpAddress a = IpAddress::FromBytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, uint8_t(11 + (i >> 24)),
                                        uint8_t(i >> 16), uint8_t(i >> 8), uint8_t(i)});
    t.Pour(a, 0, s, 1000 * kSecond, 0);
  }
  CHECK(t.evictions() > 300000);
  CHECK(t.size() <= 20000);
  MESSAGE("longest run ", t.LongestRun(), " of ", t.slots(), " slots");
  CHECK(t.LongestRun() < t.slots() / 32);
}

TEST_CASE("the largest cap the configuration takes makes a table at once, which grows as used") {
  // Its slots are mapped for the cap from the start (2^31 of 64 bytes): that
  // must not need the memory itself (a bad_alloc on start-up with
  // max_buckets: 1000000000 once).
  ClientTable t(1'000'000'000);
  BucketSettings s = Bucket(2, 10 * kSecond);
  for (uint32_t i = 0; i < 5000; ++i) {
    CHECK(!t.Pour(IpAddress::FromV4(0x0a000000 + i), 0, s, 0, 0).overflow);
  }
  CHECK(t.size() == 5000);
  CHECK(t.Pour(IpAddress::FromV4(0x0a000000), 0, s, 0, 0).overflow == false);
  CHECK(t.Pour(IpAddress::FromV4(0x0a000000), 0, s, 0, 0).overflow);
}
