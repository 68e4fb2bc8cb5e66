// syslog_send: sends each line of FILE to 127.0.0.1:PORT as one syslog
// datagram, framed as nginx frames it, as fast as it can (or at about RATE
// lines a second), and prints how many it sent and how long it took. For
// bench/run.sh's syslog section: what one defender-scan receives of it.
// With --tcp, over one TCP connection, octet-counted (RFC 6587) as rsyslog
// sends, a megabyte a write: TCP holds the sender back to what the receiver
// takes in, so the time is the receiver's.
//
//   syslog_send [--tcp] PORT FILE [RATE]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  const bool tcp = argc > 1 && std::string(argv[1]) == "--tcp";
  if (tcp) {
    --argc;
    ++argv;
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: syslog_send [--tcp] PORT FILE [RATE]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const double rate = argc > 3 ? std::atof(argv[3]) : 0;
  std::ifstream in(argv[2]);
  if (!in) {
    std::fprintf(stderr, "syslog_send: cannot read %s\n", argv[2]);
    return 1;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(uint16_t(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string header = "<190>Dec  2 20:03:06 bench nginx: ";
  if (tcp) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
      std::perror("syslog_send: connect");
      return 1;
    }
    std::string out, line;
    uint64_t sent = 0;
    auto write_all = [&] {
      for (size_t at = 0; at < out.size();) {
        const ssize_t n = write(fd, out.data() + at, out.size() - at);
        if (n <= 0) {
          std::perror("syslog_send: write");
          std::exit(1);
        }
        at += size_t(n);
      }
      out.clear();
    };
    const auto t0 = std::chrono::steady_clock::now();
    while (std::getline(in, line)) {
      out += std::to_string(header.size() + line.size());
      out += ' ';
      out += header;
      out += line;
      ++sent;
      if (out.size() >= (1 << 20)) write_all();
    }
    write_all();
    close(fd);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
    std::printf("sent %llu lines over TCP in %.3f s: %.0f lines/s\n", static_cast<unsigned long long>(sent),
                took.count(), double(sent) / took.count());
    return 0;
  }
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  // Datagrams go out 32 a sendmmsg call, so that one sender can outrun
  // what is measured.
  constexpr size_t kBatch = 32;
  std::string datagrams[kBatch];
  iovec iov[kBatch];
  mmsghdr messages[kBatch] = {};
  std::string line;
  uint64_t sent = 0;
  size_t queued = 0;
  auto flush = [&] {
    for (size_t i = 0; i < queued;) {
      const int n = sendmmsg(fd, messages + i, unsigned(queued - i), 0);
      if (n < 0) {
        std::this_thread::yield();  // ENOBUFS: the sender's queue is full
        continue;
      }
      i += size_t(n);
    }
    sent += queued;
    queued = 0;
  };
  const auto t0 = std::chrono::steady_clock::now();
  while (std::getline(in, line)) {
    datagrams[queued].assign(header).append(line);
    iov[queued] = {datagrams[queued].data(), datagrams[queued].size()};
    messages[queued].msg_hdr.msg_iov = &iov[queued];
    messages[queued].msg_hdr.msg_iovlen = 1;
    messages[queued].msg_hdr.msg_name = &to;
    messages[queued].msg_hdr.msg_namelen = sizeof(to);
    if (++queued == kBatch) flush();
    if (rate > 0) std::this_thread::sleep_until(t0 + std::chrono::duration<double>(double(sent + queued) / rate));
  }
  flush();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
  std::printf("sent %llu lines in %.3f s: %.0f lines/s\n", static_cast<unsigned long long>(sent), took.count(),
              double(sent) / took.count());
  close(fd);
  return 0;
}
