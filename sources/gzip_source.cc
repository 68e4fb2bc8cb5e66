// gzip through ISA-L's igzip inflater, several times faster than zlib's.
#include <isa-l/igzip_lib.h>

#include "sources/decompress.h"
#include "sources/stream_decoder.h"

namespace defender {

namespace {

class GzipSource : public StreamDecoder {
 public:
  GzipSource(std::unique_ptr<ByteSource> in, std::string name)
      : StreamDecoder(std::move(in), std::move(name)) {
    Restart();
  }

 protected:
  StatusOr<StepResult> Step(const uint8_t** in, size_t* in_len, uint8_t* out, size_t* out_len, bool) override {
    state_.next_in = const_cast<uint8_t*>(*in);
    state_.avail_in = uint32_t(std::min<size_t>(*in_len, UINT32_MAX));
    state_.next_out = out;
    state_.avail_out = uint32_t(std::min<size_t>(*out_len, UINT32_MAX));
    uint32_t before_in = state_.avail_in, before_out = state_.avail_out;
    int r = isal_inflate(&state_);
    *in += before_in - state_.avail_in;
    *in_len -= before_in - state_.avail_in;
    *out_len -= before_out - state_.avail_out;
    if (r < 0) {
      return Status::Error(r == ISAL_INCORRECT_CHECKSUM ? "gzip checksum mismatch"
                           : r == ISAL_INVALID_WRAPPER  ? "not a gzip member"
                                                        : "corrupt gzip data");
    }
    return state_.block_state == ISAL_BLOCK_FINISH ? StepResult::kStreamEnd : StepResult::kOk;
  }

  bool Restart() override {
    isal_inflate_init(&state_);
    state_.crc_flag = ISAL_GZIP;
    return true;
  }

 private:
  inflate_state state_;
};

}  // namespace

std::unique_ptr<ByteSource> NewGzipSource(std::unique_ptr<ByteSource> in, std::string name) {
  return std::make_unique<GzipSource>(std::move(in), std::move(name));
}

}  // namespace defender
