#include "cli/pipeline.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("a pipeline is not made with a format no parser can be made of, and says why") {
  Options options;
  options.format = "$remote_addr [$time_local] \"$reqest\"";
  std::string error;
  CHECK(Pipeline::Create(options, Config(), &error) == nullptr);
  CHECK(error.find("reqest") != std::string::npos);
  options.format = "combined";
  error.clear();
  CHECK(Pipeline::Create(options, Config(), &error) != nullptr);
  CHECK(error.empty());
}
