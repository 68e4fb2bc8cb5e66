// Syslog input (--syslog-listen udp://ADDR:PORT or tcp://...): nginx's
// `access_log syslog:server=...` sends each log line as one UDP datagram,
// framed by RFC 3164 ("<190>Dec  2 20:03:06 host nginx: LINE"); rsyslog
// forwards over UDP or TCP, RFC 3164 or 5424. A syslog source receives
// them, keeps those from the allowed senders, strips the framing and hands
// the log lines on, one a line; what it refuses is dropped and counted.
// UDP senders are never made to wait (what the socket's buffer cannot
// hold, the kernel drops). Each line handed on is the sender's host name, a
// tab and the log line (SplitSyslogLine). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// A syslog source's line taken apart: the host name the sender gave
// (empty when it gave none, or one that is not printable ASCII of at most
// 255 bytes) and the log line.
inline std::pair<std::string_view, std::string_view> SplitSyslogLine(std::string_view line) {
  const size_t tab = line.find('\t');
  if (tab == std::string_view::npos) return {{}, line};
  return {line.substr(0, tab), line.substr(tab + 1)};
}

struct SyslogCounters {
  uint64_t received = 0;     // messages: UDP datagrams, TCP frames
  uint64_t not_allowed = 0;  // from a sender outside --syslog-allow (a datagram, a connection): dropped
  uint64_t malformed = 0;    // not syslog, not one line, a broken TCP stream or one too many: dropped
  uint64_t overflowed = 0;   // UDP: dropped by the kernel, the socket's buffer full (a burst)
};

// Listens on `listen` ("udp://ADDR:PORT", "tcp://[ADDR]:PORT") for syslog
// from `allow` (empty: loopback only): UDP datagrams, or TCP streams framed
// by octet counting or line breaks (RFC 6587), at most 256 connections.
// Reports idle after `idle_ms` without data; never ends. `counters`
// outlives the source. kInvalid for a bad address, kFailed when the socket
// cannot be bound.
StatusOr<std::unique_ptr<ByteSource>> NewSyslogSource(std::string_view listen, std::vector<Cidr> allow, int idle_ms,
                                                     SyslogCounters* counters);

}  // namespace defender
