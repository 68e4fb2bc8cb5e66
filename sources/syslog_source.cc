#include "sources/syslog_source.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "core/host_port.h"
#include "core/huge_array.h"
#include "sources/line_reader.h"

namespace defender {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Splits off the next space-separated field of `rest`.
std::string_view NextField(std::string_view* rest) {
  const size_t sp = rest->find(' ');
  std::string_view field = rest->substr(0, sp);
  *rest = sp == std::string_view::npos ? std::string_view() : rest->substr(sp + 1);
  return field;
}

// RFC 5424 after "<PRI>1 ": TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG].
std::optional<SyslogMessage> Parse5424(std::string_view rest) {
  NextField(&rest);  // the timestamp
  std::string_view host = NextField(&rest);
  NextField(&rest);  // app name
  NextField(&rest);  // process id
  NextField(&rest);  // message id
  if (rest.empty()) return std::nullopt;
  if (rest[0] == '-') {
    rest.remove_prefix(1);
  } else {
    // Structured data: [id param="value" ...]..., values escape ] as \].
    while (!rest.empty() && rest[0] == '[') {
      size_t i = 1;
      while (i < rest.size() && rest[i] != ']') i += rest[i] == '\\' ? 2 : 1;
      if (i >= rest.size()) return std::nullopt;
      rest.remove_prefix(i + 1);
    }
  }
  if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);  // a UTF-8 BOM may start MSG
  return SyslogMessage{host == "-" ? std::string_view() : host, rest};
}

// RFC 3164 after "<PRI>": "Mmm dd hh:mm:ss HOSTNAME TAG: MSG", as nginx
// writes it (TAG may carry "[pid]"; nginx's `nohostname` leaves HOSTNAME
// out).
std::optional<SyslogMessage> Parse3164(std::string_view rest) {
  if (rest.size() < 16 || rest[3] != ' ' || rest[6] != ' ' || rest[9] != ':' || rest[12] != ':' || rest[15] != ' ') {
    return std::nullopt;
  }
  rest.remove_prefix(16);
  std::string_view host;
  if (const size_t sp = rest.find(' '); sp != std::string_view::npos && sp > 0 && rest[sp - 1] != ':') {
    host = NextField(&rest);
  }
  const size_t colon = rest.find(": ");
  const size_t space = rest.find(' ');
  if (colon == std::string_view::npos || space < colon + 1) return std::nullopt;  // the tag is one word
  return SyslogMessage{host, rest.substr(colon + 2)};
}

}  // namespace

std::optional<SyslogMessage> ParseSyslog(std::string_view d) {
  while (!d.empty() && (d.back() == '\n' || d.back() == '\r')) d.remove_suffix(1);
  if (d.size() < 3 || d[0] != '<') return std::nullopt;
  size_t i = 1;
  int pri = 0;
  while (i < d.size() && i <= 3 && IsDigit(d[i])) pri = pri * 10 + (d[i++] - '0');
  if (i == 1 || i >= d.size() || d[i] != '>' || pri > 191) return std::nullopt;
  std::string_view rest = d.substr(i + 1);
  std::optional<SyslogMessage> m = rest.starts_with("1 ") ? Parse5424(rest.substr(2)) : Parse3164(rest);
  if (!m || m->message.empty()) return std::nullopt;
  // One vectorised scan a byte: find_first_of would call memchr over the
  // set for every byte of the message (a quarter of the intake's time).
  const std::string_view msg = m->message;
  for (char c : {'\n', '\r', '\0'}) {
    if (std::memchr(msg.data(), c, msg.size()) != nullptr) return std::nullopt;
  }
  return m;
}

namespace {

// "udp://ADDR:PORT", "tcp://[ADDR]:PORT"...; *tcp says which.
StatusOr<sockaddr_storage> ParseListen(std::string_view listen, socklen_t* length, bool* tcp) {
  auto bad = [&] {
    return Status::Invalid(fmt::format("--syslog-listen {}: not udp://ADDRESS:PORT or tcp://ADDRESS:PORT", listen));
  };
  *tcp = listen.starts_with("tcp://");
  if (!*tcp && !listen.starts_with("udp://")) return bad();
  const auto hp = ParseHostPort(listen.substr(6));
  if (!hp) return bad();
  sockaddr_storage s{};
  if (hp->address.is_v4()) {
    auto* in = reinterpret_cast<sockaddr_in*>(&s);
    in->sin_family = AF_INET;
    in->sin_port = htons(hp->port);
    in->sin_addr.s_addr = htonl(hp->address.v4());
    *length = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&s);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(hp->port);
    std::memcpy(in6->sin6_addr.s6_addr, hp->address.bytes().data(), 16);
    *length = sizeof(sockaddr_in6);
  }
  return s;
}

