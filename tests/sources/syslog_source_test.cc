#include "sources/syslog_source.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_util.h"

using namespace defender;
using defender::testing::Must;

TEST_CASE("nginx's RFC 3164 datagrams and RFC 5424 ones give their host and log line") {
  auto m = ParseSyslog("<190>Dec  2 20:03:06 web-1 nginx: 127.0.0.1 - - [02/Dec/2026:20:03:06 +0000] \"GET / HTTP/1.1\" 200 3");
  REQUIRE(m);
  CHECK(m->host == "web-1");
  CHECK(m->message == "127.0.0.1 - - [02/Dec/2026:20:03:06 +0000] \"GET / HTTP/1.1\" 200 3");
  m = ParseSyslog("<190>Dec 12 20:03:06 web-2 nginx[42]: a line: with colons\n");  // a trailing newline goes
  REQUIRE(m);
  CHECK(m->message == "a line: with colons");
  m = ParseSyslog("<190>Dec 12 20:03:06 nginx: without the host name");  // nginx's nohostname
  REQUIRE(m);
  CHECK(m->host.empty());
  CHECK(m->message == "without the host name");
  m = ParseSyslog("<165>1 2026-12-02T20:03:06.003Z web-3 nginx 42 ID47 [ex@32473 iut=\"3\" note=\"a \\] b\"] \xEF\xBB\xBFthe line");
  REQUIRE(m);
  CHECK(m->host == "web-3");
  CHECK(m->message == "the line");
  m = ParseSyslog("<165>1 - - - - - - the line");
  REQUIRE(m);
  CHECK(m->host.empty());
  CHECK(m->message == "the line");
}

TEST_CASE("what is not syslog, or not one line, is refused") {
  for (std::string_view bad : {"", "hello", "<>Dec  2 20:03:06 h nginx: x", "<192>Dec  2 20:03:06 h nginx: x",
                               "<1900>Dec  2 20:03:06 h nginx: x", "<190>yesterday h nginx: x",
                               "<190>Dec  2 20:03:06 h nginx: two\nlines", "<190>Dec  2 20:03:06 h nginx: ",
                               "<190>Dec  2 20:03:06 h a tag: x", "<165>1 ts h app - - [unclosed x"}) {
    CHECK_MESSAGE(!ParseSyslog(bad), bad);
  }
  CHECK(!ParseSyslog(std::string_view("<190>Dec  2 20:03:06 h nginx: a\0b", 32)));
}

namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int FreeUdpPort() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a = Loopback(0);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t length = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length);
  close(fd);
  return ntohs(a.sin_port);
}

void Send(int port, std::string_view datagram) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  const sockaddr_in a = Loopback(port);
  sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&a), sizeof(a));
  close(fd);
}

// Everything the source hands on before it reports idle.
// What `source` gives until it idles twice, read `size` bytes at most at a
// time (a line reader's free room is at least 1 MiB).
std::string ReadAll(ByteSource& source, size_t size = 256) {
  std::string out;
  std::vector<char> buf(size);
  for (int idle = 0; idle < 2;) {
    ReadResult r;
    REQUIRE(source.Read(buf.data(), buf.size(), &r).ok());
    out.append(buf.data(), r.n);
    idle = r.n == 0 ? idle + 1 : 0;
  }
  return out;
}

}  // namespace

TEST_CASE("a syslog source hands on the lines of allowed senders, and counts what it drops") {
  const int port = FreeUdpPort();
  SyslogCounters counters;
  auto source = Must(NewSyslogSource(fmt::format("udp://127.0.0.1:{}", port), {}, 50, &counters));
  const std::string long_line(200, 'x');  // two of them do not fit one read: the second waits
  Send(port, "<190>Dec  2 20:03:06 web-1 nginx: first line");
  Send(port, "not syslog");
  Send(port, "<190>Dec  2 20:03:06 web-1 nginx: " + long_line);
  Send(port, "<190>Dec  2 20:03:06 nginx: " + long_line);  // nohostname
  Send(port, "<165>1 - web-\x01 nginx - - - last line");  // a host name that is not plain is not kept
  // Each line is the sender's host name, a tab and the log line.
  const std::string got = ReadAll(*source);
  CHECK(got == "web-1\tfirst line\nweb-1\t" + long_line + "\n\t" + long_line + "\n\tlast line\n");
  CHECK(SplitSyslogLine("web-1\tfirst line") == std::pair<std::string_view, std::string_view>("web-1", "first line"));
  CHECK(counters.received == 5);
  CHECK(counters.malformed == 1);
  CHECK(counters.not_allowed == 0);

  // Loopback is not in an allowlist that names only other networks.
  const int other_port = FreeUdpPort();
  SyslogCounters refused;
  auto elsewhere = Must(
      NewSyslogSource(fmt::format("udp://127.0.0.1:{}", other_port), {*Cidr::Parse("10.0.0.0/8")}, 50, &refused));
  Send(other_port, "<190>Dec  2 20:03:06 web-1 nginx: a line");
  CHECK(ReadAll(*elsewhere).empty());
  CHECK(refused.not_allowed == 1);
}

