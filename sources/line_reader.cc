#include "sources/line_reader.h"

#include <algorithm>
#include <cstring>

namespace defender {

namespace {
constexpr size_t kReadSize = 1 << 20;
}

LineReader::LineReader(std::unique_ptr<ByteSource> source, size_t max_line, bool hold_partial_tail)
    : source_(std::move(source)), max_line_(max_line), hold_partial_tail_(hold_partial_tail),
      buf_(max_line + kReadSize + 1) {}

bool LineReader::Fill(bool* idle) {
  *idle = false;
  if (eof_) return false;
  if (begin_ > 0) {  // make room at the end
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    scan_from_ -= begin_;
    begin_ = 0;
  }
  ReadResult r;
  Status s = source_->Read(buf_.data() + end_, buf_.size() - end_, &r);
  end_ += r.n;
  bytes_read_ += r.n;
  if (!s.ok()) {
    status_ = s;
    eof_ = true;
  } else if (r.eof) {
    eof_ = true;
  } else if (r.n == 0) {
    *idle = true;
  }
  return r.n > 0;
}

LineReader::Result LineReader::Next(std::string_view* line) {
  while (true) {
    char* nl = nullptr;
    if (scan_from_ < end_) {
      nl = static_cast<char*>(std::memchr(buf_.data() + scan_from_, '\n', end_ - scan_from_));
    }
    if (nl != nullptr) {
      size_t pos = size_t(nl - buf_.data());
      size_t start = begin_;
      begin_ = scan_from_ = pos + 1;
      if (skipping_) {
        skipping_ = false;
        continue;
      }
      size_t len = pos - start;
      if (len > max_line_) {
        ++too_long_;
        continue;
      }
      if (len > 0 && buf_[pos - 1] == '\r') --len;
      *line = std::string_view(buf_.data() + start, len);
      return Result::kLine;
    }
    scan_from_ = end_;
    if (end_ - begin_ > max_line_) {
      // Too long already: drop what we have and skip to the next newline.
      if (!skipping_) ++too_long_;
      skipping_ = true;
      begin_ = scan_from_ = end_;
    }
    bool idle = false;
    if (Fill(&idle)) continue;
    if (idle) return Result::kIdle;
    // End of input: a last line without a newline.
    if (end_ > begin_ && !skipping_) {
      if (hold_partial_tail_ && status_.ok()) return Result::kEnd;  // left for the next run
      if (!status_.ok()) {
        ++truncated_;  // the input broke off mid-line: not a real line
        begin_ = scan_from_ = end_;
        return Result::kEnd;
      }
      size_t start = begin_;
      size_t len = end_ - begin_;
      begin_ = scan_from_ = end_;
      if (len > 0 && buf_[start + len - 1] == '\r') --len;
      *line = std::string_view(buf_.data() + start, len);
      return Result::kLine;
    }
    return Result::kEnd;
  }
}

}  // namespace defender
