// HttpServer: HTTP/1.1 on Boost.Beast, for the serve mode's API. One
// io_context thread; keep-alive; limits on header size, body size, time
// per request, number of connections (in all and per address; idle ones
// give way to new ones). A request that breaks a limit or
// does not parse gets a 400/413/431 and the connection is closed; one that
// does not arrive in time is closed without an answer. The handler only
// sees requests that parsed. Not thread-safe except Respond.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "core/cidr.h"
#include "core/ip_address.h"
#include "core/status.h"

namespace defender {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;
// Sends the response; may be called once, from any thread.
using Respond = std::function<void(HttpResponse)>;

struct HttpLimits {
  uint32_t max_header_bytes = 8 * 1024;
  uint64_t max_body_bytes = 64 * 1024;
  std::chrono::milliseconds request_timeout{10'000};  // from the first byte to the response sent
  std::chrono::milliseconds idle_timeout{60'000};     // a keep-alive connection between requests
  std::chrono::milliseconds first_byte_timeout{5'000};  // a new connection that has sent nothing
  size_t max_connections = 4096;
  // One address may hold at most this many; more are closed at once. When
  // all max_connections are open, a new one closes the connection idle the
  // longest (one waiting for its next request), so that a flood of idle
  // connections from many addresses cannot lock nginx out.
  size_t max_connections_per_peer = 256;
  std::vector<Cidr> uncapped_peers;  // not held to the per-peer cap: nginx (loopback, --trusted-peer)
};

// How a connection reads a request, shared with the HTTP fuzzer: the
// parser's header and body limits, and the bound on its read buffer (the
// parser holds a header section, the request's or a chunked body's trailer,
// whole in it; Beast does not count trailers against the header limit, and
// its field container throws on a field of 64 KiB).
constexpr size_t kMaxBufferedRequestBytes = 16 * 1024;
inline void ApplyLimits(http::request_parser<http::string_body>& parser, const HttpLimits& limits) {
  parser.header_limit(limits.max_header_bytes);
  parser.body_limit(limits.max_body_bytes);
}

struct HttpCounters {
  std::atomic<uint64_t> connections{0}, refused_connections{0}, bad_requests{0}, timeouts{0};
};

class HttpServer {
 public:
  using Handler = std::function<void(HttpRequest& request, const IpAddress& peer, Respond respond)>;

  // Listens on `endpoint`; fails when it cannot.
  static StatusOr<std::unique_ptr<HttpServer>> Create(boost::asio::io_context& io,
                                                      const boost::asio::ip::tcp::endpoint& endpoint, HttpLimits limits,
                                                      Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;  // owns the listening socket and its threads
  HttpServer& operator=(const HttpServer&) = delete;
  const HttpCounters& counters() const;
  // The port it listens on (the one asked for, or the one given for 0).
  uint16_t port() const;
  // Stops accepting; open connections end after their current request.
  void Close();

  struct Impl;  // shared with the open connections

 private:
  HttpServer() = default;
  std::shared_ptr<Impl> impl_;
};

// A response with a JSON (or plain text) body, for a request of this HTTP
// version and keep-alive wish (what to keep of a request whose answer comes later).
struct ResponseShape {
  unsigned version = 11;
  bool keep_alive = true;
};
HttpResponse MakeResponse(ResponseShape shape, http::status status, std::string body,
                          std::string_view content_type = "application/json");
inline ResponseShape ShapeOf(const HttpRequest& request) { return {request.version(), request.keep_alive()}; }
inline HttpResponse MakeResponse(const HttpRequest& request, http::status status, std::string body,
                                 std::string_view content_type = "application/json") {
  return MakeResponse(ShapeOf(request), status, std::move(body), content_type);
}

}  // namespace defender
