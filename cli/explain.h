// The --explain line: one JSON object per input line with its parsed fields,
// the signature rules that matched it and the scenarios it was counted in
// (its fields are in the man page, --explain). A parsed line that was not detected has its
// fields, no matches and `skipped` ("late", "future") as its error. Pure;
// thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "core/log_record.h"
#include "parsers/line_parser.h"

namespace defender {

void AppendExplain(fmt::memory_buffer& out, uint64_t line_no, const LogRecord& record,
                   Reject reject, std::string_view skipped, std::span<const std::string_view> signatures,
                   std::span<const std::string_view> scenarios);

}  // namespace defender
