// Options: everything the command line (and later the config file) decides,
// as plain data. Filled by ParseCommandLine in main.cc; read-only afterwards.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace defender {

struct Options {
  std::vector<std::string> files;  // empty or "-": stdin
  std::string format = "auto";
  bool follow = false;
  size_t max_line = 64 * 1024;
  std::string json = "-";  // where JSON lines go
  bool explain = false;
  bool stats = false;
};

}  // namespace defender
