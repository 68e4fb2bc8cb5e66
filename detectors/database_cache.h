// DatabaseCache: the compiled Hyperscan databases of the signature rules,
// kept in a file between runs, so a run starts in milliseconds instead of
// compiling for a third of a second.
//
// The file is named after a key: a hash of everything the compile depends
// on (the patterns, flags and ids of each database, Hyperscan's version,
// the CPU features and tuning it compiles for, the file format's version),
// so a cache never serves another rule set or machine. Its content is
// checked before use: the magic, the key again, each database's length,
// a checksum of the whole file, and then Hyperscan's own checks as it
// deserializes. A file that fails any check is a miss: the databases are
// compiled and the file rewritten. Only a regular file owned by this user
// (or root) and writable by nobody else is read, so another local user
// cannot plant databases. Writes go to a temporary file renamed into place,
// so a process starting at the same time reads the old file, the new one,
// or none, never half of one. Not thread-safe; one per matcher.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace defender {

// Parses a cache file's bytes: the serialized databases (an empty view for
// an absent database) if `file` is a well-formed cache of `count`
// databases for `key`, else nullopt. Pure; the views point into `file`.
std::optional<std::vector<std::string_view>> ParseCacheFile(std::string_view file, uint64_t key, size_t count);
// The file ParseCacheFile reads back.
std::string FormatCacheFile(uint64_t key, const std::vector<std::string_view>& databases);

// Where the cache lives unless --cache-dir says: $DEFENDER_SCAN_CACHE_DIR
// if set (empty: no cache), /var/cache/defender-scan when it is or can be
// made writable, else $XDG_CACHE_HOME/defender-scan or
// ~/.cache/defender-scan; empty when none can be used.
std::string DefaultCacheDir();

class DatabaseCache {
 public:
  // `dir` empty: no cache (Load misses, Save does nothing).
  explicit DatabaseCache(std::string dir) : dir_(std::move(dir)) {}

  // The file's bytes if it exists and may be trusted (see above).
  std::optional<std::string> Read(uint64_t key) const;
  // Writes atomically, and removes the files of other keys (stale).
  Status Write(uint64_t key, const std::vector<std::string_view>& databases) const;

  std::string Path(uint64_t key) const;
  bool enabled() const { return !dir_.empty(); }

 private:
  std::string dir_;
};

}  // namespace defender
