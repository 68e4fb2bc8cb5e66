// bench_input: reads every line of FILEs through defender-scan's input layer
// (magic-byte detection, ISA-L inflate on its own thread, line splitting)
// and prints the time, so it can be compared with `gzip -dc FILE > /dev/null`.
//
//   bench_input FILE...
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "sources/input.h"
#include "sources/line_reader.h"

int main(int argc, char** argv) {
  auto t0 = std::chrono::steady_clock::now();
  uint64_t lines = 0, bytes = 0;
  for (int i = 1; i < argc; ++i) {
    defender::OpenedInput in;
    defender::Status s = defender::OpenInput(argv[i], {}, &in);
    if (!s.ok()) {
      fmt::print(stderr, "bench_input: {}\n", s.message());
      return 1;
    }
    defender::LineReader reader(std::move(in.source), 64 * 1024);
    std::string_view line;
    while (reader.Next(&line) == defender::LineReader::Result::kLine) {
      ++lines;
      bytes += line.size() + 1;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("bench_input: {} lines, {:.1f} MB in {:.3f} s\n", lines, double(bytes) / 1e6, secs);
  return 0;
}
