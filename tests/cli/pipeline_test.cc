#include "cli/pipeline.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("a pipeline is not made with a format no parser can be made of, and says why") {
  Options options;
  options.format = "$remote_addr [$time_local] \"$reqest\"";
  auto refused = Pipeline::Create(options, Config());
  REQUIRE(!refused.ok());
  CHECK(refused.status().code() == StatusCode::kInvalid);
  CHECK(refused.status().message().find("reqest") != std::string::npos);
  options.format = "combined";
  CHECK(Pipeline::Create(options, Config()).ok());
}
