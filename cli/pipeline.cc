#include "cli/pipeline.h"

#include <unistd.h>

#include <chrono>
#include <thread>

#include "cli/explain.h"
#include "parsers/presets.h"
#include "sources/input.h"

namespace defender {

namespace {

void PrintError(std::string_view message) {
  fmt::print(stderr, "defender-scan: error: {}\n", message);
}

}  // namespace

Pipeline::Pipeline(const Options& options) : options_(options) {}
Pipeline::~Pipeline() = default;

bool Pipeline::OpenInputs() {
  std::vector<std::string> names = options_.files;
  if (names.empty()) names.push_back("-");
  InputOptions in_options;
  in_options.follow = options_.follow;
  for (const std::string& name : names) {
    ++stats_.inputs;
    OpenedInput opened;
    Status s = OpenInput(name, in_options, &opened);
    if (!s.ok()) {
      PrintError(s.message());
      ++stats_.input_errors;
      failed_ = true;
      continue;
    }
    Input input;
    input.name = name == "-" ? "<stdin>" : name;
    input.live = opened.live;
    input.reader = std::make_unique<LineReader>(std::move(opened.source), options_.max_line);
    std::string error;
    input.parser = NewParser(options_.format, &error);  // validated in main
    inputs_.push_back(std::move(input));
  }
  return !inputs_.empty();
}

bool Pipeline::Drain(Input& input, size_t max_lines) {
  std::string_view line;
  for (size_t n = 0; n < max_lines; ++n) {
    switch (input.reader->Next(&line)) {
      case LineReader::Result::kLine:
        ProcessLine(input, line);
        if (out_.closed()) return false;
        continue;
      case LineReader::Result::kIdle:
        return true;
      case LineReader::Result::kEnd:
        FinishInput(input);
        return false;
    }
  }
  return true;
}

void Pipeline::ProcessLine(Input& input, std::string_view line) {
  ++input.line_no;
  ++stats_.lines;
  Reject reject = input.parser->Parse(line, &record_);
  ++stats_.rejects[size_t(reject)];
  if (reject == Reject::kNone) ++stats_.parsed;
  if (options_.explain) {
    AppendExplain(out_.buffer(), input.line_no, record_, reject, {}, {});
    out_.EndLine();
  }
}

void Pipeline::FinishInput(Input& input) {
  input.done = true;
  stats_.bytes += input.reader->bytes_read();
  stats_.rejects[size_t(Reject::kTooLong)] += input.reader->too_long();
  stats_.rejects[size_t(Reject::kTruncated)] += input.reader->truncated();
  stats_.lines += input.reader->too_long() + input.reader->truncated();
  if (!input.reader->status().ok()) {
    PrintError(input.reader->status().message());
    ++stats_.input_errors;
    failed_ = true;
  }
}

int Pipeline::Run() {
  auto start = std::chrono::steady_clock::now();
  Status s = out_.Open(options_.json);
  if (!s.ok()) {
    PrintError(s.message());
    return 1;
  }
  OpenInputs();
  bool any_live = false;
  for (const Input& in : inputs_) any_live |= in.live;
  if (!any_live) {
    // Files one after the other, in the order given.
    for (Input& in : inputs_) {
      while (Drain(in, SIZE_MAX)) {
      }
      if (out_.closed()) break;
    }
  } else {
    // Live inputs: take turns, flush output whenever everything is idle.
    while (!out_.closed()) {
      bool any_open = false;
      bool any_progress = false;
      for (Input& in : inputs_) {
        if (in.done) continue;
        uint64_t before = in.line_no;
        any_open |= Drain(in, 4096);
        any_progress |= in.line_no != before;
      }
      if (!any_open) break;
      if (!out_.Flush().ok()) failed_ = true;
      if (!any_progress && options_.follow) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
  s = out_.Flush();
  if (!s.ok()) {
    PrintError(s.message());
    failed_ = true;
  }
  if (options_.stats) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::memory_buffer report;
    stats_.AppendReport(report, secs);
    fmt::print(stderr, "{}", fmt::to_string(report));
  }
  return failed_ ? 1 : 0;
}

}  // namespace defender
