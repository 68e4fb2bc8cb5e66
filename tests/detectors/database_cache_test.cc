#include "detectors/database_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("a cache file reads back what was written, and nothing else") {
  const std::string file = FormatCacheFile(42, {"first database", "", "third"});
  auto parsed = ParseCacheFile(file, 42, 3);
  REQUIRE(parsed);
  CHECK((*parsed)[0] == "first database");
  CHECK((*parsed)[1].empty());
  CHECK((*parsed)[2] == "third");
  CHECK_FALSE(ParseCacheFile(file, 43, 3));  // another rule set, Hyperscan or CPU
  CHECK_FALSE(ParseCacheFile(file, 42, 4));
  for (size_t cut = 0; cut < file.size(); ++cut) CHECK_FALSE(ParseCacheFile(file.substr(0, cut), 42, 3));
  for (size_t i = 0; i < file.size(); ++i) {
    std::string flipped = file;
    flipped[i] = char(flipped[i] ^ 0x20);
    CHECK_FALSE(ParseCacheFile(flipped, 42, 3));
  }
  CHECK_FALSE(ParseCacheFile(file + "x", 42, 3));
  CHECK_FALSE(ParseCacheFile("", 42, 3));
}

TEST_CASE("the cache is written atomically, replaces stale files and is only read when nobody else can write it") {
  const std::string dir = std::filesystem::temp_directory_path() / ("cache-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  DatabaseCache cache(dir);
  REQUIRE(cache.Write(1, {"old"}).ok());
  REQUIRE(cache.Write(2, {"new"}).ok());
  CHECK_FALSE(std::filesystem::exists(cache.Path(1)));  // another key: stale
  auto bytes = cache.Read(2);
  REQUIRE(bytes);
  CHECK(ParseCacheFile(*bytes, 2, 1));
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  CHECK(files == 1);  // no temporary left behind
  chmod(cache.Path(2).c_str(), 0664);
  CHECK_FALSE(cache.Read(2));  // group-writable: someone else could have written it
  chmod(cache.Path(2).c_str(), 0644);
  if (geteuid() == 0) {
    CHECK(chown(cache.Path(2).c_str(), 65534, 65534) == 0);
    CHECK_FALSE(cache.Read(2));  // another user's file
  }
  CHECK_FALSE(DatabaseCache("").Read(2));
  CHECK(DatabaseCache("").Write(2, {"x"}).ok());  // no cache: nothing to do
  std::filesystem::remove_all(dir);
}
