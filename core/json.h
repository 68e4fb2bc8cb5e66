// The one JSON string escaper: every string that reaches JSON output goes
// through AppendJsonString. Invalid UTF-8 becomes U+FFFD, so the output is
// always valid JSON whatever bytes the log held. Pure; thread-safe.
#pragma once

#include <string_view>

#include <fmt/format.h>

namespace defender {

// Appends `s` as a quoted JSON string.
void AppendJsonString(fmt::memory_buffer& out, std::string_view s);

}  // namespace defender
