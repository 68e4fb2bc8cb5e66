// Syslog input (--syslog-listen udp://ADDR:PORT): nginx's `access_log
// syslog:server=...` and rsyslog's forwarding send each log line as one
// datagram, framed by RFC 3164 (nginx: "<190>Dec  2 20:03:06 host nginx:
// LINE") or RFC 5424. A syslog source receives them on a bound UDP socket,
// keeps those from the allowed senders, strips the framing and hands the
// log lines on, one a line; what it refuses is dropped and counted, and the
// senders are never made to wait (what the socket's buffer cannot hold, the
// kernel drops). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cidr.h"
#include "core/status.h"
#include "sources/byte_source.h"

namespace defender {

struct SyslogMessage {
  std::string_view host;     // the sender's HOSTNAME field, empty if "-"
  std::string_view message;  // the log line
};
// The host and message of one datagram, or nullopt when it is not RFC 3164
// or 5424 syslog, or its message holds a line break or a NUL (a datagram is
// one line). A trailing line break is not part of the message.
std::optional<SyslogMessage> ParseSyslog(std::string_view datagram);

struct SyslogCounters {
  uint64_t received = 0;     // datagrams read from the socket
  uint64_t not_allowed = 0;  // from a sender outside --syslog-allow: dropped
  uint64_t malformed = 0;    // not syslog, or not one line: dropped
};

// Listens on `listen` ("udp://ADDR:PORT", "udp://[ADDR]:PORT") for datagrams
// from `allow` (empty: loopback only). Reports idle after `idle_ms` without
// data; never ends. `counters` outlives the source. kInvalid for a bad
// address (tcp:// is not supported yet), kFailed when the socket cannot be
// bound.
StatusOr<std::unique_ptr<ByteSource>> NewSyslogSource(std::string_view listen, std::vector<Cidr> allow, int idle_ms,
                                                     SyslogCounters* counters);

}  // namespace defender
