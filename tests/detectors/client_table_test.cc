#include "detectors/client_table.h"

#include <doctest/doctest.h>

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

TEST_CASE("the table stays under its cap, evicting the least recently seen first") {
  ClientTable t(10000);
  BucketSettings s = Bucket(5, 3600 * kSecond);  // nothing drains during the test
  std::vector<const BucketSettings*> settings = {&s};
  for (uint32_t i = 0; i < 100000; ++i) {
    LogTime now = LogTime(i) * 10;
    t.Pour(IpAddress::FromV4(0x0b000000u + i), 0, s, now, 0);
    t.Maintain(now, settings);
    REQUIRE(t.size() <= t.max_buckets());
  }
  CHECK(t.evictions() >= 90000 - 10000);
  // The newest client is still there: its second event does not start over.
  IpAddress newest = IpAddress::FromV4(0x0b000000u + 99999);
  CHECK(t.Pour(newest, 0, s, 1000000, 0).poured == 2);
}
