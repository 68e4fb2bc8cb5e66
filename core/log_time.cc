#include "core/log_time.h"

#include <chrono>
#include <ctime>

namespace defender {

namespace {

// Reads exactly n decimal digits at s[pos]; nullopt if any is not a digit.
std::optional<int> Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::optional<LogTime> Compose(int y, int mon, int d, int h, int mi, int sec, int offset_s) {
  if (mon < 1 || mon > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  int64_t days = DaysFromCivil(y, unsigned(mon), unsigned(d));
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_s;
  return secs * kSecond;
}

int MonthFromAbbrev(std::string_view m) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (m == kMonths[i]) return i + 1;
  }
  return 0;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

std::optional<LogTime> ParseTimeLocal(std::string_view s) {
  // 0123456789012345678901234
  // 10/Oct/2000:13:55:36 -0700
  if (s.size() != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' ||
      s[17] != ':' || s[20] != ' ' || (s[21] != '+' && s[21] != '-')) {
    return std::nullopt;
  }
  auto d = Digits(s, 0, 2), y = Digits(s, 7, 4), h = Digits(s, 12, 2), mi = Digits(s, 15, 2),
       sec = Digits(s, 18, 2), oh = Digits(s, 22, 2), om = Digits(s, 24, 2);
  int mon = MonthFromAbbrev(s.substr(3, 3));
  if (!d || !y || !h || !mi || !sec || !oh || !om || mon == 0) return std::nullopt;
  int offset = (*oh * 3600 + *om * 60) * (s[21] == '-' ? -1 : 1);
  return Compose(*y, mon, *d, *h, *mi, *sec, offset);
}

std::optional<LogTime> ParseTimeIso8601(std::string_view s) {
  // 2000-10-10T13:55:36+00:00
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  auto y = Digits(s, 0, 4), mon = Digits(s, 5, 2), d = Digits(s, 8, 2), h = Digits(s, 11, 2),
       mi = Digits(s, 14, 2), sec = Digits(s, 17, 2);
  if (!y || !mon || !d || !h || !mi || !sec) return std::nullopt;
  size_t pos = 19;
  int ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  int offset = 0;
  std::string_view zone = s.substr(pos);
  if (zone == "Z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    auto oh = Digits(zone, 1, 2), om = Digits(zone, 4, 2);
    if (!oh || !om) return std::nullopt;
    offset = (*oh * 3600 + *om * 60) * (zone[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  auto t = Compose(*y, *mon, *d, *h, *mi, *sec, offset);
  if (!t) return std::nullopt;
  return *t + ms;
}

std::optional<LogTime> ParseTimeMsec(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  int64_t secs = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] != '.'; ++i) {
    if (s[i] < '0' || s[i] > '9' || i >= 12) return std::nullopt;  // 12 digits: year 33658
    secs = secs * 10 + (s[i] - '0');
  }
  if (i == 0) return std::nullopt;
  int ms = 0;
  if (i < s.size()) {
    int scale = 100;
    for (++i; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      ms += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  return secs * kSecond + ms;
}

std::optional<LogTime> ParseErrorLogTime(std::string_view s) {
  // 2000/10/10 13:55:36
  if (s.size() != 19 || s[4] != '/' || s[7] != '/' || s[10] != ' ' || s[13] != ':' ||
      s[16] != ':') {
    return std::nullopt;
  }
  auto y = Digits(s, 0, 4), mon = Digits(s, 5, 2), d = Digits(s, 8, 2), h = Digits(s, 11, 2),
       mi = Digits(s, 14, 2), sec = Digits(s, 17, 2);
  if (!y || !mon || !d || !h || !mi || !sec) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *y - 1900;
  tm.tm_mon = *mon - 1;
  tm.tm_mday = *d;
  tm.tm_hour = *h;
  tm.tm_min = *mi;
  tm.tm_sec = *sec;
  tm.tm_isdst = -1;
  time_t t = mktime(&tm);
  if (t == time_t(-1)) return std::nullopt;
  return int64_t(t) * kSecond;
}

void AppendIso8601(fmt::memory_buffer& out, LogTime t) {
  int64_t secs = t >= 0 ? t / kSecond : (t - kSecond + 1) / kSecond;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  // civil_from_days
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = int64_t(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d,
                 rem / 3600, rem / 60 % 60, rem % 60);
}

std::string FormatIso8601(LogTime t) {
  fmt::memory_buffer out;
  AppendIso8601(out, t);
  return fmt::to_string(out);
}

std::optional<LogTime> ParseDuration(std::string_view s) {
  size_t i = 0;
  int64_t n = 0;
  while (i < s.size() && i <= 9 && s[i] >= '0' && s[i] <= '9') n = n * 10 + (s[i++] - '0');
  if (i == 0 || i > 9) return std::nullopt;  // so that days in ms fit in int64
  std::string_view unit = s.substr(i);
  if (unit.empty() || unit == "s") return n * kSecond;
  if (unit == "ms") return n;
  if (unit == "m") return n * 60 * kSecond;
  if (unit == "h") return n * 3600 * kSecond;
  if (unit == "d") return n * 86400 * kSecond;
  return std::nullopt;
}

LogTime WallClock() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace defender
