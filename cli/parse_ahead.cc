#include "cli/parse_ahead.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/thread_cpu.h"

namespace defender {

namespace {

// A batch is handed over when it has this many lines or text bytes; with
// kMaxBatches of them, what is read ahead stays within a few MB.
constexpr size_t kBatchLines = 1024;
constexpr size_t kBatchBytes = 256 << 10;
constexpr size_t kMaxBatches = 4;

// Text that stays where it is until Clear(): chunks that never move. The
// first is given (a share of ParseAhead's text pool); more are made for
// what does not fit in it.
class TextArena {
 public:
  TextArena(char* first, size_t size) { chunks_.push_back(Chunk{first, size, nullptr}); }
  char* Allocate(size_t n) {
    while (chunk_ < chunks_.size() && chunks_[chunk_].size - at_ < n) {
      ++chunk_;
      at_ = 0;
    }
    if (chunk_ == chunks_.size()) {
      const size_t size = std::max(n, kBatchBytes);
      auto owned = std::make_unique<char[]>(size);
      chunks_.push_back(Chunk{owned.get(), size, std::move(owned)});
      at_ = 0;
    }
    char* p = chunks_[chunk_].data + at_;
    at_ += n;
    used_ += n;
    return p;
  }
  void Clear() {
    chunk_ = at_ = used_ = 0;
  }
  size_t used() const { return used_; }

 private:
  struct Chunk {
    char* data;
    size_t size;
    std::unique_ptr<char[]> owned;
  };
  std::vector<Chunk> chunks_;
  size_t chunk_ = 0, at_ = 0, used_ = 0;
};

}  // namespace

struct ParseAhead::Batch {
  // Made once and written over: a fresh ParsedLine() per line is a `rep
  // stos`, whose stores bypass the cache, so the parser's writes that
  // follow missed it (the parse took twice as long on this thread). Lines
  // and text are shares of the pools (kTextShare: a batch ends past
  // kBatchBytes, so its last line fits unless longer than that).
  static constexpr size_t kTextShare = 2 * kBatchBytes;
  Batch(ParsedLine* pool_lines, char* pool_text) : lines(pool_lines), text(pool_text, kTextShare) {}
  ParsedLine* lines;  // kBatchLines
  size_t count = 0;
  TextArena text;
  uint64_t position = 0;
};

ParseAhead::ParseAhead(LineReader* reader, std::unique_ptr<LineParser> parser)
    : reader_(reader),
      parser_(std::move(parser)),
      lines_(kMaxBatches * kBatchLines),
      text_(kMaxBatches * Batch::kTextShare) {
  worker_ = std::thread([this] { Run(); });
}

ParseAhead::~ParseAhead() { Stop(); }

void ParseAhead::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

const ParsedLine* ParseAhead::Next() {
  while (!current_ || next_ == current_->count) {
    std::unique_lock lock(mu_);
    if (current_) {
      free_.push_back(std::move(current_));
      cv_.notify_all();
    }
    cv_.wait(lock, [&] { return !full_.empty() || finished_ || stop_; });
    if (full_.empty()) {
      lock.unlock();
      if (worker_.joinable()) worker_.join();
      return nullptr;
    }
    current_ = std::move(full_.front());
    full_.pop_front();
    next_ = 0;
    position_ = current_->position;
  }
  const ParsedLine& line = current_->lines[next_++];
  consumed_offset_ = line.end_offset;
  return &line;
}

const ParsedLine* ParseAhead::Peek() const {
  return current_ && next_ < current_->count ? &current_->lines[next_] : nullptr;
}

void ParseAhead::Run() {
  Produce();
  cpu_seconds_ = ThreadCpuSeconds();
}

void ParseAhead::Produce() {
  while (true) {
    std::unique_ptr<Batch> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !free_.empty() || batches_ < kMaxBatches; });
      if (stop_) return;
      if (!free_.empty()) {
        batch = std::move(free_.back());
        free_.pop_back();
      } else {
        batch = std::make_unique<Batch>(&lines_[batches_ * kBatchLines], &text_[batches_ * Batch::kTextShare]);
        ++batches_;
      }
    }
    const bool end = Fill(*batch);
    {
      std::lock_guard lock(mu_);
      if (batch->count != 0) full_.push_back(std::move(batch));
      finished_ = end;
    }
    cv_.notify_all();
    if (end) return;
  }
}

bool ParseAhead::Fill(Batch& batch) {
  batch.count = 0;
  batch.text.Clear();
  std::string_view text;
  while (batch.count < kBatchLines && batch.text.used() < kBatchBytes) {
    switch (reader_->Next(&text)) {
      case LineReader::Result::kEnd:
        batch.position = reader_->source().position();
        return true;
      case LineReader::Result::kIdle:  // not for a file; wait rather than spin
        if (batch.count != 0) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        {
          std::lock_guard lock(mu_);
          if (stop_) return false;
        }
        continue;
      case LineReader::Result::kLine:
        break;
    }
    ParsedLine& line = batch.lines[batch.count++];
    line.reject = parser_->Parse(text, &line.record);
    line.text = CopyRecordText(text, &line.record, batch.text.Allocate(RecordTextSize(text, line.record)));
    line.end_offset = reader_->consumed_offset();
  }
  batch.position = reader_->source().position();
  return false;
}

}  // namespace defender
