// Progress: the line `--progress` keeps redrawn on stderr while a batch run
// reads its files: how far (bytes of the inputs as stored, so compressed
// bytes for a compressed file), lines, lines a second, bans so far and the
// time left; at most ten times a second, and cleared when the run ends, so
// that it never mixes with what is written on stdout. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

namespace defender {

class Progress {
 public:
  // `total_bytes`: the inputs' sizes together.
  explicit Progress(uint64_t total_bytes);
  ~Progress() { Clear(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Redraws the line if a tenth of a second has passed since the last time.
  void Update(uint64_t done_bytes, uint64_t lines, uint64_t bans);
  // Erases the line (if drawn).
  void Clear();

 private:
  uint64_t total_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

}  // namespace defender
