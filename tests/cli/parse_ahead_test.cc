#include "cli/parse_ahead.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "parsers/presets.h"
#include "sources/input.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::Must;
using defender::testing::TempDir;
using defender::testing::WriteFile;

namespace {

std::unique_ptr<LineReader> Reader(const std::string& path, uint64_t offset = 0, size_t max_line = 4096) {
  OpenedInput in;
  InputOptions options;
  options.start_offset = offset;
  Status s = OpenInput(path, options, &in);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return std::make_unique<LineReader>(std::move(in.source), max_line);
}

// A JSON log: its parser unescapes into a buffer of its own, reused for
// every line, so each record must carry copies.
std::string JsonLine(int i) {
  return fmt::format(R"({{"remote_addr":"10.0.{}.{}","time_iso8601":"2024-03-31T01:00:00+00:00",)"
                     R"("request":"GET /p{} HTTP/1.1","status":200,"http_user_agent":"agent \"{}\""}})",
                     i / 256 % 256, i % 256, i, i);
}

}  // namespace

TEST_CASE("lines come out in order, parsed, with records that outlive the parser's buffers") {
  TempDir dir;
  std::string log;
  const int n = 5000;  // several batches
  for (int i = 0; i < n; ++i) {
    log += JsonLine(i) + "\n";
    if (i == 100) log += "not json\n";
    if (i == 200) log += std::string(5000, 'x') + "\n";  // over max_line: counted by the reader
  }
  WriteFile(dir.File("a.log"), log);
  auto reader = Reader(dir.File("a.log"));
  ParseAhead ahead(reader.get(), Must(NewParser("json")));
  int i = 0;
  uint64_t offset = 0;
  while (const ParsedLine* line = ahead.Next()) {
    if (line->text == "not json") {
      CHECK(line->reject == Reject::kFormatMismatch);
      continue;
    }
    REQUIRE(line->reject == Reject::kNone);
    CHECK(line->text == JsonLine(i));
    CHECK(line->record.path == fmt::format("/p{}", i));
    CHECK(line->record.user_agent == fmt::format("agent \"{}\"", i));
    CHECK(line->record.client.ToString() == fmt::format("10.0.{}.{}", i / 256 % 256, i % 256));
    CHECK(line->end_offset > offset);
    CHECK(ahead.consumed_offset() == line->end_offset);
    offset = line->end_offset;
    ++i;
  }
  CHECK(i == n);
  CHECK(offset == log.size());
  CHECK(reader->too_long() == 1);
  CHECK(reader->status().ok());
  CHECK(ahead.Next() == nullptr);  // stays over
}

TEST_CASE("stopped midway, the run goes on later from the line after the last one taken") {
  TempDir dir;
  std::string log;
  for (int i = 0; i < 20000; ++i) log += fmt::format("192.0.2.1 line {}\n", i);
  WriteFile(dir.File("a.log"), log);
  auto reader = Reader(dir.File("a.log"));
  ParseAhead ahead(reader.get(), Must(NewParser("$remote_addr $request")));
  for (int i = 0; i < 1500; ++i) REQUIRE(ahead.Next() != nullptr);
  ahead.Stop();  // the worker has read further than that
  CHECK(reader->consumed_offset() > ahead.consumed_offset());
  auto rest = Reader(dir.File("a.log"), ahead.consumed_offset());
  std::string_view line;
  REQUIRE(rest->Next(&line) == LineReader::Result::kLine);
  CHECK(line == "192.0.2.1 line 1500");
}

TEST_CASE("an empty input ends at once") {
  TempDir dir;
  WriteFile(dir.File("empty.log"), "");
  auto reader = Reader(dir.File("empty.log"));
  ParseAhead ahead(reader.get(), Must(NewParser("combined")));
  CHECK(ahead.Next() == nullptr);
  CHECK(ahead.consumed_offset() == 0);
}

TEST_CASE("lines longer than a batch's share of the text pool come out whole") {
  TempDir dir;
  std::string log;
  std::vector<std::string> agents;
  for (int i = 0; i < 40; ++i) {
    // Some over 512 KB (a batch's share), some around 256 KB (where a batch
    // ends), between short ones.
    agents.push_back(std::string(i % 3 == 0 ? 600000 + i : i % 3 == 1 ? 262000 + i : 10, char('a' + i % 26)));
    log += fmt::format(R"({{"remote_addr":"10.0.0.{}","time_iso8601":"2024-03-31T01:00:00+00:00",)"
                       R"("request":"GET /p{} HTTP/1.1","status":200,"http_user_agent":"{}"}})",
                       i, i, agents.back()) +
           "\n";
  }
  WriteFile(dir.File("a.log"), log);
  auto reader = Reader(dir.File("a.log"), 0, 1 << 20);
  ParseAhead ahead(reader.get(), Must(NewParser("json")));
  size_t i = 0;
  while (const ParsedLine* line = ahead.Next()) {
    REQUIRE(line->reject == Reject::kNone);
    CHECK(line->record.user_agent == agents[i]);
    CHECK(line->record.path == fmt::format("/p{}", i));
    ++i;
  }
  CHECK(i == agents.size());
}
