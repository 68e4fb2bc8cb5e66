#include "cli/reorder_buffer.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace defender;

namespace {
// Feeds lines of the given times; returns the times in the order released.
std::vector<LogTime> Replay(ReorderBuffer& b, const std::vector<LogTime>& times) {
  std::vector<LogTime> out;
  auto take = [&](const ReorderBuffer::Line& l) { out.push_back(l.time); };
  for (LogTime t : times) {
    if (b.Hold(t)) {
      LogRecord r;
      r.time = t;
      b.Push(t, "line", r, 0);
      b.Release(false, take);
    } else {
      out.push_back(t);
    }
  }
  b.Release(true, take);
  return out;
}
}  // namespace

TEST_CASE("a log in time order is never held") {
  ReorderBuffer b(600 * kSecond);
  CHECK(Replay(b, {1000, 2000, 2000, 5000}) == std::vector<LogTime>{1000, 2000, 2000, 5000});
  CHECK(b.window() == 0);
}

TEST_CASE("lines out of order are released in time order, within the window learnt") {
  ReorderBuffer b(600 * kSecond);
  // The first late line opens a window of its lateness plus a second; from
  // then on lines come out sorted.
  const std::vector<LogTime> times = {50 * kSecond, 20 * kSecond, 40 * kSecond, 30 * kSecond, 60 * kSecond,
                                      45 * kSecond, 90 * kSecond, 70 * kSecond, 200 * kSecond};
  const std::vector<LogTime> out = Replay(b, times);
  CHECK(out.front() == 50 * kSecond);  // read before any disorder was seen
  CHECK(std::is_sorted(out.begin() + 1, out.end()));
  CHECK(out.size() == times.size());
  CHECK(b.window() == 31 * kSecond);
}

TEST_CASE("the window never exceeds the tolerance") {
  ReorderBuffer b(10 * kSecond);
  Replay(b, {3600 * kSecond, 0, 3600 * kSecond});
  CHECK(b.window() == 10 * kSecond);
}

TEST_CASE("a held line keeps its record, whose text it owns") {
  ReorderBuffer b(600 * kSecond);
  b.Hold(100 * kSecond);
  CHECK(b.Hold(50 * kSecond));
  std::string line = "GET /late";
  std::string scratch = "agent";  // a parser's own buffer, reused for the next line
  LogRecord r;
  r.time = 50 * kSecond;
  r.path = std::string_view(line).substr(4);
  r.user_agent = scratch;
  b.Push(r.time, line, r, 7);
  line = "overwritten";
  scratch = "other";
  int released = 0;
  b.Release(true, [&](const ReorderBuffer::Line& held) {
    ++released;
    CHECK(held.text == "GET /late");
    CHECK(held.record.path == "/late");
    CHECK(held.record.user_agent == "agent");
    CHECK(held.record.time == 50 * kSecond);
    CHECK(held.line_no == 7);
  });
  CHECK(released == 1);
}
