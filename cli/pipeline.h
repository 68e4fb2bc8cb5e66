// Pipeline: wires sources, parsers, detectors, decisions and sinks for one
// run of the main job. Single-threaded (decompression runs on its own
// threads inside sources/). Run() returns the exit status.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/options.h"
#include "cli/stats.h"
#include "core/log_record.h"
#include "parsers/line_parser.h"
#include "sinks/line_writer.h"
#include "sources/line_reader.h"

namespace defender {

class Pipeline {
 public:
  explicit Pipeline(const Options& options);
  ~Pipeline();
  // 0 ok, 1 a runtime failure (an unreadable input, a sink failed).
  int Run();

 private:
  struct Input {
    std::string name;
    std::unique_ptr<LineReader> reader;
    std::unique_ptr<LineParser> parser;
    bool live = false;
    uint64_t line_no = 0;
    bool done = false;
  };

  bool OpenInputs();
  // Reads lines of `input` until it is idle or over; false when over.
  bool Drain(Input& input, size_t max_lines);
  void ProcessLine(Input& input, std::string_view line);
  void FinishInput(Input& input);

  const Options& options_;
  Stats stats_;
  LineWriter out_;
  LogRecord record_;
  std::vector<Input> inputs_;
  bool failed_ = false;
};

}  // namespace defender
