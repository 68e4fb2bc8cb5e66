#include "sources/stream_decoder.h"

#include <fmt/format.h>

namespace defender {

StreamDecoder::StreamDecoder(std::unique_ptr<ByteSource> in, std::string name)
    : in_(std::move(in)), name_(std::move(name)), inbuf_(1 << 18) {}

Status StreamDecoder::Read(char* buf, size_t cap, ReadResult* result) {
  *result = ReadResult();
  if (done_) {
    result->eof = true;
    return Status::Ok();
  }
  while (true) {
    if (in_pos_ == in_len_ && !in_eof_) {
      ReadResult r;
      Status s = in_->Read(reinterpret_cast<char*>(inbuf_.data()), inbuf_.size(), &r);
      in_pos_ = 0;
      in_len_ = r.n;
      in_eof_ = r.eof;
      if (!s.ok()) {
        done_ = true;
        return s;
      }
      if (r.n == 0 && !r.eof) return Status::Ok();  // live input idle
    }
    if (in_pos_ == in_len_ && in_eof_ && !stream_open_) {
      done_ = true;
      result->eof = true;
      return Status::Ok();
    }
    const uint8_t* next = inbuf_.data() + in_pos_;
    size_t avail = in_len_ - in_pos_;
    size_t out_len = cap;
    stream_open_ = true;
    const StatusOr<StepResult> step = Step(&next, &avail, reinterpret_cast<uint8_t*>(buf), &out_len, in_eof_);
    bool consumed = in_len_ - avail != in_pos_;
    in_pos_ = in_len_ - avail;
    size_t produced = cap - out_len;
    if (!step.ok()) {
      done_ = true;
      result->n = produced;
      return Status::Error(fmt::format("{}: {}", name_, step.status().message()));
    }
    if (*step == StepResult::kStreamEnd) {
      stream_open_ = false;
      if (in_pos_ < in_len_ || !in_eof_) {
        if (!Restart()) {
          done_ = true;
          result->n = produced;
          return Status::Error(fmt::format("{}: trailing data after the compressed stream", name_));
        }
      }
    } else if (produced == 0 && (avail == 0 ? in_eof_ : !consumed)) {
      // No more input, or the codec took none of what it was given.
      done_ = true;
      return Status::Error(fmt::format("{}: truncated compressed input", name_));
    }
    if (produced > 0) {
      result->n = produced;
      return Status::Ok();
    }
  }
}

}  // namespace defender