TEST_CASE("--syslog-listen takes udp://ADDRESS:PORT and says what is wrong otherwise") {
  SyslogCounters counters;
  for (std::string_view bad : {"127.0.0.1:5514", "udp://127.0.0.1", "udp://localhost:5514", "udp://127.0.0.1:0",
                               "udp://127.0.0.1:70000", "udp://[::1:5514"}) {
    auto s = NewSyslogSource(bad, {}, 50, &counters);
    CHECK_MESSAGE(s.status().code() == StatusCode::kInvalid, bad);
  }
  CHECK(NewSyslogSource("sctp://127.0.0.1:5514", {}, 50, &counters).status().message().find("tcp://") !=
        std::string::npos);
  const int port = FreeUdpPort();
  CHECK(NewSyslogSource(fmt::format("udp://[::1]:{}", port), {}, 50, &counters).ok());
  CHECK(NewSyslogSource(fmt::format("tcp://[::1]:{}", port), {}, 50, &counters).ok());
}

namespace {

// A TCP connection to 127.0.0.1:port that sends `bytes` and stays open
// until the returned descriptor is closed.
int SendTcp(int port, std::string_view bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in a = Loopback(port);
  REQUIRE(connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof(a)) == 0);
  REQUIRE(write(fd, bytes.data(), bytes.size()) == ssize_t(bytes.size()));
  return fd;
}

}  // namespace

TEST_CASE("over TCP, octet-counted and line-framed streams give their lines; a broken frame closes its stream") {
  const int port = FreeUdpPort();  // free for TCP too, most likely
  SyslogCounters counters;
  auto source = Must(NewSyslogSource(fmt::format("tcp://127.0.0.1:{}", port), {}, 50, &counters));
  const std::string a = "<190>Dec  2 20:03:06 web-1 nginx: counted line";
  const std::string b = "<165>1 - web-2 nginx - - - second: counted";
  // One frame split over two writes, as TCP may deliver it.
  int counted = SendTcp(port, std::to_string(a.size()) + " " + a + std::to_string(b.size()) + " " + b.substr(0, 10));
  CHECK(ReadAll(*source) == "web-1\tcounted line\n");
  REQUIRE(write(counted, b.data() + 10, b.size() - 10) == ssize_t(b.size() - 10));
  CHECK(ReadAll(*source) == "web-2\tsecond: counted\n");
  int lines = SendTcp(port, "<190>Dec  2 20:03:06 web-3 nginx: by lines\r\nnot syslog\n<190>Dec  2 20:03:06 w nginx: x");
  CHECK(ReadAll(*source) == "web-3\tby lines\n");  // the unfinished last line waits
  close(lines);
  CHECK(ReadAll(*source).empty());  // and is dropped with its connection
  int broken = SendTcp(port, "99999999 <190>Dec  2 20:03:06 w nginx: x\n");
  CHECK(ReadAll(*source).empty());
  CHECK(counters.received == 4);
  CHECK(counters.malformed == 3);  // "not syslog", the cut line, the broken count
  close(counted);
  close(broken);

  // A sender outside the allowlist is not read at all.
  const int other_port = FreeUdpPort();
  SyslogCounters refused;
  auto elsewhere = Must(
      NewSyslogSource(fmt::format("tcp://127.0.0.1:{}", other_port), {*Cidr::Parse("10.0.0.0/8")}, 50, &refused));
  int conn = SendTcp(other_port, "<190>Dec  2 20:03:06 w nginx: a line\n");
  CHECK(ReadAll(*elsewhere).empty());
  CHECK(refused.not_allowed == 1);
  CHECK(refused.received == 0);
  close(conn);
}

