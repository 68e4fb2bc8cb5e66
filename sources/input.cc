#include "sources/input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

}  // namespace

Status OpenInput(const std::string& name, const InputOptions& options, OpenedInput* out) {
  *out = OpenedInput();
  bool is_stdin = name == "-";
  if (options.follow && !is_stdin) {
    out->source = NewFollowSource(name, FollowOptions());
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
  } else {
    // A live pipe may hold fewer than 6 bytes for a long time: sniff only
    // what the first read brings, since compressed data arrives in blocks.
    char first[6];
    ssize_t r = ::read(fd, first, sizeof(first));
    if (r > 0) prefix.assign(first, size_t(r));
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
  auto source = NewFdSource(fd, !is_stdin, std::move(prefix), out->live, options.idle_ms, display, start);
  switch (out->compression) {
    case Compression::kNone: break;
    case Compression::kGzip: source = NewGzipSource(std::move(source), display); break;
    case Compression::kBzip2: source = NewBzip2Source(std::move(source), display); break;
    case Compression::kXz: source = NewXzSource(std::move(source), display); break;
    case Compression::kZstd: source = NewZstdSource(std::move(source), display); break;
  }
  if (out->compression != Compression::kNone && !out->live) {
    source = NewReadAheadSource(std::move(source));
  }
  out->source = std::move(source);
  return Status::Ok();
}

}  // namespace defender
