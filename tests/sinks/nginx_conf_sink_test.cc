#include "sinks/nginx_conf_sink.h"

#include <doctest/doctest.h>

#include "sinks/atomic_file.h"
#include "tests/test_util.h"

using namespace defender;
using defender::testing::Must;
using defender::testing::TempDir;
using defender::testing::WriteFile;

namespace {

Decision Ban(std::string_view target, DecisionAction action = DecisionAction::kBan) {
  Decision d;
  d.action = action;
  d.target = *Cidr::Parse(target);
  d.source = d.target.address();
  d.reason = "http-probing";
  return d;
}

std::string Read(const std::string& path) {
  std::string content;
  bool exists = false;
  REQUIRE(ReadWholeFile(path, &content, &exists).ok());
  return content;
}

std::string Body(const std::string& content) {  // without the header comment
  std::string body;
  size_t at = 0;
  while (at < content.size()) {
    size_t end = content.find('\n', at);
    std::string_view line(content.data() + at, (end == std::string::npos ? content.size() : end) - at);
    if (!line.starts_with("#")) body.append(line).push_back('\n');
    at = end == std::string::npos ? content.size() : end + 1;
  }
  return body;
}

}  // namespace

TEST_CASE("the include lists the active bans sorted, and is written empty before the first") {
  TempDir dir;
  NginxConfOptions o;
  o.path = dir.File("blocks.conf");
  o.debounce_ms = 0;
  auto sink = Must(NewNginxConfSink(o));
  CHECK(Body(Read(o.path)).empty());
  for (auto t : {"203.0.113.9", "198.51.100.7", "2001:db8:1:2::/64"}) REQUIRE(sink->Apply(Ban(t)).ok());
  REQUIRE(sink->Apply(Ban("203.0.113.9", DecisionAction::kUnban)).ok());
  REQUIRE(sink->Flush().ok());
  CHECK(Body(Read(o.path)) == "deny 198.51.100.7;\ndeny 2001:db8:1:2::/64;\n");
  // What must never be banned is refused, and the include keeps the rest.
  CHECK(!sink->Apply(Ban("10.0.0.0/8")).ok());
  CHECK(!sink->Apply(Ban("127.0.0.1")).ok());
  REQUIRE(sink->Finish().ok());
  CHECK(Body(Read(o.path)) == "deny 198.51.100.7;\ndeny 2001:db8:1:2::/64;\n");
}

TEST_CASE("geo style defines the variable even when empty") {
  TempDir dir;
  NginxConfOptions o;
  o.path = dir.File("blocks.conf");
  o.geo = true;
  o.debounce_ms = 0;
  auto sink = Must(NewNginxConfSink(o));
  CHECK(Body(Read(o.path)).find("geo $defender_blocked {") != std::string::npos);
  REQUIRE(sink->Apply(Ban("198.51.100.7")).ok());
  REQUIRE(sink->Finish().ok());
  const std::string body = Body(Read(o.path));
  CHECK(body.find("default 0;") != std::string::npos);
  CHECK(body.find("198.51.100.7 1;") != std::string::npos);
}

TEST_CASE("a failing reload puts back the include nginx last accepted") {
  TempDir dir;
  NginxConfOptions o;
  o.path = dir.File("blocks.conf");
  o.debounce_ms = 0;
  o.reload_argv = {"false"};
  WriteFile(o.path, "deny 198.51.100.1;\n");
  auto sink = Must(NewNginxConfSink(o));
  REQUIRE(sink->Apply(Ban("203.0.113.9")).ok());
  Status s = sink->Finish();
  CHECK(!s.ok());
  CHECK(s.message().find("reload failed") != std::string::npos);
  CHECK(Read(o.path) == "deny 198.51.100.1;\n");
}
