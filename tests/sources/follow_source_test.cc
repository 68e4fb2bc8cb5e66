#include "sources/follow_source.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <vector>

#include "sources/line_reader.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::TempDir;
using defender::testing::WriteFile;

namespace {

// Reads every line available now.
std::vector<std::string> Available(LineReader& reader) {
  std::vector<std::string> out;
  std::string_view line;
  while (reader.Next(&line) == LineReader::Result::kLine) out.emplace_back(line);
  return out;
}

}  // namespace

TEST_CASE("follow starts at the end and reads what is appended") {
  TempDir dir;
  std::string path = dir.File("access.log");
  WriteFile(path, "old 1\nold 2\n");
  LineReader reader(NewFollowSource(path, FollowOptions()), 1024);
  CHECK(Available(reader).empty());
  WriteFile(path, "new 1\nnew 2\npart", true);
  CHECK(Available(reader) == std::vector<std::string>{"new 1", "new 2"});
  WriteFile(path, "ial\n", true);
  CHECK(Available(reader) == std::vector<std::string>{"partial"});
}

TEST_CASE("follow survives rename rotation and drains the old file") {
  TempDir dir;
  std::string path = dir.File("access.log");
  WriteFile(path, "");
  LineReader reader(NewFollowSource(path, FollowOptions()), 1024);
  WriteFile(path, "a\n", true);
  CHECK(Available(reader) == std::vector<std::string>{"a"});
  std::filesystem::rename(path, path + ".1");
  WriteFile(path + ".1", "b (written before nginx reopened)\n", true);
  WriteFile(path, "c\n");
  auto got = Available(reader);
  got.push_back("|");
  WriteFile(path + ".1", "d (late)\n", true);
  WriteFile(path, "e\n", true);
  for (auto& l : Available(reader)) got.push_back(l);
  CHECK(got == std::vector<std::string>{"b (written before nginx reopened)", "c", "|", "d (late)", "e"});
}

TEST_CASE("follow restarts at 0 after copytruncate") {
  TempDir dir;
  std::string path = dir.File("access.log");
  WriteFile(path, "");
  LineReader reader(NewFollowSource(path, FollowOptions()), 1024);
  WriteFile(path, "one\ntwo\n", true);
  CHECK(Available(reader).size() == 2);
  WriteFile(path, "");  // truncate
  CHECK(Available(reader).empty());
  WriteFile(path, "three\n", true);
  CHECK(Available(reader) == std::vector<std::string>{"three"});
}

TEST_CASE("follow waits for a file that does not exist yet and reads it from the start") {
  TempDir dir;
  std::string path = dir.File("later.log");
  LineReader reader(NewFollowSource(path, FollowOptions()), 1024);
  CHECK(Available(reader).empty());
  WriteFile(path, "first\n");
  CHECK(Available(reader) == std::vector<std::string>{"first"});
}
