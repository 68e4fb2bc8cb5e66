#include "sinks/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "tests/test_util.h"

using namespace defender;
using defender::testing::TempDir;
using defender::testing::WriteFile;

TEST_CASE("a file is replaced whole, with its mode, and a link in its place is refused") {
  TempDir dir;
  const std::string path = dir.File("blocks.conf");
  REQUIRE(ReplaceFileAtomically(path, "deny 203.0.113.7;\n", 0640).ok());
  std::string content;
  bool exists = false;
  REQUIRE(ReadWholeFile(path, &content, &exists).ok());
  CHECK(exists);
  CHECK(content == "deny 203.0.113.7;\n");
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
  REQUIRE(ReplaceFileAtomically(path, "", 0640).ok());
  REQUIRE(ReadWholeFile(path, &content, &exists).ok());
  CHECK(content.empty());
  // No temporary file is left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += e.is_regular_file();
  CHECK(files == 1);

  const std::string victim = dir.File("victim");
  WriteFile(victim, "keep");
  const std::string link = dir.File("link.conf");
  REQUIRE(symlink(victim.c_str(), link.c_str()) == 0);
  CHECK(!ReplaceFileAtomically(link, "deny all;\n").ok());
  REQUIRE(ReadWholeFile(victim, &content, &exists).ok());
  CHECK(content == "keep");

  REQUIRE(ReadWholeFile(dir.File("absent"), &content, &exists).ok());
  CHECK(!exists);
}