TEST_CASE("over TCP, a frame as long as the longest line nginx writes gives its line") {
  // A client can make nginx write a line of 126 KB with its default buffers
  // (bytes it logs as \xHH): a frame over 64 KB closed the connection, the
  // line and every frame after it on that connection lost.
  const int port = FreeUdpPort();
  SyslogCounters counters;
  auto source = Must(NewSyslogSource(fmt::format("tcp://127.0.0.1:{}", port), {}, 50, &counters));
  const std::string line = "<190>Dec  2 20:03:06 web-1 nginx: " + std::string(200 << 10, 'x');
  const std::string after = "<190>Dec  2 20:03:06 web-1 nginx: after";
  const std::string stream = std::to_string(line.size()) + " " + line + std::to_string(after.size()) + " " + after +
                             line + "\n" + after + "\n";
  int fd = SendTcp(port, "");
  std::thread sender([&] {  // more than the socket holds: written while the source reads
    for (size_t at = 0; at < stream.size();) {
      const ssize_t n = write(fd, stream.data() + at, stream.size() - at);
      if (n <= 0) break;
      at += size_t(n);
    }
  });
  std::string got;
  for (int i = 0; i < 200 && std::count(got.begin(), got.end(), '\n') < 4; ++i) got += ReadAll(*source, 1 << 20);
  sender.join();
  close(fd);
  const std::string want_line = "web-1\t" + std::string(200 << 10, 'x') + "\n";
  CHECK(got == want_line + "web-1\tafter\n" + want_line + "web-1\tafter\n");
  CHECK(counters.malformed == 0);
}

TEST_CASE("what a burst overflows of a UDP socket's buffer is counted, not lost without a word") {
  const int port = FreeUdpPort();
  SyslogCounters counters;
  auto source = Must(NewSyslogSource(fmt::format("udp://127.0.0.1:{}", port), {}, 50, &counters));
  const std::string datagram = "<190>Dec  2 20:03:06 web-1 nginx: " + std::string(1000, 'x');
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  const sockaddr_in to = Loopback(port);
  auto send = [&] { sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof(to)); };
  constexpr int kBurst = 40000;  // 40 MB: more than the 16 MB buffer holds
  for (int i = 0; i < kBurst; ++i) send();
  std::vector<char> buf(1 << 20);
  auto read_lines = [&] {
    size_t lines = 0;
    for (int idle = 0; idle < 2;) {
      ReadResult r;
      REQUIRE(source->Read(buf.data(), buf.size(), &r).ok());
      lines += size_t(std::count(buf.data(), buf.data() + r.n, '\n'));
      idle = r.n == 0 ? idle + 1 : 0;
    }
    return lines;
  };
  size_t lines = read_lines();
  send();  // the kernel says how many it dropped with the next datagram it takes
  lines += read_lines();
  close(fd);
  CHECK(counters.overflowed > 0);
  CHECK(counters.received == lines);
  CHECK(counters.received + counters.overflowed == kBurst + 1);
}

TEST_CASE("a TCP sender that sends a burst and closes at once loses none of its frames") {
  // rsyslog at the end of a queue, or bench/syslog_send --tcp: more than the
  // source reads ahead of framing (128 KiB), then the end of the stream.
  const int port = FreeUdpPort();
  SyslogCounters counters;
  auto source = Must(NewSyslogSource(fmt::format("tcp://127.0.0.1:{}", port), {}, 50, &counters));
  std::string burst, want;
  for (int i = 0; i < 5000; ++i) {
    const std::string frame = fmt::format("<190>Dec  2 20:03:06 web-1 nginx: line {:05}", i);
    burst += std::to_string(frame.size()) + " " + frame;
    want += fmt::format("web-1\tline {:05}\n", i);
  }
  const std::string cut = "<190>Dec  2 20:03:06 web-1 nginx: cut";
  burst += std::to_string(cut.size() + 10) + " " + cut;  // the last frame ends early
  close(SendTcp(port, burst));
  CHECK(ReadAll(*source) == want);
  CHECK(counters.received == 5000);
  CHECK(counters.malformed == 1);  // the cut frame
}
