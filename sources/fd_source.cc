#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <fmt/format.h>

#include "sources/byte_source.h"

namespace defender {

namespace {

class FdSource : public ByteSource {
 public:
  FdSource(int fd, bool owns_fd, bool live, int idle_ms, std::string name, uint64_t start)
      : fd_(fd), owns_fd_(owns_fd), live_(live), idle_ms_(idle_ms), name_(std::move(name)), position_(start) {}
  ~FdSource() override {
    if (owns_fd_) close(fd_);
  }

  Status Read(char* buf, size_t cap, ReadResult* result) override {
    *result = ReadResult();
    if (live_) {
      // Say "idle" at once the first time nothing is there, so the caller
      // flushes its output before we block for up to idle_ms_.
      pollfd p{fd_, POLLIN, 0};
      int r = poll(&p, 1, reported_idle_ ? idle_ms_ : 0);
      if (r <= 0) {
        reported_idle_ = true;
        return Status::Ok();
      }
      reported_idle_ = false;
    }
    while (true) {
      ssize_t n = ::read(fd_, buf, cap);
      if (n > 0) {
        position_ += uint64_t(n);
        result->n = size_t(n);
        return Status::Ok();
      }
      if (n == 0) {
        result->eof = true;
        return Status::Ok();
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return Status::Ok();
      result->eof = true;
      return Status::Error(fmt::format("{}: {}", name_, strerror(errno)));
    }
  }

  uint64_t position() const override { return position_; }

 private:
  int fd_;
  bool owns_fd_;
  bool live_;
  int idle_ms_;
  std::string name_;
  uint64_t position_;
  bool reported_idle_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> NewFdSource(int fd, bool owns_fd, bool live, int idle_ms, std::string name,
                                        uint64_t start) {
  return std::make_unique<FdSource>(fd, owns_fd, live, idle_ms, std::move(name), start);
}

}  // namespace defender
