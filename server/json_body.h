// JsonBody: an API request's JSON body, an object whose fields are read by
// name with typed, bounded accessors (simdjson's DOM). A value type for one
// request; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/status.h"

namespace defender {

class JsonBody {
 public:
  // kInvalid unless the body is a JSON object. Every error message here
  // is meant for the client.
  Status Parse(const std::string& body);
  // nullopt when absent (or null); kInvalid when present but not a string.
  StatusOr<std::optional<std::string_view>> String(const char* key);
  // The same, but absent is kInvalid too.
  StatusOr<std::string_view> Required(const char* key);
  bool Has(const char* key);
  // A duration: whole seconds as a number, or a string "3600", "3600s",
  // "30m", "4h", "7d", from 1 second to 10 years; kInvalid otherwise, or
  // when absent.
  StatusOr<int64_t> Seconds(const char* key);

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::object object_;
};

}  // namespace defender
