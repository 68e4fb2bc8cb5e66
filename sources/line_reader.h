// LineReader: splits a ByteSource into lines. A returned line excludes its
// '\n' (and a '\r' before it) and stays valid until the next call to Next().
// Over-long lines are skipped whole and counted; a last line without a
// newline is returned at end of input, unless the input ended in an error
// (a truncated .gz), where the partial tail is dropped and counted.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/huge_array.h"
#include "core/status.h"
#include "sources/byte_source.h"

namespace defender {

// The longest line read by default (--max-line), and the longest syslog
// frame: nginx logs a byte of a request as up to 4 (\xHH; 6 in JSON), so
// with its default buffers (4 x 8k) a client can make it write a line of
// about 130 KB (200 KB in JSON).
constexpr size_t kDefaultMaxLine = 256 << 10;

class LineReader {
 public:
  enum class Result { kLine, kIdle, kEnd };

  // With hold_partial_tail, a last line without a newline is not returned
  // at end of input (nginx may be writing it): the next run reads it whole.
  LineReader(std::unique_ptr<ByteSource> source, size_t max_line, bool hold_partial_tail = false);

  // kLine: *line is set. kIdle: live input has nothing now; call again later.
  // kEnd: input is over; see status().
  Result Next(std::string_view* line);

  const Status& status() const { return status_; }
  uint64_t too_long() const { return too_long_; }
  uint64_t truncated() const { return truncated_; }
  uint64_t bytes_read() const { return bytes_read_; }
  // The source position just after the last line returned (or skipped):
  // where a later run continues. Meaningful for uncompressed files.
  uint64_t consumed_offset() const { return source_->position() - (end_ - begin_); }
  const ByteSource& source() const { return *source_; }

 private:
  // Reads more into the buffer. False if nothing was added.
  bool Fill(bool* idle);

  std::unique_ptr<ByteSource> source_;
  size_t max_line_;
  bool hold_partial_tail_;
  // Not zeroed: a run over a short input touches only the pages it reads into.
  HugeArray<char> buf_;  // in 2 MB pages: in 4 KB ones, its first fill was 270 page faults
  size_t begin_ = 0, end_ = 0;
  size_t scan_from_ = 0;  // no '\n' in [begin_, scan_from_)
  bool eof_ = false;
  bool skipping_ = false;  // inside an over-long line, dropping bytes up to its '\n'
  Status status_;
  uint64_t too_long_ = 0;
  uint64_t truncated_ = 0;
  uint64_t bytes_read_ = 0;
};

}  // namespace defender
