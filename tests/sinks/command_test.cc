#include "sinks/command.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("a command line is split once into an argv: quotes group, backslash escapes, nothing expands") {
  auto argv = SplitCommand("sh -c 'nginx -t && nginx -s reload'");
  REQUIRE(argv.ok());
  CHECK(*argv == std::vector<std::string>{"sh", "-c", "nginx -t && nginx -s reload"});
  argv = SplitCommand(R"(/bin/echo "a b" c\ d $HOME `id` *)");
  REQUIRE(argv.ok());
  CHECK(*argv == std::vector<std::string>{"/bin/echo", "a b", "c d", "$HOME", "`id`", "*"});
  CHECK(SplitCommand("echo 'unterminated").status().code() == StatusCode::kInvalid);
  CHECK(SplitCommand("   ").status().message() == "empty command");
}
