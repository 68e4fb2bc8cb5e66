#include "sources/decompress.h"

#include <doctest/doctest.h>

#include <filesystem>

#include <fmt/format.h>

#include "sources/input.h"
#include "sources/line_reader.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::Run;
using defender::testing::TempDir;
using defender::testing::WriteFile;

namespace {

std::string Content(int first, int n) {
  std::string s;
  for (int i = first; i < first + n; ++i) s += fmt::format("line {} of the log\n", i);
  return s;
}

struct Result {
  std::string text;
  Compression compression;
  Status status;
  uint64_t truncated;
};

Result Read(const std::string& path) {
  OpenedInput in;
  Status s = OpenInput(path, InputOptions(), &in);
  REQUIRE(s.ok());
  Result r{"", in.compression, Status::Ok(), 0};
  LineReader reader(std::move(in.source), 1 << 16);
  std::string_view line;
  while (reader.Next(&line) == LineReader::Result::kLine) {
    r.text += line;
    r.text += '\n';
  }
  r.status = reader.status();
  r.truncated = reader.truncated();
  return r;
}

}  // namespace

TEST_CASE("gzip, bzip2, xz and zstd are recognised by magic bytes, whatever the name") {
  TempDir dir;
  std::string content = Content(0, 50000);
  WriteFile(dir.File("plain"), content);
  for (auto tool_kind : {std::pair{"gzip", Compression::kGzip}, std::pair{"bzip2", Compression::kBzip2},
                         std::pair{"xz", Compression::kXz}, std::pair{"zstd -q", Compression::kZstd}}) {
    const char* tool = tool_kind.first;
    Compression kind = tool_kind.second;
    std::string out = dir.File(fmt::format("log-{}.txt", int(kind)));  // misleading name on purpose
    REQUIRE(Run(fmt::format("{} -c {} > {}", tool, dir.File("plain"), out)) == 0);
    Result r = Read(out);
    CHECK_MESSAGE(r.compression == kind, tool);
    CHECK_MESSAGE(r.status.ok(), r.status.message());
    CHECK(r.text == content);
  }
}

TEST_CASE("multi-member gzip and concatenated streams are read whole") {
  TempDir dir;
  WriteFile(dir.File("a"), Content(0, 1000));
  WriteFile(dir.File("b"), Content(1000, 1000));
  for (const char* tool : {"gzip", "bzip2", "xz", "zstd -q"}) {
    std::string out = dir.File("multi");
    REQUIRE(Run(fmt::format("({0} -c {1}; {0} -c {2}) > {3}", tool, dir.File("a"), dir.File("b"), out)) == 0);
    Result r = Read(out);
    CHECK_MESSAGE(r.status.ok(), tool, r.status.message());
    CHECK_MESSAGE(r.text == Content(0, 2000), tool);
  }
}

TEST_CASE("a truncated or corrupt compressed file is reported after the lines before the damage") {
  TempDir dir;
  WriteFile(dir.File("plain"), Content(0, 200000));
  for (const char* tool : {"gzip", "bzip2", "xz", "zstd -q"}) {
    REQUIRE(Run(fmt::format("{} -c {} > {}", tool, dir.File("plain"), dir.File("full"))) == 0);
    auto half = std::filesystem::file_size(dir.File("full")) / 2;
    REQUIRE(Run(fmt::format("head -c {} {} > {}", half, dir.File("full"), dir.File("cut"))) == 0);
    Result r = Read(dir.File("cut"));
    CHECK_MESSAGE(!r.status.ok(), tool);
    CHECK_MESSAGE(r.text.size() > 0, tool);
    // Whatever came out is a prefix of the real content, ending at a line.
    CHECK(Content(0, 200000).compare(0, r.text.size(), r.text) == 0);
  }
  WriteFile(dir.File("junk.gz"), std::string("\x1f\x8b\x08\x00garbagegarbagegarbage", 25));
  Result r = Read(dir.File("junk.gz"));
  CHECK(!r.status.ok());
  CHECK(r.text.empty());
}
