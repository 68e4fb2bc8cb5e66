// The built-in log formats and --format resolution: a preset name, "json",
// "error" (the nginx error log), an nginx log_format string, or "auto", which
// recognises the access format from the first line that one of the
// candidates parses and keeps it, and error-log lines on any line (a file
// may mix both). Parsers returned are owned by the caller.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "parsers/line_parser.h"
#include "parsers/log_format.h"

namespace defender {

struct Preset {
  std::string_view name;
  std::string_view format;  // nginx log_format text
  std::string_view description;
};

// defender, combined, main, common, npm, npm_standard (json and error are
// separate parsers).
const std::vector<Preset>& Presets();

// kInvalid when `spec` is neither a known name nor a valid log_format
// string. "auto" gives the detecting parser.
StatusOr<std::unique_ptr<LineParser>> NewParser(std::string_view spec);
// What may be wrong with a valid `spec` (LogFormat::warnings of a
// log_format string; nothing for the built-in formats).
std::vector<std::string> FormatWarnings(std::string_view spec);

}  // namespace defender
