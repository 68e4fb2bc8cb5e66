#include "core/misspelling.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("a typo is told from another word") {
  const std::string_view names[] = {"--follow", "--format", "--state", "--stats"};
  CHECK(Misspelling("--folow", names) == "--follow");
  CHECK(Misspelling("--stat", names) == "--state");  // the first of equals
  CHECK(Misspelling("--state", names).empty());     // not a typo
  CHECK(Misspelling("--verbose", names).empty());   // too far from any
}
