#include "core/decision_json.h"

#include <doctest/doctest.h>

using namespace defender;

namespace {
std::string Json(const Decision& d) {
  fmt::memory_buffer out;
  AppendDecisionJson(out, d);
  return fmt::to_string(out);
}
Decision Ban() {
  Decision d;
  d.action = DecisionAction::kBan;
  d.reason = "http-probing";
  d.source = *IpAddress::Parse("203.0.113.7");
  d.target = Cidr::Host(d.source);
  d.time = 1'700'000'000'000;
  d.until = d.time + 14'400'000;
  d.duration_s = 14400;
  d.events_count = 10;
  d.score = 60;
  d.ban_count = 1;
  return d;
}
}  // namespace

TEST_CASE("a decision is one JSON object with ECS field names") {
  CHECK(Json(Ban()) ==
        R"({"@timestamp":"2023-11-14T22:13:20Z","event":{"kind":"alert","action":"ban"},"rule":{"name":"http-probing"},)"
        R"("source":{"ip":"203.0.113.7"},"defender":{"events_count":10,"score":60,"decision":{"scope":"ip",)"
        R"("value":"203.0.113.7","duration_s":14400,"until":"2023-11-15T02:13:20Z","ban_count":1}}})");
  Decision unban = Ban();
  unban.action = DecisionAction::kUnban;
  CHECK(Json(unban).find(R"("event":{"kind":"event","action":"unban"})") != std::string::npos);
  CHECK(Json(unban).find("events_count") == std::string::npos);
}

TEST_CASE("the server that logged the deciding line is host.name, escaped") {
  Decision d = Ban();
  d.host_name = "web-1";
  CHECK(Json(d).find(R"("source":{"ip":"203.0.113.7"},"host":{"name":"web-1"},"defender":{)") != std::string::npos);
  d.host_name = "a\"b";
  CHECK(Json(d).find(R"("host":{"name":"a\"b"})") != std::string::npos);
  d.client_name = "crawler.example";
  CHECK(Json(d).find(R"("source":{"domain":"crawler.example"},"host":{"name":"a\"b"},"defender":{)") !=
        std::string::npos);
}