IpAddress SenderOf(const sockaddr_storage& s) {
  if (s.ss_family == AF_INET) {
    return IpAddress::FromV4(ntohl(reinterpret_cast<const sockaddr_in*>(&s)->sin_addr.s_addr));
  }
  std::array<uint8_t, 16> bytes;
  std::memcpy(bytes.data(), reinterpret_cast<const sockaddr_in6*>(&s)->sin6_addr.s6_addr, 16);
  return IpAddress::FromBytes(bytes);  // an IPv4-mapped sender stays IPv4
}

// A host name worth keeping: printable ASCII (no space, no tab), 255 bytes at most.
bool IsPlainHost(std::string_view host) {
  return host.size() <= 255 && std::all_of(host.begin(), host.end(), [](char c) { return c > ' ' && c < 127; });
}

// Appends "HOST\tLINE\n" (SplitSyslogLine's form) to buf[*used, cap) if it
// fits, else keeps it in *pending.
void Emit(const SyslogMessage& m, char* buf, size_t cap, size_t* used, std::string* pending) {
  const std::string_view host = IsPlainHost(m.host) ? m.host : std::string_view();
  const size_t size = host.size() + 1 + m.message.size() + 1;
  if (*used + size > cap) {
    pending->assign(host).append("\t").append(m.message).push_back('\n');
    return;
  }
  char* to = buf + *used;
  std::copy(host.begin(), host.end(), to);  // no memcpy: an empty view may have no data
  to[host.size()] = '\t';
  std::copy(m.message.begin(), m.message.end(), to + host.size() + 1);
  to[size - 1] = '\n';
  *used += size;
}

// Moves a line that did not fit the last read into buf.
Status TakePending(std::string* pending, char* buf, size_t cap, size_t* used) {
  if (pending->empty()) return Status::Ok();
  if (pending->size() > cap) return Status::Error("syslog: a line longer than the read buffer");
  std::memcpy(buf, pending->data(), pending->size());
  *used = pending->size();
  pending->clear();
  return Status::Ok();
}

bool IsAllowed(const std::vector<Cidr>& allow, const IpAddress& sender) {
  if (allow.empty()) return sender.is_loopback();
  return std::any_of(allow.begin(), allow.end(), [&](const Cidr& c) { return c.Contains(sender); });
}

class SyslogSource : public ByteSource {
 public:
  SyslogSource(int fd, std::vector<Cidr> allow, int idle_ms, SyslogCounters* counters)
      : fd_(fd), allow_(std::move(allow)), idle_ms_(idle_ms), counters_(counters), buffers_(kBatch * kMaxDatagram) {
    for (size_t i = 0; i < kBatch; ++i) {
      iov_[i] = {buffers_.data() + i * kMaxDatagram, kMaxDatagram};
      messages_[i].msg_hdr.msg_iov = &iov_[i];
      messages_[i].msg_hdr.msg_iovlen = 1;
      messages_[i].msg_hdr.msg_name = &senders_[i];
      messages_[i].msg_hdr.msg_control = control_[i].data();
    }
  }
  ~SyslogSource() override { close(fd_); }

  Status Read(char* buf, size_t cap, ReadResult* result) override {
    *result = ReadResult();
    size_t used = 0;
    if (Status s = TakePending(&pending_, buf, cap, &used); !s.ok()) return s;
    used = TakeReceived(buf, cap, used);  // what the last batch left
    // Say "idle" at once the first time nothing is there, so the caller
    // flushes its output before we block for up to idle_ms_.
    pollfd p{fd_, POLLIN, 0};
    if (used == 0 && poll(&p, 1, reported_idle_ ? idle_ms_ : 0) <= 0) {
      reported_idle_ = true;
      return Status::Ok();
    }
    reported_idle_ = false;
    // Up to kBatch datagrams a system call: a sender on the next core sends
    // faster than one recvfrom a datagram takes them in.
    while (pending_.empty() && next_ == received_) {
      for (size_t k = 0; k < kBatch; ++k) {
        messages_[k].msg_hdr.msg_namelen = sizeof(senders_[k]);
        messages_[k].msg_hdr.msg_controllen = control_[k].size();
      }
      const int n = recvmmsg(fd_, messages_.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        return Status::Error(fmt::format("syslog: {}", strerror(errno)));
      }
      if (n == 0) break;
      next_ = 0;
      received_ = size_t(n);
      counters_->received += uint64_t(n);
      CountOverflow(messages_[size_t(n) - 1].msg_hdr);
      for (size_t k = 0; k < received_; ++k) position_ += messages_[k].msg_len;
      used = TakeReceived(buf, cap, used);
    }
    result->n = used;
    return Status::Ok();
  }

