// Log time: milliseconds since the Unix epoch, UTC. Parsers for the time
// variables nginx writes ($time_local, $time_iso8601, $msec, and the error
// log's local "YYYY/MM/DD HH:MM:SS") and the one formatter used for output.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace defender {

using LogTime = int64_t;  // ms since 1970-01-01T00:00:00Z
constexpr LogTime kSecond = 1000;

// A time within 2^60 ms (36 million years) of 1970: every time the
// parsers give (12-digit $msec seconds reach year 33658) and every ban's end
// (the longest duration ParseDuration gives, 999999999d, after the latest
// line), yet far enough from the limits of 64 bits that sums and
// differences of two such times cannot overflow. A time read back from a
// saved state that is not is damage.
constexpr LogTime kTimeLimit = LogTime(1) << 60;
constexpr bool PlausibleLogTime(LogTime t) { return t >= -kTimeLimit && t <= kTimeLimit; }

// "10/Oct/2000:13:55:36 -0700"
std::optional<LogTime> ParseTimeLocal(std::string_view s);
// "2000-10-10T13:55:36-07:00", "+00:00" or "Z", optional ".fff" fraction.
std::optional<LogTime> ParseTimeIso8601(std::string_view s);
// "971211336.123" (seconds with optional fraction).
std::optional<LogTime> ParseTimeMsec(std::string_view s);
// "2000/10/10 13:55:36" in the machine's local time zone (nginx error log).
std::optional<LogTime> ParseErrorLogTime(std::string_view s);

// "500ms", "10s", "5m", "4h", "7d" or plain seconds, in ms; nullopt otherwise.
std::optional<LogTime> ParseDuration(std::string_view text);

// Days since the epoch of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

// "2000-10-10T20:55:36Z" (whole seconds; the schema's @timestamp).
void AppendIso8601(fmt::memory_buffer& out, LogTime t);
std::string FormatIso8601(LogTime t);

// This machine's clock, as a LogTime.
LogTime WallClock();

}  // namespace defender
