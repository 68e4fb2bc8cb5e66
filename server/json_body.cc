#include "server/json_body.h"

#include <fmt/format.h>

#include "core/log_time.h"

namespace defender {

bool JsonBody::Parse(const std::string& body, std::string* error) {
  if (parser_.parse(body).get(object_) != simdjson::SUCCESS) {
    *error = "the body is not a JSON object";
    return false;
  }
  return true;
}

std::optional<std::string_view> JsonBody::String(const char* key, std::string* error) {
  simdjson::dom::element e;
  if (object_[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  std::string_view v;
  if (e.get(v) != simdjson::SUCCESS) {
    *error = fmt::format("\"{}\" must be a string", key);
    return std::nullopt;
  }
  return v;
}

std::optional<std::string_view> JsonBody::Required(const char* key, std::string* error) {
  auto v = String(key, error);
  if (!v && error->empty()) *error = fmt::format("\"{}\" is required", key);
  return v;
}

bool JsonBody::Has(const char* key) {
  simdjson::dom::element e;
  return object_[key].get(e) == simdjson::SUCCESS && !e.is_null();
}

std::optional<int64_t> JsonBody::Seconds(const char* key, std::string* error) {
  simdjson::dom::element e;
  if (object_[key].get(e) != simdjson::SUCCESS) return std::nullopt;
  int64_t n = 0;
  std::string_view text;
  if (e.get(n) == simdjson::SUCCESS) {
    if (n > 0 && n <= 10LL * 365 * 86400) return n;
  } else if (e.get(text) == simdjson::SUCCESS) {
    auto ms = ParseDuration(text);
    if (ms && *ms >= kSecond && *ms <= 10LL * 365 * 86400 * kSecond) return *ms / kSecond;
  }
  *error = fmt::format("\"{}\" must be a duration from 1 second to 10 years (3600, \"3600s\", \"4h\", \"7d\")", key);
  return std::nullopt;
}

}  // namespace defender
