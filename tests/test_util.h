// Helpers for tests: temporary directories and files, running a command.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/status.h"

namespace defender::testing {

// A fresh directory under $TMPDIR, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "defender-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void WriteFile(const std::string& path, const std::string& content, bool append = false) {
  std::ofstream f(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  f << content;
}

inline int Run(const std::string& command) { return system(command.c_str()); }

// The value of what must have worked; a test that gets an error stops there,
// saying it.
template <typename T>
T Must(StatusOr<T> result) {
  if (!result.ok()) {
    std::fprintf(stderr, "Must: %s\n", result.status().message().c_str());
    std::abort();
  }
  return std::move(*result);
}

}  // namespace defender::testing
