#include "sinks/line_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

namespace defender {

LineWriter::~LineWriter() {
  (void)Flush();
  if (owns_fd_) close(fd_);
}

Status LineWriter::Open(const std::string& path) {
  name_ = path == "-" ? "<stdout>" : path;
  if (path == "-") {
    fd_ = 1;
    return Status::Ok();
  }
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd_ < 0) return Status::Error(fmt::format("{}: {}", path, strerror(errno)));
  owns_fd_ = true;
  return Status::Ok();
}

void LineWriter::EndLine() {
  buf_.push_back('\n');
  if (buf_.size() >= (1 << 16)) (void)Flush();
}

Status LineWriter::Flush() {
  size_t done = 0;
  while (done < buf_.size() && fd_ >= 0 && !closed_) {
    ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n > 0) {
      done += size_t(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      if (errno == EPIPE) {
        closed_ = true;
        break;
      }
      buf_.clear();
      return Status::Error(fmt::format("{}: {}", name_, strerror(errno)));
    }
  }
  buf_.clear();
  return Status::Ok();
}

}  // namespace defender
