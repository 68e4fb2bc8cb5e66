#include "server/http_server.h"

#include <doctest/doctest.h>

#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

using namespace defender;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// A server on a free loopback port whose handler answers 204, run on its
// own thread for the test's length.
struct Served {
  asio::io_context io{1};
  std::unique_ptr<HttpServer> server;
  std::thread thread;
  explicit Served(HttpLimits limits) {
    auto listening = HttpServer::Create(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), limits,
                                        [](HttpRequest& r, const IpAddress&, Respond respond) {
                                          respond(MakeResponse(r, http::status::no_content, ""));
                                        });
    REQUIRE_MESSAGE(listening.ok(), listening.status().message());
    server = std::move(*listening);
    thread = std::thread([this] { io.run(); });
  }
  ~Served() {
    asio::post(io, [this] { server->Close(); });
    io.stop();
    thread.join();
  }
  uint16_t port() const { return server->port(); }
};

// Connects, sends a request if asked, and reads the status ("" when the
// server closed the connection without an answer).
std::string Ask(asio::io_context& io, uint16_t port, tcp::socket* keep = nullptr) {
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  boost::system::error_code ec;
  asio::write(s, asio::buffer(request), ec);
  char answer[12] = {};
  asio::read(s, asio::buffer(answer), ec);
  if (keep) *keep = std::move(s);
  return ec ? "" : std::string(answer + 9, 3);
}

}  // namespace

TEST_CASE("one address holds at most max_connections_per_peer; uncapped peers are not held to it") {
  HttpLimits limits;
  limits.max_connections_per_peer = 4;
  Served served(limits);
  asio::io_context client;
  std::vector<tcp::socket> held;
  for (int i = 0; i < 4; ++i) {
    held.emplace_back(client);
    CHECK(Ask(client, served.port(), &held.back()) == "204");
  }
  CHECK(Ask(client, served.port()) == "");  // the fifth is closed at once
  held.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(Ask(client, served.port()) == "204");

  limits.uncapped_peers = {*Cidr::Parse("127.0.0.0/8")};
  Served nginx(limits);
  for (int i = 0; i < 8; ++i) {
    held.emplace_back(client);
    CHECK(Ask(client, nginx.port(), &held.back()) == "204");
  }
}

TEST_CASE("at the connection cap a new connection closes the one idle the longest") {
  HttpLimits limits;
  limits.max_connections = 4;
  limits.uncapped_peers = {*Cidr::Parse("127.0.0.0/8")};
  Served served(limits);
  asio::io_context client;
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 10; ++i) {  // connected, nothing sent
    idle.emplace_back(client);
    idle.back().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), served.port()));
  }
  CHECK(Ask(client, served.port()) == "204");
}

TEST_CASE("a connection that sends nothing is closed after first_byte_timeout") {
  HttpLimits limits;
  limits.first_byte_timeout = std::chrono::milliseconds(200);
  Served served(limits);
  asio::io_context client;
  tcp::socket s(client);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), served.port()));
  char byte;
  boost::system::error_code ec;
  auto start = std::chrono::steady_clock::now();
  asio::read(s, asio::buffer(&byte, 1), ec);  // returns when the server closes
  CHECK(ec);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
}
