#include "server/api_json.h"

#include "core/json.h"
#include "core/log_time.h"

namespace defender {

std::string ErrorBody(std::string_view message) {
  fmt::memory_buffer out;
  out.append(std::string_view("{\"error\":"));
  AppendJsonString(out, message);
  out.push_back('}');
  return fmt::to_string(out);
}

std::string CheckBody(const IpAddress& client, const BanStatus& status, std::string_view rule) {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  out.append(std::string_view("{\"ip\":\""));
  client.AppendTo(out);
  fmt::format_to(it, "\",\"blocked\":{},\"score\":{},\"reason\":", status.blocked, status.score);
  if (status.blocked) {
    AppendJsonString(out, status.reason);
  } else {
    out.append(std::string_view("null"));
  }
  if (status.until > 0) {
    fmt::format_to(it, ",\"until\":\"{}\"", FormatIso8601(status.until));
  } else {
    out.append(std::string_view(",\"until\":null"));
  }
  if (!rule.empty()) {
    out.append(std::string_view(",\"rule\":"));
    AppendJsonString(out, rule);
  }
  out.push_back('}');
  return fmt::to_string(out);
}

}  // namespace defender
