#include <zstd.h>

#include "sources/decompress.h"
#include "sources/stream_decoder.h"

namespace defender {

namespace {

class ZstdSource : public StreamDecoder {
 public:
  ZstdSource(std::unique_ptr<ByteSource> in, std::string name)
      : StreamDecoder(std::move(in), std::move(name)), stream_(ZSTD_createDStream()) {
    ZSTD_initDStream(stream_);
  }
  ~ZstdSource() override { ZSTD_freeDStream(stream_); }

 protected:
  StatusOr<StepResult> Step(const uint8_t** in, size_t* in_len, uint8_t* out, size_t* out_len, bool) override {
    ZSTD_inBuffer ib{*in, *in_len, 0};
    ZSTD_outBuffer ob{out, *out_len, 0};
    size_t r = ZSTD_decompressStream(stream_, &ob, &ib);
    *in += ib.pos;
    *in_len -= ib.pos;
    *out_len -= ob.pos;
    if (ZSTD_isError(r)) return Status::Error(std::string("corrupt zstd data: ") + ZSTD_getErrorName(r));
    return r == 0 ? StepResult::kStreamEnd : StepResult::kOk;
  }

  // A zstd frame ends; the next frame (zstd -dc reads them all) starts afresh.
  bool Restart() override { return true; }

 private:
  ZSTD_DStream* stream_;
};

}  // namespace

std::unique_ptr<ByteSource> NewZstdSource(std::unique_ptr<ByteSource> in, std::string name) {
  return std::make_unique<ZstdSource>(std::move(in), std::move(name));
}

}  // namespace defender
