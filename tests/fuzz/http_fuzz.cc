// libFuzzer target: any bytes as what a client sends on one connection,
// read request after request the way serve's connections read them
// (Beast's http::read with the same parser limits and the same bounded
// buffer): chunked bodies, trailers, pipelining, broken framing. Nothing
// may throw, and no buffer may grow past its bound. Built with
// -DDEFENDER_FUZZ=ON.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include "server/http_server.h"

using namespace defender;

namespace {

// A SyncReadStream over the input, handing out at most 977 bytes a read
// (odd, so that reads end inside CRLFs and chunk sizes).
class BytesStream {
 public:
  using executor_type = boost::asio::any_io_executor;
  explicit BytesStream(std::string_view bytes) : rest_(bytes) {}
  template <typename Buffers>
  size_t read_some(const Buffers& buffers, boost::system::error_code& ec) {
    if (rest_.empty()) {
      ec = boost::asio::error::eof;
      return 0;
    }
    ec = {};
    size_t n = boost::asio::buffer_copy(buffers, boost::asio::buffer(rest_.data(), std::min<size_t>(rest_.size(), 977)));
    rest_.remove_prefix(n);
    return n;
  }
  template <typename Buffers>
  size_t read_some(const Buffers& buffers) {
    boost::system::error_code ec;
    return read_some(buffers, ec);
  }

 private:
  std::string_view rest_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  BytesStream stream(std::string_view(reinterpret_cast<const char*>(data), size));
  boost::beast::flat_buffer buffer(kMaxBufferedRequestBytes);
  HttpLimits limits;
  for (int requests = 0; requests < 64; ++requests) {
    http::request_parser<http::string_body> parser;
    ApplyLimits(parser, limits);
    boost::system::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (buffer.size() > kMaxBufferedRequestBytes) __builtin_trap();
    if (ec) break;
    if (parser.get().body().size() > limits.max_body_bytes) __builtin_trap();
  }
  return 0;
}
