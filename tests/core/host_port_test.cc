#include "core/host_port.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("ADDRESS:PORT as --listen and --syslog-listen take it") {
  auto hp = ParseHostPort("127.0.0.1:8080");
  REQUIRE(hp);
  CHECK(hp->address.ToString() == "127.0.0.1");
  CHECK(hp->port == 8080);
  hp = ParseHostPort("[::1]:5514");
  REQUIRE(hp);
  CHECK(hp->address.ToString() == "::1");
  hp = ParseHostPort(":8080");  // every IPv4 address
  REQUIRE(hp);
  CHECK(hp->address.ToString() == "0.0.0.0");
  for (std::string_view bad : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:80x",
                               "localhost:80", "[::1:80", "127.000.0.1:80"}) {
    CHECK_MESSAGE(!ParseHostPort(bad), bad);
  }
}
