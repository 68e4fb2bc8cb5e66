// Inputs are read oldest first, whatever order they are given in: shells
// expand access.log.*.gz as .10.gz before .2.gz, and logrotate's numbers
// grow with age. The order comes from each regular file's first log time,
// read from its first lines (decompressed if need be). Stateless.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace defender {

// `names` reordered: the regular files whose first log time could be read
// are sorted by it (stably) among the places they held; stdin, pipes and
// files without a readable time keep their places. With `follow` (live
// files, read from their end) the order is kept as given.
std::vector<std::string> OrderInputsByLogTime(const std::vector<std::string>& names, std::string_view format,
                                              size_t max_line, bool follow);

}  // namespace defender
