// Replacing a file atomically: the content goes to a new temporary file in
// the same directory (created exclusively, never following a link), is
// fsync'ed, then renamed over the target, so readers see the old file or the
// new one, never a part. A target that is a symbolic link is refused.
// Thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace defender {

Status ReplaceFileAtomically(const std::string& path, std::string_view content, int mode = 0644);

// Reads a whole file; NotFound is reported as ok with *exists = false.
Status ReadWholeFile(const std::string& path, std::string* content, bool* exists);

}  // namespace defender
