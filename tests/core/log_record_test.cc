#include "core/log_record.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

using namespace defender;

TEST_CASE("a record copied with its line points only into the copy") {
  std::string line = "1.2.3.4 GET /a?b=1 HTTP/1.1";
  std::string scratch = "decoded agent";  // what a parser unescaped into its own buffer
  LogRecord r;
  r.time = 42;
  r.request = std::string_view(line).substr(8);
  r.method = std::string_view(line).substr(8, 3);
  r.path = std::string_view(line).substr(12, 2);
  r.query = std::string_view(line).substr(15, 3);
  r.user_agent = scratch;
  r.referer = std::string_view(line).substr(0, 0);  // empty, pointing anywhere

  const size_t size = RecordTextSize(line, r);
  CHECK(size == line.size() + scratch.size());
  auto dest = std::make_unique<char[]>(size);
  const std::string_view copy = CopyRecordText(line, &r, dest.get());
  CHECK(copy == line);
  CHECK(copy.data() == dest.get());
  // The originals change; the record still reads the same text.
  line.assign(line.size(), 'x');
  scratch.assign(scratch.size(), 'y');
  CHECK(r.request == "GET /a?b=1 HTTP/1.1");
  CHECK(r.method == "GET");
  CHECK(r.path == "/a");
  CHECK(r.query == "b=1");
  CHECK(r.user_agent == "decoded agent");
  CHECK(r.user_agent.data() == dest.get() + copy.size());
  CHECK(r.referer.empty());
  CHECK(r.time == 42);
}

TEST_CASE("a field that only starts inside the line is copied whole") {
  const std::string buffer = "abcdefXYZ";
  const std::string_view line = std::string_view(buffer).substr(0, 6);
  LogRecord r;
  r.host = std::string_view(buffer).substr(4);  // "efXYZ": runs past the line's end
  const size_t size = RecordTextSize(line, r);
  CHECK(size == 6 + 5);
  auto dest = std::make_unique<char[]>(size);
  CopyRecordText(line, &r, dest.get());
  CHECK(r.host == "efXYZ");
  CHECK(r.host.data() == dest.get() + 6);
}

TEST_CASE("a cleared record is a new one, whatever it held") {
  std::string line = "GET / HTTP/1.1";
  LogRecord r;
  r.client = *IpAddress::Parse("192.0.2.9");
  r.time = 42;
  r.has_time = true;
  r.kind = EventKind::kLimitReq;
  r.status = 404;
  r.bytes = 12;
  r.request_time_ms = 7;
  r.request = line;
  r.sender = line;
  ClearRecord(&r);
  const LogRecord fresh;
  CHECK(r.client == fresh.client);
  CHECK(r.time == 0);
  CHECK_FALSE(r.has_time);
  CHECK(r.kind == EventKind::kRequest);
  CHECK(r.status == 0);
  CHECK(r.bytes == -1);
  CHECK(r.request_time_ms == -1);
  CHECK(r.request.empty());
  CHECK(r.sender.empty());
}
