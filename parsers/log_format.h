// LogFormat: an nginx log_format string compiled into a field scanner, a
// sequence of typed fields each ended by a literal separator. A line is split
// by searching for each separator in turn (16 bytes at a time), so no regex
// runs per line and the cost is close to splitting the line by hand.
// Variables it does not read (nginx's, or the user's own from set or map)
// are skipped, but a near miss of one it reads ($reqest) is an error.
// Parse() keeps a one-entry cache of the last time field (many lines share
// a second), so one LogFormat serves one thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "parsers/line_parser.h"

namespace defender {

enum class Escape { kDefault, kJson, kNone };  // log_format escape=

class LogFormat : public LineParser {
 public:
  // Compiles `format` (the part after the name in nginx's log_format);
  // kInvalid naming the problem.
  static StatusOr<LogFormat> Compile(std::string_view format, Escape escape, std::string name);

  Reject Parse(std::string_view line, LogRecord* record) override;
  std::string_view name() const override { return name_; }
  const std::string& text() const { return text_; }
  // What may be wrong with the format though it compiled: variables that
  // nginx does not have (skipped), no client, time or request.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  enum class Field : uint8_t {
    kSkip, kRemoteAddr, kRemoteUser, kTimeLocal, kTimeIso8601, kMsec, kRequest, kMethod,
    kRequestUri, kUri, kArgs, kProtocol, kStatus, kBodyBytes, kReferer, kUserAgent,
    kRequestTime, kUpstreamResponseTime, kXForwardedFor, kHost,
  };
  struct Step {
    Step(Field f, std::string literal);
    Field field;
    std::string separator;  // literal text after the field; empty only for the last
    // Its first 8 bytes as a word, and a mask of the bytes it has: a
    // candidate found by its first byte is confirmed by one comparison.
    uint64_t separator_word = 0, separator_mask = 0;
    // Non-zero for a field that may hold its own separator (a user name
    // holding " ["): it ends `next_width` bytes and this separator before
    // the next field's separator, which holds a quote (see Compile).
    uint8_t next_width = 0;
  };
  struct Variable {
    std::string_view name;
    Field field;
  };
  // The variables read, with their fields.
  static std::span<const Variable> Variables();
  static Field FieldForVariable(std::string_view var);
  // kInvalid for a near miss of a variable read; adds a warning for a
  // variable nginx does not have.
  Status CheckVariable(std::string_view var);
  Reject Assign(Field field, std::string_view value, LogRecord* record);
  // A line's time, from the last line's when its text is the same. Written
  // to *out rather than returned as an optional, which GCC copies through
  // memory in a way that cannot be store-forwarded (see IpAddress::Parse).
  bool ParseTime(Field field, std::string_view value, LogTime* out);
  // The first of `step`'s separator in [from, end) of the line starting at
  // `begin`, or nullptr.
  const char* FindSeparator(const char* begin, const char* from, const char* end, const Step& step) const;

  std::string name_;
  std::string text_;
  std::vector<std::string> warnings_;
  Escape escape_ = Escape::kDefault;
  std::string prefix_;  // literal text before the first field
  std::vector<Step> steps_;
  char cached_time_text_[40] = {};
  size_t cached_time_len_ = 0;
  Field cached_time_field_ = Field::kSkip;
  LogTime cached_time_ = 0;
};

// Splits an nginx $request ("GET /a?b HTTP/1.1") into the record's method,
// path, query and protocol. Junk ("-", TLS bytes, a bare path) leaves the
// method empty and the text in record->request only.
void SplitRequest(std::string_view request, LogRecord* record);
// Sets record->client from a logged client: an address, or a host name
// (Apache's HostnameLookups), kept in client_name under its key address
// (core/client_name.h). kBadClient for anything else.
Reject ParseClient(std::string_view text, LogRecord* record);

// "1234" to 1234; "-" and "" to -1. False for anything else.
bool ParseByteCount(std::string_view v, int64_t* out);
// "0.123" seconds to 123 ms; -1 for "-" or anything unreadable.
int32_t ParseSecondsToMs(std::string_view v);

}  // namespace defender
