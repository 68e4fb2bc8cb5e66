// The one HTML text escaper: every string that reaches an HTML page (the
// report's log lines, user agents, paths, scenario and host names) goes
// through AppendHtml, so that a log line carrying <script> shows as text
// and never runs. Escapes & < > " ' (safe in text and in quoted attribute
// values); control bytes and invalid UTF-8 become U+FFFD. Pure;
// thread-safe.
#pragma once

#include <string_view>

#include <fmt/format.h>

namespace defender {

void AppendHtml(fmt::memory_buffer& out, std::string_view s);

}  // namespace defender
