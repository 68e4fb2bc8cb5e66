// LineParser: turns one log line into a LogRecord. Log formats plug in here
// (a compiled nginx log_format, JSON lines, the error log). The record's
// views point into the line or the parser's own scratch and are valid until
// the next Parse(). Not thread-safe: one parser per input.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/log_record.h"

namespace defender {

// Why a line was rejected. Counted per reason; never an exception.
enum class Reject : uint8_t {
  kNone,
  kEmpty,           // a blank line
  kFormatMismatch,  // a separator of the format was not found, or text was left over
  kBadClient,       // the client field is not a canonical address
  kBadTime,
  kBadStatus,
  kBadJson,
  kIgnored,          // error log: a message no detector uses
  kTooLong,          // counted by the reader: over --max-line
  kTruncated,        // counted by the reader: the input broke off mid-line
  kCount,
};
std::string_view RejectName(Reject r);

class LineParser {
 public:
  virtual ~LineParser() = default;
  // On kNone, *record holds the line's fields; otherwise its content is unspecified.
  virtual Reject Parse(std::string_view line, LogRecord* record) = 0;
  // The preset name or "custom".
  virtual std::string_view name() const = 0;
};

}  // namespace defender
