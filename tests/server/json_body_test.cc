#include "server/json_body.h"

#include <doctest/doctest.h>

#include "server/api_json.h"

using namespace defender;

TEST_CASE("a request body is a JSON object whose fields are read typed and bounded") {
  JsonBody body;
  std::string error;
  CHECK(!body.Parse("[1, 2]", &error));
  CHECK(error == "the body is not a JSON object");
  error.clear();
  REQUIRE(body.Parse(R"({"ip": "203.0.113.7", "n": 5, "duration": "4h", "bad": -3, "long": 999999999999})", &error));
  CHECK(body.String("ip", &error) == "203.0.113.7");
  CHECK(!body.String("absent", &error));
  CHECK(error.empty());
  CHECK(!body.String("n", &error));
  CHECK(error == "\"n\" must be a string");
  error.clear();
  CHECK(!body.Required("absent", &error));
  CHECK(error == "\"absent\" is required");
  error.clear();
  CHECK(body.Seconds("duration", &error) == 4 * 3600);
  CHECK(body.Seconds("n", &error) == 5);
  CHECK(!body.Seconds("bad", &error));
  CHECK(error.find("from 1 second to 10 years") != std::string::npos);
  error.clear();
  CHECK(!body.Seconds("long", &error));
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
