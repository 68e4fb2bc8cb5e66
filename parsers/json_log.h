// A parser for JSON access logs (nginx log_format ... escape=json), read with
// simdjson. Keys are nginx variable names in any order (remote_addr,
// time_iso8601 / time_local / msec, request or request_method + request_uri,
// status, body_bytes_sent, http_referer, http_user_agent, request_time,
// upstream_response_time, http_x_forwarded_for, host); others are ignored.
// Strings in the record are already unescaped. Not thread-safe.
#pragma once

#include <memory>

#include "parsers/line_parser.h"

namespace defender {

std::unique_ptr<LineParser> NewJsonLogParser();

// The log_format line that writes what the json parser reads best.
extern const char kJsonLogFormat[];

}  // namespace defender
