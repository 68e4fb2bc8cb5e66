// JsonBody: an API request's JSON body, an object whose fields are read by
// name with typed, bounded accessors (simdjson's DOM). A value type for one
// request; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace defender {

class JsonBody {
 public:
  // False (and *error set) unless the body is a JSON object.
  bool Parse(const std::string& body, std::string* error);
  // nullopt when absent; *error set when present but not a string.
  std::optional<std::string_view> String(const char* key, std::string* error);
  // The same, but absent is an error too.
  std::optional<std::string_view> Required(const char* key, std::string* error);
  bool Has(const char* key);
  // A duration: whole seconds as a number, or a string "3600", "3600s",
  // "30m", "4h", "7d", from 1 second to 10 years.
  std::optional<int64_t> Seconds(const char* key, std::string* error);

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::object object_;
};

}  // namespace defender
