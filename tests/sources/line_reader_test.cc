#include "sources/line_reader.h"

#include <doctest/doctest.h>

#include <vector>

#include "sources/input.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::TempDir;
using defender::testing::WriteFile;

namespace {

struct Lines {
  std::vector<std::string> lines;
  uint64_t too_long = 0, truncated = 0;
  Status status;
};

Lines ReadAll(const std::string& path, size_t max_line = 64 * 1024) {
  OpenedInput in;
  Status s = OpenInput(path, InputOptions(), &in);
  REQUIRE_MESSAGE(s.ok(), s.message());
  LineReader reader(std::move(in.source), max_line);
  Lines out;
  std::string_view line;
  while (reader.Next(&line) == LineReader::Result::kLine) out.lines.emplace_back(line);
  out.too_long = reader.too_long();
  out.truncated = reader.truncated();
  out.status = reader.status();
  return out;
}

}  // namespace

TEST_CASE("lines are split on newlines, CRLF is trimmed, a last line without newline counts") {
  TempDir dir;
  WriteFile(dir.File("a.log"), "one\r\ntwo\n\nthree");
  auto got = ReadAll(dir.File("a.log"));
  CHECK(got.lines == std::vector<std::string>{"one", "two", "", "three"});
  CHECK(got.status.ok());
}

TEST_CASE("a 10 MB line is skipped and counted, the lines around it are kept") {
  TempDir dir;
  std::string big(10 << 20, 'A');
  WriteFile(dir.File("big.log"), "before\n" + big + "\nafter\n" + big);
  auto got = ReadAll(dir.File("big.log"));
  CHECK(got.lines == std::vector<std::string>{"before", "after"});
  CHECK(got.too_long == 2);
}

TEST_CASE("NUL bytes and invalid UTF-8 stay inside their line") {
  TempDir dir;
  WriteFile(dir.File("bin.log"), std::string("a\0b\n\xff\xfe\n", 7));
  auto got = ReadAll(dir.File("bin.log"));
  REQUIRE(got.lines.size() == 2);
  CHECK(got.lines[0] == std::string("a\0b", 3));
  CHECK(got.lines[1] == "\xff\xfe");
}

TEST_CASE("an unreadable input is an error, not a crash") {
  OpenedInput in;
  CHECK(!OpenInput("/nonexistent/x.log", InputOptions(), &in).ok());
  CHECK(!OpenInput("/", InputOptions(), &in).ok());
}
