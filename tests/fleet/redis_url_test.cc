#include "fleet/redis_url.h"

#include <doctest/doctest.h>

using namespace defender;

TEST_CASE("redis:// URLs: host, port, database, user and password") {
  auto u = ParseRedisUrl("redis://10.0.0.9:6380/2");
  REQUIRE(u.ok());
  CHECK(u->host == "10.0.0.9");
  CHECK(u->port == 6380);
  CHECK(u->db == 2);
  CHECK(u->password.empty());
  u = ParseRedisUrl("redis://redis.internal");
  REQUIRE(u.ok());
  CHECK(u->host == "redis.internal");
  CHECK(u->port == 6379);
  CHECK(u->db == 0);
  u = ParseRedisUrl("redis://fleet:s%40cret%3A1@[2001:db8::9]:7000/0");
  REQUIRE(u.ok());
  CHECK(u->host == "2001:db8::9");
  CHECK(u->port == 7000);
  CHECK(u->user == "fleet");
  CHECK(u->password == "s@cret:1");
  CHECK(u->Display() == "redis://fleet:***@[2001:db8::9]:7000");
  u = ParseRedisUrl("redis://:pw@host");
  REQUIRE(u.ok());
  CHECK(u->user.empty());
  CHECK(u->password == "pw");
  u = ParseRedisUrl("redis://pw@host");  // as redis-cli -u reads it
  REQUIRE(u.ok());
  CHECK(u->password == "pw");
}

TEST_CASE("unix:// URLs") {
  auto u = ParseRedisUrl("unix:///run/redis/redis.sock?db=3");
  REQUIRE(u.ok());
  CHECK(u->unix_path == "/run/redis/redis.sock");
  CHECK(u->db == 3);
  CHECK(u->Display() == "unix:///run/redis/redis.sock?db=3");
}

TEST_CASE("what is not a Redis URL is refused with the reason") {
  for (const char* bad : {"", "localhost:6379", "http://x", "redis://", "redis://host:0", "redis://host:65536",
                          "redis://host:port", "redis://host/db", "redis://host:6379/-1", "redis://-host",
                          "redis://ho st", "redis://[1.2.3.4]:1", "redis://[::1", "redis://u:%zz@h",
                          "redis://u:%0a@h", "unix://relative.sock", "unix:///s?dbx=1", "redis://a;b"}) {
    CAPTURE(bad);
    auto u = ParseRedisUrl(bad);
    CHECK_FALSE(u.ok());
    if (!u.ok()) CHECK(u.status().code() == StatusCode::kInvalid);
  }
  auto tls = ParseRedisUrl("rediss://host:6380");
  REQUIRE_FALSE(tls.ok());
  CHECK(tls.status().message().find("no TLS") != std::string::npos);
}
