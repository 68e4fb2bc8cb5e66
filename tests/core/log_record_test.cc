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
