// ByteSource: where input bytes come from (a file descriptor, a decompressor
// wrapped around another source, a followed file). Sources plug in here; the
// LineReader turns any of them into lines. Not thread-safe: one reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"

namespace defender {

struct ReadResult {
  size_t n = 0;      // bytes placed in the buffer
  bool eof = false;  // no more bytes will come
  // n == 0 && !eof: nothing available now (live input idle); ask again later.
};

class ByteSource {
 public:
  ByteSource() = default;
  ByteSource(const ByteSource&) = delete;  // implementations own descriptors, handles or state
  ByteSource& operator=(const ByteSource&) = delete;
  virtual ~ByteSource() = default;
  // Reads up to `cap` bytes. A non-ok Status ends this source; bytes already
  // returned stay valid input.
  virtual Status Read(char* buf, size_t cap, ReadResult* result) = 0;
  // Bytes consumed from the underlying file so far (compressed bytes for a
  // decompressor); used for progress and checkpoints.
  virtual uint64_t position() const = 0;
  // A followed file: the identity of the file position() is in (its device,
  // inode and first bytes), for checkpoints. False for other sources.
  virtual bool Identify(uint64_t* dev, uint64_t* ino, std::string* fingerprint) const {
    (void)dev, (void)ino, (void)fingerprint;
    return false;
  }
};

// Reads from `fd`. With `live` (a pipe or terminal on stdin), waits at most
// `idle_ms` for data and then reports idle, so the caller can advance the
// clock and flush output. Closes fd if `owns_fd`. `start` is the fd's offset
// already (position() counts from it).
std::unique_ptr<ByteSource> NewFdSource(int fd, bool owns_fd, bool live, int idle_ms, std::string name,
                                        uint64_t start = 0);

}  // namespace defender
