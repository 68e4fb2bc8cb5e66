#include "sinks/command.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("a command line is split once into an argv: quotes group, backslash escapes, nothing expands") {
  std::vector<std::string> argv;
  std::string error;
  REQUIRE(SplitCommand("sh -c 'nginx -t && nginx -s reload'", &argv, &error));
  CHECK(argv == std::vector<std::string>{"sh", "-c", "nginx -t && nginx -s reload"});
  REQUIRE(SplitCommand(R"(/bin/echo "a b" c\ d $HOME `id` *)", &argv, &error));
  CHECK(argv == std::vector<std::string>{"/bin/echo", "a b", "c d", "$HOME", "`id`", "*"});
  CHECK(!SplitCommand("echo 'unterminated", &argv, &error));
  CHECK(!error.empty());
  error.clear();
  CHECK(!SplitCommand("   ", &argv, &error));
  CHECK(!error.empty());
}
