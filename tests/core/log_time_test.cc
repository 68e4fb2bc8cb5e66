#include "core/log_time.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("time_local with its offset is converted to UTC") {
  CHECK(FormatIso8601(*ParseTimeLocal("10/Oct/2000:13:55:36 -0700")) == "2000-10-10T20:55:36Z");
  CHECK(FormatIso8601(*ParseTimeLocal("31/Mar/2024:01:00:00 +0200")) == "2024-03-30T23:00:00Z");
  CHECK(*ParseTimeLocal("01/Jan/1970:00:00:00 +0000") == 0);
}

TEST_CASE("time_iso8601 and msec are read") {
  CHECK(FormatIso8601(*ParseTimeIso8601("2000-10-10T13:55:36-07:00")) == "2000-10-10T20:55:36Z");
  CHECK(*ParseTimeIso8601("2024-02-29T00:00:00Z") == *ParseTimeLocal("29/Feb/2024:00:00:00 +0000"));
  CHECK(*ParseTimeIso8601("1970-01-01T00:00:01.250+00:00") == 1250);
  CHECK(*ParseTimeMsec("1711846800.123") == 1711846800123);
}

TEST_CASE("malformed times are refused") {
  CHECK(!ParseTimeLocal("10/Foo/2000:13:55:36 -0700"));
  CHECK(!ParseTimeLocal("10/Oct/2000:13:55:36"));
  CHECK(!ParseTimeLocal("10/Oct/2000:25:55:36 -0700"));
  CHECK(!ParseTimeIso8601("2000-13-10T13:55:36Z"));
  CHECK(!ParseTimeIso8601("2000-10-10T13:55:36"));
  CHECK(!ParseTimeMsec("12a.5"));
  CHECK(!ParseTimeMsec(""));
}

TEST_CASE("absurdly long numbers are refused, not overflowed") {
  CHECK(!ParseTimeMsec("99999999999999999999.5"));
  CHECK(!ParseTimeMsec("9999999999999"));
}
