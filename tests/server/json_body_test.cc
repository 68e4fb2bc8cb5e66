#include "server/json_body.h"

#include <doctest/doctest.h>

#include "server/api_json.h"

using namespace defender;

TEST_CASE("a request body is a JSON object whose fields are read typed and bounded") {
  JsonBody body;
  CHECK(body.Parse("[1, 2]").message() == "the body is not a JSON object");
  REQUIRE(body.Parse(R"({"ip": "203.0.113.7", "n": 5, "duration": "4h", "bad": -3, "long": 999999999999})").ok());
  CHECK(*body.String("ip") == "203.0.113.7");
  REQUIRE(body.String("absent").ok());
  CHECK(!*body.String("absent"));
  CHECK(body.String("n").status().message() == "\"n\" must be a string");
  CHECK(body.Required("absent").status().message() == "\"absent\" is required");
  CHECK(*body.Required("ip") == "203.0.113.7");
  CHECK(*body.Seconds("duration") == 4 * 3600);
  CHECK(*body.Seconds("n") == 5);
  CHECK(body.Seconds("bad").status().message().find("from 1 second to 10 years") != std::string::npos);
  CHECK(!body.Seconds("long").ok());
  CHECK(body.Seconds("absent").status().code() == StatusCode::kInvalid);
}

TEST_CASE("/api/check's JSON escapes what it does not control") {
  BanStatus status;
  status.blocked = true;
  status.reason = "custom \"rule\"\n";
  status.score = 90;
  CHECK(CheckBody(*IpAddress::Parse("2001:db8::1"), status, "sqlmap") ==
        R"({"ip":"2001:db8::1","blocked":true,"score":90,"reason":"custom \"rule\"\n","until":null,"rule":"sqlmap"})");
  CHECK(CheckBody(*IpAddress::Parse("198.51.100.1"), BanStatus(), "") ==
        R"({"ip":"198.51.100.1","blocked":false,"score":0,"reason":null,"until":null})");
  CHECK(ErrorBody("a \"b\"") == R"({"error":"a \"b\""})");
}
