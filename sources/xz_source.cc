#include <lzma.h>

#include "sources/decompress.h"
#include "sources/stream_decoder.h"

namespace defender {

namespace {

class XzSource : public StreamDecoder {
 public:
  XzSource(std::unique_ptr<ByteSource> in, std::string name)
      : StreamDecoder(std::move(in), std::move(name)) {
    // LZMA_CONCATENATED reads concatenated .xz streams as xz -dc does.
    init_ok_ = lzma_stream_decoder(&stream_, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
  }
  ~XzSource() override { lzma_end(&stream_); }

 protected:
  StatusOr<StepResult> Step(const uint8_t** in, size_t* in_len, uint8_t* out, size_t* out_len,
                            bool input_done) override {
    if (!init_ok_) return Status::Error("cannot start the xz decoder");
    stream_.next_in = *in;
    stream_.avail_in = *in_len;
    stream_.next_out = out;
    stream_.avail_out = *out_len;
    lzma_ret r = lzma_code(&stream_, input_done ? LZMA_FINISH : LZMA_RUN);
    *in = stream_.next_in;
    *in_len = stream_.avail_in;
    *out_len = stream_.avail_out;
    if (r == LZMA_STREAM_END) return StepResult::kStreamEnd;
    if (r == LZMA_OK) return StepResult::kOk;
    return Status::Error(r == LZMA_BUF_ERROR ? "truncated xz data" : "corrupt xz data");
  }

  bool Restart() override { return false; }  // LZMA_CONCATENATED handles it

 private:
  lzma_stream stream_ = LZMA_STREAM_INIT;
  bool init_ok_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> NewXzSource(std::unique_ptr<ByteSource> in, std::string name) {
  return std::make_unique<XzSource>(std::move(in), std::move(name));
}

}  // namespace defender
