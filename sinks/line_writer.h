// LineWriter: buffered output of whole lines to a file descriptor (stdout or
// an appended file). Lines are collected in a reused buffer and written when
// it fills or on Flush(); a line is never split across writes. A closed pipe
// (EPIPE, `| head`) is reported by closed() so the program can end quietly.
// Not thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/status.h"

namespace defender {

class LineWriter {
 public:
  LineWriter() = default;
  ~LineWriter();
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  // "-" is stdout; anything else is opened for appending (created 0640).
  Status Open(const std::string& path);

  // The buffer to append one line to; call EndLine() after.
  fmt::memory_buffer& buffer() { return buf_; }
  void EndLine();

  Status Flush();
  bool closed() const { return closed_; }
  bool is_open() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  bool owns_fd_ = false;
  bool closed_ = false;
  std::string name_;
  fmt::memory_buffer buf_;
};

}  // namespace defender