  uint64_t position() const override { return position_; }

 private:
  // The largest UDP payload: nginx sends a line whole whatever its length
  // (a client can make it log 4 bytes for each byte of its request), and a
  // datagram cut short is malformed, its line unread.
  static constexpr size_t kBatch = 32, kMaxDatagram = 64 << 10;

  // The kernel's count of datagrams it dropped, the socket's buffer full,
  // comes with each one received (SO_RXQ_OVFL); it only grows.
  void CountOverflow(msghdr& h) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL) continue;
      uint32_t dropped;
      std::memcpy(&dropped, CMSG_DATA(c), sizeof(dropped));
      counters_->overflowed = std::max<uint64_t>(counters_->overflowed, dropped);
    }
  }

  // Copies the lines of the datagrams received and not yet taken into
  // buf[used, cap), the first that does not fit into pending_; returns the
  // new `used`.
  size_t TakeReceived(char* buf, size_t cap, size_t used) {
    for (; next_ < received_ && pending_.empty(); ++next_) {
      const mmsghdr& m = messages_[next_];
      if (!IsAllowed(allow_, SenderOf(senders_[next_]))) {
        ++counters_->not_allowed;
        continue;
      }
      auto line = (m.msg_hdr.msg_flags & MSG_TRUNC) != 0
                      ? std::nullopt
                      : ParseSyslog(std::string_view(static_cast<const char*>(iov_[next_].iov_base), m.msg_len));
      if (!line) {
        ++counters_->malformed;
        continue;
      }
      Emit(*line, buf, cap, &used, &pending_);
    }
    return used;
  }

  int fd_;
  std::vector<Cidr> allow_;
  int idle_ms_;
  SyslogCounters* counters_;
  HugeArray<char> buffers_;  // kBatch datagrams, 2 MB: mapped, touched as datagrams come
  std::array<iovec, kBatch> iov_{};
  std::array<mmsghdr, kBatch> messages_{};
  std::array<sockaddr_storage, kBatch> senders_{};
  std::array<std::array<char, CMSG_SPACE(sizeof(uint32_t))>, kBatch> control_{};
  size_t next_ = 0, received_ = 0;  // messages_[next_, received_) are not taken yet
  std::string pending_;
  uint64_t position_ = 0;
  bool reported_idle_ = false;
};

// Syslog over TCP (RFC 6587): each connection's stream is framed by octet
// counting ("LEN MSG", as rsyslog sends with TCP_Framing="octet-counted")
// or by line breaks. Senders outside the allowlist are closed at once; a
// connection whose framing breaks (a count over kMaxFrame, a line longer)
// is closed and counted.
class SyslogTcpSource : public ByteSource {
 public:
  SyslogTcpSource(int listen_fd, std::vector<Cidr> allow, int idle_ms, SyslogCounters* counters)
      : listen_fd_(listen_fd), allow_(std::move(allow)), idle_ms_(idle_ms), counters_(counters) {}
  ~SyslogTcpSource() override {
    for (const Connection& c : connections_) close(c.fd);
    close(listen_fd_);
  }

  Status Read(char* buf, size_t cap, ReadResult* result) override {
    *result = ReadResult();
    size_t used = 0;
    if (Status s = TakePending(&pending_, buf, cap, &used); !s.ok()) return s;
    used = TakeFrames(buf, cap, used);
    if (used > 0 || !pending_.empty()) {
      result->n = used;
      return Status::Ok();
    }
    std::vector<pollfd> polled{{listen_fd_, POLLIN, 0}};
    for (const Connection& c : connections_) polled.push_back({c.ended ? -1 : c.fd, POLLIN, 0});
    if (poll(polled.data(), polled.size(), reported_idle_ ? idle_ms_ : 0) <= 0) {
      reported_idle_ = true;
      return Status::Ok();
    }
    reported_idle_ = false;
    for (size_t i = connections_.size(); i-- > 0;) {  // backwards: a closed one is erased
      if (polled[i + 1].revents != 0) Receive(i);
    }
    if (polled[0].revents & POLLIN) Accept();
    result->n = TakeFrames(buf, cap, used);
    return Status::Ok();
  }

  uint64_t position() const override { return position_; }

 private:
  static constexpr size_t kMaxConnections = 256, kMaxFrame = kDefaultMaxLine;
  struct Connection {
    int fd;
    std::string in;  // received, not framed yet, from `at` on
    size_t at = 0;
    bool ended = false;  // the sender closed: closed here once its frames are taken
  };

