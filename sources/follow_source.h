// A source that follows a file by name like `tail -F`: starts at the end of
// an existing file (or at 0 for one created later), survives rename rotation
// (the renamed file is drained for a grace period, since nginx writes to it
// until it reopens its logs) and copytruncate (restarts at offset 0). Never
// reports eof; reports idle when there is nothing new. With a checkpoint it
// resumes where an earlier run stopped (FollowOptions). Not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "sources/byte_source.h"

namespace defender {

struct FollowOptions {
  bool start_at_end = true;
  int rotate_grace_ms = 10000;  // keep draining a rotated file this long
  // Resuming (--state): if the file at the path is still the one a
  // checkpoint names (device, inode, first bytes), reading starts at the
  // checkpoint's offset, or max_catch_up bytes before the end if that is
  // later (at the next line), instead of at the end.
  bool resume = false;
  uint64_t resume_dev = 0, resume_ino = 0, resume_offset = 0;
  std::string resume_fingerprint;
  uint64_t max_catch_up = 0;
};

std::unique_ptr<ByteSource> NewFollowSource(std::string path, FollowOptions options);

}  // namespace defender
