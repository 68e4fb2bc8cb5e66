#include "sources/read_ahead.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace defender {

namespace {

constexpr size_t kBlockSize = 1 << 20;
constexpr size_t kMaxQueued = 4;

struct Block {
  std::vector<char> data;
  size_t len = 0;
};

class ReadAheadSource : public ByteSource {
 public:
  explicit ReadAheadSource(std::unique_ptr<ByteSource> in) : in_(std::move(in)) {
    worker_ = std::thread([this] { Run(); });
  }
  ~ReadAheadSource() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  Status Read(char* buf, size_t cap, ReadResult* result) override {
    *result = ReadResult();
    if (current_.len == current_pos_) {
      std::unique_lock lock(mu_);
      if (current_.data.size()) free_.push_back(std::move(current_.data));
      current_ = Block();
      current_pos_ = 0;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !full_.empty() || finished_; });
      if (full_.empty()) {
        result->eof = true;
        return status_;
      }
      current_ = std::move(full_.front());
      full_.pop_front();
      position_ = positions_.front();
      positions_.pop_front();
      cv_.notify_all();
    }
    size_t n = std::min(cap, current_.len - current_pos_);
    std::memcpy(buf, current_.data.data() + current_pos_, n);
    current_pos_ += n;
    result->n = n;
    return Status::Ok();
  }

  uint64_t position() const override { return position_; }

 private:
  void Run() {
    while (true) {
      std::vector<char> data;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || full_.size() < kMaxQueued; });
        if (stop_) break;
        if (!free_.empty()) {
          data = std::move(free_.back());
          free_.pop_back();
        }
      }
      data.resize(kBlockSize);
      Block block{std::move(data), 0};
      ReadResult r;
      Status s;
      // Fill the whole block: small reads would mean small hand-overs.
      while (block.len < kBlockSize) {
        s = in_->Read(block.data.data() + block.len, kBlockSize - block.len, &r);
        block.len += r.n;
        if (!s.ok() || r.eof || r.n == 0) break;
      }
      std::lock_guard lock(mu_);
      if (block.len > 0) {
        full_.push_back(std::move(block));
        positions_.push_back(in_->position());
      }
      if (!s.ok() || r.eof) {
        status_ = s;
        finished_ = true;
        cv_.notify_all();
        break;
      }
      cv_.notify_all();
    }
  }

  std::unique_ptr<ByteSource> in_;
  std::thread worker_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Block> full_;
  std::deque<uint64_t> positions_;
  std::vector<std::vector<char>> free_;
  bool stop_ = false;
  bool finished_ = false;
  Status status_;
  Block current_;
  size_t current_pos_ = 0;
  uint64_t position_ = 0;
};

}  // namespace

std::unique_ptr<ByteSource> NewReadAheadSource(std::unique_ptr<ByteSource> in) {
  return std::make_unique<ReadAheadSource>(std::move(in));
}

}  // namespace defender
