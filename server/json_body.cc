#include "server/json_body.h"

#include <fmt/format.h>

#include "core/ban_target.h"
#include "core/log_time.h"

namespace defender {

Status JsonBody::Parse(const std::string& body) {
  if (parser_.parse(body).get(object_) != simdjson::SUCCESS) return Status::Invalid("the body is not a JSON object");
  return Status::Ok();
}

StatusOr<std::optional<std::string_view>> JsonBody::String(const char* key) {
  simdjson::dom::element e;
  if (object_[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::optional<std::string_view>();
  std::string_view v;
  if (e.get(v) != simdjson::SUCCESS) return Status::Invalid(fmt::format("\"{}\" must be a string", key));
  return std::optional<std::string_view>(v);
}

StatusOr<std::string_view> JsonBody::Required(const char* key) {
  auto v = String(key);
  if (!v.ok()) return v.status();
  if (!*v) return Status::Invalid(fmt::format("\"{}\" is required", key));
  return **v;
}

bool JsonBody::Has(const char* key) {
  simdjson::dom::element e;
  return object_[key].get(e) == simdjson::SUCCESS && !e.is_null();
}

StatusOr<int64_t> JsonBody::Seconds(const char* key) {
  simdjson::dom::element e;
  if (object_[key].get(e) != simdjson::SUCCESS) return Status::Invalid(fmt::format("\"{}\" is required", key));
  int64_t n = 0;
  std::string_view text;
  if (e.get(n) == simdjson::SUCCESS) {
    if (n > 0 && n <= kMaxBanSeconds) return n;
  } else if (e.get(text) == simdjson::SUCCESS) {
    auto ms = ParseDuration(text);
    if (ms && *ms >= kSecond && *ms <= kMaxBanSeconds * kSecond) return *ms / kSecond;
  }
  return Status::Invalid(
      fmt::format("\"{}\" must be a duration from 1 second to 10 years (3600, \"3600s\", \"4h\", \"7d\")", key));
}

}  // namespace defender
