#include "sources/follow_source.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

namespace defender {

namespace {

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

class FollowSource : public ByteSource {
 public:
  FollowSource(std::string path, FollowOptions options)
      : path_(std::move(path)), options_(std::move(options)) {
    Open(options_.start_at_end);
    if (fd_ >= 0 && options_.resume) Resume();
  }
  ~FollowSource() override {
    if (fd_ >= 0) close(fd_);
    if (old_fd_ >= 0) close(old_fd_);
  }

  Status Read(char* buf, size_t cap, ReadResult* result) override {
    *result = ReadResult();
    if (old_fd_ >= 0) {  // drain the rotated file first
      ssize_t n = ::read(old_fd_, buf, cap);
      if (n > 0) return Deliver(buf, size_t(n), result);
      if (NowMs() > old_deadline_ms_) {
        close(old_fd_);
        old_fd_ = -1;
      }
    }
    if (need_newline_ && fd_ >= 0) {  // the previous file ended mid-line
      need_newline_ = false;
      buf[0] = '\n';
      return Deliver(buf, 1, result);
    }
    if (fd_ < 0) {
      Open(false);
      if (fd_ < 0) return Status::Ok();
    }
    ssize_t n = ::read(fd_, buf, cap);
    if (n > 0) {
      offset_ += uint64_t(n);
      return Deliver(buf, size_t(n), result);
    }
    if (n < 0 && errno != EINTR && errno != EAGAIN) {
      return Status::Error(fmt::format("{}: {}", path_, strerror(errno)));
    }
    if (CheckRotation()) return Read(buf, cap, result);  // read the new file at once
    return Status::Ok();
  }

  uint64_t position() const override { return offset_; }

  bool Identify(uint64_t* dev, uint64_t* ino, std::string* fingerprint) const override {
    if (fd_ < 0 || old_fd_ >= 0) return false;  // none yet, or still draining the rotated one
    *dev = uint64_t(dev_);
    *ino = uint64_t(ino_);
    fingerprint->resize(kFingerprintBytes);
    ssize_t n = pread(fd_, fingerprint->data(), kFingerprintBytes, 0);
    fingerprint->resize(n > 0 ? size_t(n) : 0);
    return true;
  }

 private:
  static constexpr size_t kFingerprintBytes = 64;  // as OpenInput's (kFingerprintSize)

  // Moves to the checkpoint if this is its file; see FollowOptions.
  void Resume() {
    std::string fingerprint;
    uint64_t dev, ino;
    if (!Identify(&dev, &ino, &fingerprint) || dev != options_.resume_dev || ino != options_.resume_ino ||
        options_.resume_fingerprint.empty() ||
        fingerprint.compare(0, options_.resume_fingerprint.size(), options_.resume_fingerprint) != 0 ||
        options_.resume_offset > offset_) {
      return;  // another file now (rotated while we were down), or truncated: from the end
    }
    uint64_t from = options_.resume_offset;
    const bool cut = offset_ - from > options_.max_catch_up;
    if (cut) from = offset_ - options_.max_catch_up;
    lseek(fd_, off_t(from), SEEK_SET);
    offset_ = from;
    if (!cut) return;
    char c;  // a cut lands inside a line: start at the next one
    while (::read(fd_, &c, 1) == 1) {
      ++offset_;
      if (c == '\n') break;
    }
  }

  Status Deliver(const char* buf, size_t n, ReadResult* result) {
    last_byte_ = buf[n - 1];
    result->n = n;
    return Status::Ok();
  }

  void Open(bool at_end) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return;
    struct stat st;
    fstat(fd_, &st);
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    offset_ = at_end ? uint64_t(st.st_size) : 0;
    lseek(fd_, off_t(offset_), SEEK_SET);
  }

  // True when the name now points to a new file, which is then open.
  bool CheckRotation() {
    struct stat by_name, by_fd;
    if (fstat(fd_, &by_fd) == 0 && uint64_t(by_fd.st_size) < offset_) {
      // copytruncate: the file was emptied under us; start again at 0.
      lseek(fd_, 0, SEEK_SET);
      offset_ = 0;
      return false;
    }
    if (stat(path_.c_str(), &by_name) != 0) return false;  // renamed, new one not there yet
    if (by_name.st_dev == dev_ && by_name.st_ino == ino_) return false;
    // Rename rotation: a new file has the name. Keep the old one for a while.
    if (old_fd_ >= 0) close(old_fd_);
    old_fd_ = fd_;
    old_deadline_ms_ = NowMs() + options_.rotate_grace_ms;
    need_newline_ = last_byte_ != '\n' && last_byte_ != 0;
    Open(false);
    return fd_ >= 0;
  }

  std::string path_;
  FollowOptions options_;
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  uint64_t offset_ = 0;
  int old_fd_ = -1;
  int64_t old_deadline_ms_ = 0;
  char last_byte_ = 0;
  bool need_newline_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> NewFollowSource(std::string path, FollowOptions options) {
  return std::make_unique<FollowSource>(std::move(path), options);
}

}  // namespace defender
