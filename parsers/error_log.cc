#include "parsers/error_log.h"

#include "parsers/log_format.h"

namespace defender {

namespace {

constexpr std::string_view kClient = ", client: ";

struct MessageKind {
  std::string_view prefix;
  EventKind kind;
  bool user_controlled;  // the message quotes a client-chosen user name (no ':' in it)
};

constexpr MessageKind kMessages[] = {
    {"limiting requests, excess:", EventKind::kLimitReq, false},
    {"delaying request, excess:", EventKind::kLimitReq, false},  // limit_req with delay, one level below
    {"limiting connections by zone", EventKind::kLimitConn, false},
    {"no user/password was provided for basic authentication", EventKind::kAuthNoCredentials, false},
    {"access forbidden by rule", EventKind::kAccessForbidden, false},
    {"user \"", EventKind::kAuthUserNotFound, true},  // refined below
    {"PAM: user '", EventKind::kAuthPasswordMismatch, true},  // ngx_http_auth_pam_module
    {"SSL_do_handshake() failed", EventKind::kTlsHandshakeFailed, false},
    // The mail proxy: the quoted reason is the auth server's, the login
    // (client-chosen) comes after ", client: ".
    {"client login failed: \"", EventKind::kMailLoginFailed, false},
};

// Parses "ADDR, server: " or "ADDR, request: " or "ADDR" at the end, at s[pos].
std::optional<IpAddress> ClientAt(std::string_view s, size_t pos) {
  size_t end = s.find(',', pos);
  std::string_view addr = s.substr(pos, end == std::string_view::npos ? end : end - pos);
  return IpAddress::Parse(addr);
}

class ErrorLogParser : public LineParser {
 public:
  Reject Parse(std::string_view line, LogRecord* r) override {
    ClearRecord(r);
    if (line.empty()) return Reject::kEmpty;
    if (line.size() < 24 || line[19] != ' ' || line[20] != '[') return Reject::kFormatMismatch;
    auto t = ParseErrorLogTime(line.substr(0, 19));
    if (!t) return Reject::kFormatMismatch;
    r->time = *t;
    r->has_time = true;
    // "[level] pid#tid: *cid message"
    size_t p = line.find("] ", 20);
    if (p == std::string_view::npos) return Reject::kFormatMismatch;
    p = line.find(": ", p);
    if (p == std::string_view::npos) return Reject::kFormatMismatch;
    p += 2;
    if (p < line.size() && line[p] == '*') {
      p = line.find(' ', p);
      if (p == std::string_view::npos) return Reject::kFormatMismatch;
      ++p;
    }
    std::string_view message = line.substr(p);
    const MessageKind* kind = nullptr;
    for (const auto& m : kMessages) {
      if (message.substr(0, m.prefix.size()) == m.prefix) {
        kind = &m;
        break;
      }
    }
    if (kind == nullptr) return Reject::kIgnored;
    r->kind = kind->kind;
    // The first ", client: " is nginx's: what comes before it is nginx's own
    // text or, in a basic-auth failure, a user name, which cannot hold the
    // ':' (Basic credentials end the name at the first one). What comes
    // after it (request, host, referrer) is the client's.
    const size_t client_at = message.find(kClient);
    if (client_at == std::string_view::npos) return Reject::kFormatMismatch;
    if (kind->user_controlled) {
      // user "NAME" was not found in "FILE" / user "NAME": password mismatch.
      std::string_view head = message.substr(0, client_at);
      if (head.ends_with("\": password mismatch") ||
          (head.starts_with("PAM: user '") && head.find("' - not authenticated") != std::string_view::npos)) {
        r->kind = EventKind::kAuthPasswordMismatch;
      } else if (head.find("\" was not found in \"") != std::string_view::npos) {
        r->kind = EventKind::kAuthUserNotFound;
      } else {
        return Reject::kIgnored;
      }
    }
    auto client = ClientAt(message, client_at + kClient.size());
    if (!client) return Reject::kBadClient;
    r->client = *client;
    std::string_view rest = message.substr(client_at + kClient.size());
    size_t req = rest.find(", request: \"");
    if (req != std::string_view::npos) {
      std::string_view request = rest.substr(req + 12);
      size_t close = request.rfind("\", host: \"");
      if (close == std::string_view::npos) close = request.rfind('"');
      SplitRequest(request.substr(0, close), r);
      if (close != std::string_view::npos && request.substr(close).starts_with("\", host: \"")) {
        std::string_view host = request.substr(close + 10);
        r->host = host.substr(0, host.find('"'));
      }
    }
    return Reject::kNone;
  }

  std::string_view name() const override { return "error"; }
};

}  // namespace

std::unique_ptr<LineParser> NewErrorLogParser() { return std::make_unique<ErrorLogParser>(); }

}  // namespace defender
