// LogRecord: one parsed log line. Every string_view points into the reader's
// line buffer (or the parser's scratch) and is valid only until the next line
// is read; copy what you keep. Strings are as nginx logged them (escaped as
// \xHH); parsers/request_decoder.h decodes them for matching. A field the log
// does not have, or that nginx logged as "-", is empty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/ip_address.h"
#include "core/log_time.h"

namespace defender {

enum class EventKind : uint8_t {
  kRequest,               // an access-log line
  kLimitReq,              // error log: "limiting requests"
  kLimitConn,             // error log: "limiting connections"
  kAuthUserNotFound,      // error log: user "x" was not found in "..."
  kAuthPasswordMismatch,  // error log: user "x": password mismatch
  kAuthNoCredentials,     // error log: no user/password was provided for basic authentication
  kAccessForbidden,       // error log: access forbidden by rule
  kTlsHandshakeFailed,    // error log: SSL_do_handshake() failed (not TLS, or a broken client)
  kMailLoginFailed,       // error log of nginx's mail proxy: client login failed
};
inline constexpr int kEventKinds = 9;

std::string_view EventKindName(EventKind kind);

struct LogRecord {
  IpAddress client;
  std::string_view client_name;  // a client logged by host name (core/client_name.h); empty for an address
  bool truncated = false;        // the line ended inside its last quoted field
  LogTime time = 0;
  bool has_time = false;
  EventKind kind = EventKind::kRequest;
  int status = 0;          // 0 when the format has none
  int64_t bytes = -1;      // -1 when absent
  int32_t request_time_ms = -1;

  std::string_view request;   // the raw request line, e.g. GET /a?b=1 HTTP/1.1
  std::string_view method;    // empty for junk request lines ("-", TLS bytes, a bare path)
  std::string_view path;      // request target before '?'
  std::string_view query;     // after '?', without it
  std::string_view protocol;  // HTTP/1.1
  std::string_view referer;
  std::string_view user_agent;
  std::string_view x_forwarded_for;
  std::string_view host;
  std::string_view remote_user;
  std::string_view upstream_response_time;  // may be a comma list
  std::string_view sender;  // a line received over syslog: the host name of the server that sent it
};

// Copies a record 16 bytes at a time. A plain assignment (or memcpy) of
// its 264 bytes compiles to `rep movsq`, which measured several times
// slower here on the lines that went between threads (parse-ahead).
void CopyRecord(const LogRecord& from, LogRecord* to);
// Makes `record` a new LogRecord(), with CopyRecord: parsers call it first
// for every line.
void ClearRecord(LogRecord* record);

// A record kept past its line (read ahead on another thread, held to be put
// back in time order): the line, and each field that is not inside it (a
// parser's scratch), copied into one buffer of RecordTextSize() bytes that
// the caller owns. CopyRecordText() points the record's views into `dest`
// and returns the copy of the line.
size_t RecordTextSize(std::string_view line, const LogRecord& record);
std::string_view CopyRecordText(std::string_view line, LogRecord* record, char* dest);

}  // namespace defender
