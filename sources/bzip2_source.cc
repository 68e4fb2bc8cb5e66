#include <bzlib.h>

#include "sources/decompress.h"
#include "sources/stream_decoder.h"

namespace defender {

namespace {

class Bzip2Source : public StreamDecoder {
 public:
  Bzip2Source(std::unique_ptr<ByteSource> in, std::string name)
      : StreamDecoder(std::move(in), std::move(name)) {
    BZ2_bzDecompressInit(&stream_, 0, 0);
  }
  ~Bzip2Source() override { BZ2_bzDecompressEnd(&stream_); }

 protected:
  StatusOr<StepResult> Step(const uint8_t** in, size_t* in_len, uint8_t* out, size_t* out_len, bool) override {
    stream_.next_in = const_cast<char*>(reinterpret_cast<const char*>(*in));
    stream_.avail_in = unsigned(std::min<size_t>(*in_len, UINT32_MAX));
    stream_.next_out = reinterpret_cast<char*>(out);
    stream_.avail_out = unsigned(std::min<size_t>(*out_len, UINT32_MAX));
    unsigned before_in = stream_.avail_in, before_out = stream_.avail_out;
    int r = BZ2_bzDecompress(&stream_);
    *in += before_in - stream_.avail_in;
    *in_len -= before_in - stream_.avail_in;
    *out_len -= before_out - stream_.avail_out;
    if (r == BZ_STREAM_END) return StepResult::kStreamEnd;
    if (r != BZ_OK) return Status::Error("corrupt bzip2 data");
    return StepResult::kOk;
  }

  bool Restart() override {
    BZ2_bzDecompressEnd(&stream_);
    stream_ = bz_stream();
    return BZ2_bzDecompressInit(&stream_, 0, 0) == BZ_OK;
  }

 private:
  bz_stream stream_{};
};

}  // namespace

std::unique_ptr<ByteSource> NewBzip2Source(std::unique_ptr<ByteSource> in, std::string name) {
  return std::make_unique<Bzip2Source>(std::move(in), std::move(name));
}

}  // namespace defender
