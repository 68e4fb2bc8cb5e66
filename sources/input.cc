#include "sources/input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "sources/follow_source.h"
#include "sources/read_ahead.h"

namespace defender {

namespace {

// Reads up to n bytes, retrying short reads; fewer only at end of input.
std::string ReadPrefix(int fd, size_t n) {
  std::string prefix(n, '\0');
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, prefix.data() + got, n - got);
    if (r > 0) {
      got += size_t(r);
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  prefix.resize(got);
  return prefix;
}

std::unique_ptr<ByteSource> Decompress(Compression c, std::unique_ptr<ByteSource> source, const std::string& name) {
  switch (c) {
    case Compression::kNone: break;
    case Compression::kGzip: return NewGzipSource(std::move(source), name);
    case Compression::kBzip2: return NewBzip2Source(std::move(source), name);
    case Compression::kXz: return NewXzSource(std::move(source), name);
    case Compression::kZstd: return NewZstdSource(std::move(source), name);
  }
  return source;
}

// Returns `prefix` (bytes already read from `inner` to sniff the
// compression), then what `inner` has.
class ReplaySource : public ByteSource {
 public:
  ReplaySource(std::string prefix, std::unique_ptr<ByteSource> inner)
      : prefix_(std::move(prefix)), inner_(std::move(inner)) {}
  Status Read(char* buf, size_t cap, ReadResult* result) override {
    if (pos_ < prefix_.size()) {
      *result = ReadResult();
      result->n = std::min(cap, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, result->n);
      pos_ += result->n;
      return Status::Ok();
    }
    return inner_->Read(buf, cap, result);
  }
  uint64_t position() const override { return inner_->position(); }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> inner_;
};

// A live pipe may hold nothing for a long time, and waiting for its first
// bytes must not block the caller (serve mode answers HTTP meanwhile): the
// compression is sniffed from what the first read brings, when it comes.
class SniffingSource : public ByteSource {
 public:
  SniffingSource(std::unique_ptr<ByteSource> raw, std::string name) : raw_(std::move(raw)), name_(std::move(name)) {}
  Status Read(char* buf, size_t cap, ReadResult* result) override {
    if (!source_) {
      char first[6];
      Status s = raw_->Read(first, sizeof(first), result);
      if (!s.ok() || result->n == 0) return s;  // idle, or over before anything came
      std::string prefix(first, result->n);
      Compression c = DetectCompression(prefix);
      source_ = Decompress(c, std::make_unique<ReplaySource>(std::move(prefix), std::move(raw_)), name_);
    }
    return source_->Read(buf, cap, result);
  }
  uint64_t position() const override { return source_ ? source_->position() : raw_->position(); }

 private:
  std::unique_ptr<ByteSource> raw_, source_;
  std::string name_;
};

}  // namespace

Status OpenInput(const std::string& name, const InputOptions& options, OpenedInput* out) {
  *out = OpenedInput();
  bool is_stdin = name == "-";
  if (options.follow && !is_stdin) {
    struct stat st;
    out->missing = stat(name.c_str(), &st) != 0 && errno == ENOENT;
    out->source = NewFollowSource(name, options.follow_options);
    out->live = true;
    return Status::Ok();
  }
  int fd = is_stdin ? 0 : ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error(fmt::format("{}: {}", name, strerror(errno)));
  struct stat st;
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    if (!is_stdin) close(fd);
    return Status::Error(fmt::format("{}: is a directory", name));
  }
  out->live = is_stdin && !S_ISREG(st.st_mode);
  out->regular = S_ISREG(st.st_mode);
  std::string prefix;
  if (out->regular) {
    // A file's identity, and its magic bytes read in place.
    out->dev = uint64_t(st.st_dev);
    out->ino = uint64_t(st.st_ino);
    out->size = uint64_t(st.st_size);
    out->fingerprint.resize(kFingerprintSize);
    ssize_t n = pread(fd, out->fingerprint.data(), kFingerprintSize, 0);
    out->fingerprint.resize(n > 0 ? size_t(n) : 0);
  } else if (!out->live) {
    prefix = ReadPrefix(fd, 6);
  }
  out->compression = DetectCompression(out->regular ? std::string_view(out->fingerprint) : std::string_view(prefix));
  uint64_t start = 0;
  if (out->regular && out->compression == Compression::kNone && options.start_offset <= out->size) {
    start = options.start_offset;
  }
  if (out->regular && lseek(fd, off_t(start), SEEK_SET) < 0) {
    if (!is_stdin) close(fd);
    return Status::Error(fmt::format("{}: {}", name, strerror(errno)));
  }
  std::string display = is_stdin ? "<stdin>" : name;
  std::unique_ptr<ByteSource> source =
      NewFdSource(fd, !is_stdin, out->live, options.idle_ms, display, start + prefix.size());
  if (!prefix.empty()) source = std::make_unique<ReplaySource>(std::move(prefix), std::move(source));
  if (out->live) {
    out->source = std::make_unique<SniffingSource>(std::move(source), display);
    return Status::Ok();
  }
  source = Decompress(out->compression, std::move(source), display);
  if (out->compression != Compression::kNone && options.read_ahead) {
    source = NewReadAheadSource(std::move(source));
  }
  out->source = std::move(source);
  return Status::Ok();
}

}  // namespace defender
