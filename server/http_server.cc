#include "server/http_server.h"

#include <algorithm>
#include <list>
#include <optional>

#include <absl/container/flat_hash_map.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

namespace defender {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
// The io_context's own executor, not a type-erased one: cheaper per operation.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Stream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;

HttpResponse MakeResponse(ResponseShape shape, http::status status, std::string body, std::string_view content_type) {
  HttpResponse res{status, shape.version};
  res.set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(shape.keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

namespace {

IpAddress PeerAddress(const tcp::endpoint& e) {
  auto a = IpAddress::Parse(e.address().to_string());  // v4-mapped v6 becomes v4
  return a ? *a : IpAddress();
}

// A response to a request that never reached the handler; the connection closes after it.
HttpResponse ErrorResponse(http::status status, std::string_view message) {
  return MakeResponse(ResponseShape{11, false}, status, fmt::format("{{\"error\":\"{}\"}}", message));
}

}  // namespace

namespace {
class Session;
}

struct HttpServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io_context, HttpLimits l, Handler h)
      : io(io_context), acceptor(io_context), retry(io_context), limits(l), handler(std::move(h)) {}

  void Accept();
  // At max_connections: closes the connection idle the longest; false if
  // none is idle.
  bool CloseOldestIdle();

  asio::io_context& io;
  tcp::acceptor acceptor;
  asio::steady_timer retry;  // accepting again after an error (out of file descriptors)
  HttpLimits limits;
  Handler handler;
  HttpCounters counters;
  size_t open = 0;
  absl::flat_hash_map<IpAddress, size_t> open_by_peer;
  // Connections waiting for a request, oldest first (all on the io thread).
  std::list<std::weak_ptr<Session>> idle;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  // The read buffer is bounded (see kMaxBufferedRequestBytes): past it a
  // read fails (431) instead of growing it. Bodies pass through in pieces.
  Session(Socket socket, std::shared_ptr<HttpServer::Impl> server)
      : stream_(std::move(socket)), server_(std::move(server)), buffer_(kMaxBufferedRequestBytes) {
    beast::error_code ec;
    peer_ = PeerAddress(stream_.socket().remote_endpoint(ec));
    ++server_->open;
    ++server_->open_by_peer[peer_];
  }
  ~Session() {
    --server_->open;
    if (--server_->open_by_peer[peer_] == 0) server_->open_by_peer.erase(peer_);
    LeaveIdle();
  }

  void Start() { WaitForRequest(); }
  // Closes a connection that waits for a request, for a new one.
  void CloseIdle() {
    LeaveIdle();
    Close();
  }

 private:
  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  // A new connection may wait first_byte_timeout for its first request, an
  // idle keep-alive one idle_timeout for its next; once a request's first
  // byte is in, the whole request has request_timeout. While it waits it is
  // on the server's idle list, and may be closed for a new connection.
  void WaitForRequest() {
    if (buffer_.size() > 0) return ReadRequest();
    stream_.expires_after(served_ ? server_->limits.idle_timeout : server_->limits.first_byte_timeout);
    idle_at_ = server_->idle.insert(server_->idle.end(), weak_from_this());
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->LeaveIdle();
      if (ec) return self->Close();
      self->buffer_.commit(n);
      self->ReadRequest();
    });
  }
  void LeaveIdle() {
    if (idle_at_) server_->idle.erase(*std::exchange(idle_at_, std::nullopt));
  }

  void ReadRequest() {
    parser_.emplace();
    ApplyLimits(*parser_, server_->limits);
    stream_.expires_after(server_->limits.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset) {
      return Close();
    }
    if (ec) {
      ++server_->counters.bad_requests;
      if (ec == beast::error::timeout) {  // the stream has closed the socket already
        ++server_->counters.timeouts;
        return;
      }
      if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
        return Write(ErrorResponse(http::status::request_header_fields_too_large, "headers too large"), true);
      }
      if (ec == http::error::body_limit) {
        return Write(ErrorResponse(http::status::payload_too_large, "body too large"), true);
      }
      return Write(ErrorResponse(http::status::bad_request, "malformed HTTP request"), true);
    }
    // The request stays in parser_ until the response is written.
    served_ = true;
    auto self = shared_from_this();
    server_->handler(parser_->get(), peer_, [self](HttpResponse res) {
      if (self->stream_.get_executor().running_in_this_thread()) return self->Write(std::move(res), false);
      asio::post(self->stream_.get_executor(), [self, r = std::make_shared<HttpResponse>(std::move(res))]() mutable {
        self->Write(std::move(*r), false);
      });
    });
  }

  void Write(HttpResponse res, bool close) {
    response_ = std::move(res);
    if (close) response_.keep_alive(false);
    stream_.expires_after(server_->limits.request_timeout);
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !self->response_.keep_alive()) return self->Close();
      self->WaitForRequest();
    });
  }

  Stream stream_;
  std::shared_ptr<HttpServer::Impl> server_;
  IpAddress peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpResponse response_;
  bool served_ = false;  // a request was answered: the connection is keep-alive
  std::optional<std::list<std::weak_ptr<Session>>::iterator> idle_at_;  // on server_->idle
};

}  // namespace

void HttpServer::Impl::Accept() {
  if (!acceptor.is_open()) return;  // Close()d
  auto socket = std::make_shared<Socket>(io.get_executor());
  acceptor.async_accept(*socket, [self = shared_from_this(), socket](beast::error_code ec) {
    if (ec == asio::error::operation_aborted) return;  // closed
    if (ec) {  // EMFILE and the like: try again a little later rather than spin
      self->retry.expires_after(std::chrono::milliseconds(50));
      self->retry.async_wait([self](beast::error_code e) {
        if (!e) self->Accept();
      });
      return;
    }
    ++self->counters.connections;
    const IpAddress peer = PeerAddress(socket->remote_endpoint(ec));
    auto from = self->open_by_peer.find(peer);
    const bool capped = std::none_of(self->limits.uncapped_peers.begin(), self->limits.uncapped_peers.end(),
                                     [&](const Cidr& c) { return c.Contains(peer); });
    if ((capped && from != self->open_by_peer.end() && from->second >= self->limits.max_connections_per_peer) ||
        (self->open >= self->limits.max_connections && !self->CloseOldestIdle())) {
      ++self->counters.refused_connections;
      socket->close(ec);
    } else {
      socket->set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(*socket), self)->Start();
    }
    self->Accept();
  });
}

bool HttpServer::Impl::CloseOldestIdle() {
  while (!idle.empty()) {
    std::shared_ptr<Session> oldest = idle.front().lock();
    if (!oldest) {
      idle.pop_front();
      continue;
    }
    oldest->CloseIdle();  // its read ends with an error, and the session with it
    return true;
  }
  return false;
}

StatusOr<std::unique_ptr<HttpServer>> HttpServer::Create(asio::io_context& io, const tcp::endpoint& endpoint,
                                                         HttpLimits limits, Handler handler) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->impl_ = std::make_shared<Impl>(io, limits, std::move(handler));
  beast::error_code ec;
  tcp::acceptor& a = server->impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Error(
        fmt::format("cannot listen on {}:{}: {}", endpoint.address().to_string(), endpoint.port(), ec.message()));
  }
  server->impl_->Accept();
  return server;
}

HttpServer::~HttpServer() { Close(); }

const HttpCounters& HttpServer::counters() const { return impl_->counters; }

uint16_t HttpServer::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void HttpServer::Close() {
  beast::error_code ec;
  impl_->acceptor.close(ec);
}

}  // namespace defender
