// ParseAhead: reads and parses one input on a thread of its own, batches of
// lines ahead of the pipeline, so that on two cores a replay runs at the
// speed of detection rather than of reading, parsing and detection in turn.
// Each line and its record are copied into the batch (CopyRecordText), so
// they stay valid whatever buffers the reader and the parser reuse. The
// reader is the worker's until Next() has returned nullptr or Stop() has
// returned; for batch replays of files, which never idle. Next(), Stop() and
// the accessors are for one consumer thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "core/huge_array.h"
#include "core/log_record.h"
#include "parsers/line_parser.h"
#include "sources/line_reader.h"

namespace defender {

struct ParsedLine {
  std::string_view text;
  LogRecord record;  // meaningful when reject is kNone
  Reject reject = Reject::kNone;
  uint64_t end_offset = 0;  // the reader's consumed_offset() after this line
};

class ParseAhead {
 public:
  ParseAhead(LineReader* reader, std::unique_ptr<LineParser> parser);
  ~ParseAhead();
  ParseAhead(const ParseAhead&) = delete;
  ParseAhead& operator=(const ParseAhead&) = delete;

  // The next line, valid until the next call; nullptr once the input is
  // over (the reader's status and counts are then final).
  const ParsedLine* Next();
  // The line Next() will return, if it is already at hand (else nullptr):
  // for fetching what it will need while this one is processed.
  const ParsedLine* Peek() const;
  // Ends the worker before the input is over (the run was stopped); the
  // reader's counts then include what was read ahead.
  void Stop();
  // Where a later run goes on: just after the last line Next() returned.
  uint64_t consumed_offset() const { return consumed_offset_; }
  // How far the source was read when that line's batch was made (--progress).
  uint64_t position() const { return position_; }
  // The worker's CPU time (--stats); final once Next() has returned nullptr
  // or Stop() has returned.
  double cpu_seconds() const { return cpu_seconds_; }

 private:
  struct Batch;
  // The worker: Produce(), then its CPU time.
  void Run();
  void Produce();
  // Reads and parses lines into `batch` until it is full; true at the end.
  bool Fill(Batch& batch);

  LineReader* reader_;
  std::unique_ptr<LineParser> parser_;
  // Every batch's lines and text, in 2 MB pages (in 4 KB ones, the first
  // fill of the batches was 800 page faults of ~11 us on a VM).
  HugeArray<ParsedLine> lines_;
  HugeArray<char> text_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Batch>> full_;
  std::vector<std::unique_ptr<Batch>> free_;
  size_t batches_ = 0;  // made so far, at most kMaxBatches
  bool finished_ = false;
  bool stop_ = false;
  std::unique_ptr<Batch> current_;  // the consumer's
  size_t next_ = 0;                 // in current_
  uint64_t consumed_offset_ = 0;
  uint64_t position_ = 0;
  double cpu_seconds_ = 0;  // written by the worker as it ends, read after join
  std::thread worker_;
};

}  // namespace defender