  void Accept() {
    while (true) {
      sockaddr_storage from{};
      socklen_t length = sizeof(from);
      const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&from), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or a connection that went away
      if (!IsAllowed(allow_, SenderOf(from))) {
        ++counters_->not_allowed;
        close(fd);
      } else if (connections_.size() >= kMaxConnections) {
        ++counters_->malformed;
        close(fd);
      } else {
        connections_.push_back({fd, {}, 0});
      }
    }
  }

  // Reads what connection i has; closes it at its end.
  void Receive(size_t i) {
    Connection& c = connections_[i];
    char chunk[16384];
    while (c.in.size() - c.at < 2 * kMaxFrame) {  // bounded: the rest waits in the socket
      const ssize_t n = ::read(c.fd, chunk, sizeof(chunk));
      if (n > 0) {
        c.in.append(chunk, size_t(n));
        position_ += uint64_t(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
      c.ended = true;  // its frames are still to be taken (TakeFrames)
      return;
    }
  }

  void Close(size_t i) {
    close(connections_[i].fd);
    connections_.erase(connections_.begin() + long(i));
  }

  // Frames of every connection into buf[used, cap), until one does not fit.
  size_t TakeFrames(char* buf, size_t cap, size_t used) {
    for (size_t i = connections_.size(); i-- > 0 && pending_.empty();) {
      Connection& c = connections_[i];
      bool closed = false;
      while (pending_.empty() && !closed) {
        std::string_view rest(c.in.data() + c.at, c.in.size() - c.at);
        size_t digits = 0;
        while (digits < rest.size() && digits < 7 && IsDigit(rest[digits])) ++digits;
        std::string_view frame;
        if (digits > 0) {  // octet counting
          if (digits == rest.size()) break;
          size_t length = 0;
          std::from_chars(rest.data(), rest.data() + digits, length);
          if (rest[digits] != ' ' || length == 0 || length > kMaxFrame) {
            closed = true;
            break;
          }
          if (rest.size() < digits + 1 + length) break;
          frame = rest.substr(digits + 1, length);
          c.at += digits + 1 + length;
        } else {  // a line
          const size_t nl = rest.find('\n');
          if (nl == std::string_view::npos) {
            closed = rest.size() > kMaxFrame;
            break;
          }
          frame = rest.substr(0, nl);
          c.at += nl + 1;
        }
        ++counters_->received;
        if (auto m = ParseSyslog(frame)) {
          Emit(*m, buf, cap, &used, &pending_);
        } else {
          ++counters_->malformed;
        }
      }
      if (closed) {  // its framing broke: what follows cannot be found
        ++counters_->malformed;
        Close(i);
      } else if (c.ended && pending_.empty()) {  // every whole frame taken
        if (c.at < c.in.size()) ++counters_->malformed;  // a frame cut by the end
        Close(i);
      } else if (c.at > c.in.size() / 2) {
        c.in.erase(0, c.at);
        c.at = 0;
      }
    }
    return used;
  }

  int listen_fd_;
  std::vector<Cidr> allow_;
  int idle_ms_;
  SyslogCounters* counters_;
  std::vector<Connection> connections_;
  std::string pending_;
  uint64_t position_ = 0;
  bool reported_idle_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<ByteSource>> NewSyslogSource(std::string_view listen, std::vector<Cidr> allow, int idle_ms,
                                                     SyslogCounters* counters) {
  socklen_t length = 0;
  bool tcp = false;
  auto address = ParseListen(listen, &length, &tcp);
  if (!address.ok()) return address.status();
  const int fd = socket(address->ss_family, (tcp ? SOCK_STREAM | SOCK_NONBLOCK : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Error(fmt::format("--syslog-listen {}: {}", listen, strerror(errno)));
  if (tcp) {
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (bind(fd, reinterpret_cast<const sockaddr*>(&*address), length) != 0 || ::listen(fd, 128) != 0) {
      Status failed = Status::Error(fmt::format("--syslog-listen {}: {}", listen, strerror(errno)));
      close(fd);
      return failed;
    }
    return std::unique_ptr<ByteSource>(new SyslogTcpSource(fd, std::move(allow), idle_ms, counters));
  }
  // A large receive buffer absorbs bursts: forced past net.core.rmem_max
  // where we may (CAP_NET_ADMIN), else as much as that allows.
  const int buffer = 16 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof(buffer)) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
  }
  const int on = 1;  // what a burst overflows is counted (SyslogCounters::overflowed)
  setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
  if (bind(fd, reinterpret_cast<const sockaddr*>(&*address), length) != 0) {
    Status failed = Status::Error(fmt::format("--syslog-listen {}: {}", listen, strerror(errno)));
    close(fd);
    return failed;
  }
  return std::unique_ptr<ByteSource>(new SyslogSource(fd, std::move(allow), idle_ms, counters));
}

}  // namespace defender
