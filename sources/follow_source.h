// A source that follows a file by name like `tail -F`: starts at the end of
// an existing file (or at 0 for one created later), survives rename rotation
// (the renamed file is drained for a grace period, since nginx writes to it
// until it reopens its logs) and copytruncate (restarts at offset 0). Never
// reports eof; reports idle when there is nothing new. Not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "sources/byte_source.h"

namespace defender {

struct FollowOptions {
  bool start_at_end = true;
  int rotate_grace_ms = 10000;  // keep draining a rotated file this long
};

std::unique_ptr<ByteSource> NewFollowSource(std::string path, FollowOptions options);

}  // namespace defender
