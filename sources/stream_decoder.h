// StreamDecoder: the loop shared by the decompressing sources. It keeps an
// input buffer filled from the wrapped source and lets a codec-specific
// Step() turn input into output. Internal to sources/; not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sources/byte_source.h"

namespace defender {

class StreamDecoder : public ByteSource {
 public:
  StreamDecoder(std::unique_ptr<ByteSource> in, std::string name);

  Status Read(char* buf, size_t cap, ReadResult* result) final;
  uint64_t position() const final { return in_->position(); }

 protected:
  enum class StepResult { kOk, kStreamEnd };
  // Decodes from [*in, *in + *in_len) into [out, out + *out_len); updates both
  // to what is left, also on an error (corrupt data: what the codec says).
  // `input_done` means no more input will ever come.
  virtual StatusOr<StepResult> Step(const uint8_t** in, size_t* in_len, uint8_t* out, size_t* out_len,
                                    bool input_done) = 0;
  // Called at the end of a stream when more input follows (gzip members,
  // concatenated bzip2/xz/zstd streams). Returns false if unsupported.
  virtual bool Restart() = 0;

  const std::string& name() const { return name_; }

 private:
  std::unique_ptr<ByteSource> in_;
  std::string name_;
  std::vector<uint8_t> inbuf_;
  size_t in_pos_ = 0, in_len_ = 0;
  bool in_eof_ = false;
  bool done_ = false;
  bool stream_open_ = false;  // inside a stream whose end was not seen
};

}  // namespace defender
