#include "detectors/database_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "core/hash.h"

namespace defender {

namespace {

constexpr std::string_view kMagic = "DSHSDB01";
constexpr size_t kMaxFileBytes = 64 << 20;
constexpr std::string_view kPrefix = "signatures-", kSuffix = ".hsdb";

uint64_t ReadU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | uint8_t(p[i]);
  return v;
}
void AppendU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(char(uint8_t(v >> (8 * i))));
}

// A directory this process may write its cache in, made if missing.
bool UsableDir(const std::string& dir, mode_t mode) {
  if (mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) return false;
  struct stat st;
  return stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && access(dir.c_str(), W_OK | X_OK) == 0;
}

}  // namespace

std::optional<std::vector<std::string_view>> ParseCacheFile(std::string_view file, uint64_t key, size_t count) {
  if (file.size() < kMagic.size() + 8 + 8 + 8 || file.substr(0, kMagic.size()) != kMagic) return std::nullopt;
  const std::string_view body = file.substr(0, file.size() - 8);
  if (ReadU64(file.data() + file.size() - 8) != HashBytes(body)) return std::nullopt;
  size_t at = kMagic.size();
  if (ReadU64(body.data() + at) != key) return std::nullopt;
  at += 8;
  if (ReadU64(body.data() + at) != count) return std::nullopt;
  at += 8;
  std::vector<std::string_view> databases;
  for (size_t i = 0; i < count; ++i) {
    if (body.size() - at < 8) return std::nullopt;
    const uint64_t length = ReadU64(body.data() + at);
    at += 8;
    if (length > body.size() - at) return std::nullopt;
    databases.push_back(body.substr(at, size_t(length)));
    at += size_t(length);
  }
  if (at != body.size()) return std::nullopt;
  return databases;
}

std::string FormatCacheFile(uint64_t key, const std::vector<std::string_view>& databases) {
  std::string out(kMagic);
  AppendU64(&out, key);
  AppendU64(&out, databases.size());
  for (std::string_view d : databases) {
    AppendU64(&out, d.size());
    out.append(d);
  }
  AppendU64(&out, HashBytes(out));
  return out;
}

std::string DefaultCacheDir() {
  if (const char* env = std::getenv("DEFENDER_SCAN_CACHE_DIR")) return env;
  if (UsableDir("/var/cache/defender-scan", 0755)) return "/var/cache/defender-scan";
  std::string base;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && xdg[0] == '/') {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && home[0] == '/') {
    base = std::string(home) + "/.cache";
    if (!UsableDir(base, 0700)) return {};
  } else {
    return {};
  }
  std::string dir = base + "/defender-scan";
  return UsableDir(dir, 0700) ? dir : std::string();
}

std::string DatabaseCache::Path(uint64_t key) const {
  return fmt::format("{}/{}{:016x}{}", dir_, kPrefix, key, kSuffix);
}

std::optional<std::string> DatabaseCache::Read(uint64_t key) const {
  if (dir_.empty()) return std::nullopt;
  const int fd = open(Path(key).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st;
  std::optional<std::string> bytes;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_uid == geteuid() || st.st_uid == 0) &&
      (st.st_mode & (S_IWGRP | S_IWOTH)) == 0 && size_t(st.st_size) <= kMaxFileBytes) {
    std::string data(size_t(st.st_size), '\0');
    size_t got = 0;
    while (got < data.size()) {
      const ssize_t n = read(fd, data.data() + got, data.size() - got);
      if (n <= 0) break;
      got += size_t(n);
    }
    if (got == data.size()) bytes = std::move(data);
  }
  close(fd);
  return bytes;
}

Status DatabaseCache::Write(uint64_t key, const std::vector<std::string_view>& databases) const {
  if (dir_.empty()) return Status::Ok();
  const std::string data = FormatCacheFile(key, databases);
  std::string tmp = fmt::format("{}/.{}XXXXXX", dir_, kPrefix);
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return Status::Error(fmt::format("{}: {}", dir_, std::strerror(errno)));
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n <= 0) break;
    done += size_t(n);
  }
  const bool ok = done == data.size() && fchmod(fd, 0644) == 0 && fsync(fd) == 0;
  close(fd);
  const std::string path = Path(key);
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    unlink(tmp.c_str());
    return Status::Error(fmt::format("{}: {}", path, why));
  }
  // Files of other keys (an older rule set or binary) are stale.
  if (DIR* d = opendir(dir_.c_str())) {
    const std::string mine = path.substr(dir_.size() + 1);
    while (dirent* e = readdir(d)) {
      std::string_view name = e->d_name;
      if (name.starts_with(kPrefix) && name.ends_with(kSuffix) && name != mine) {
        unlinkat(dirfd(d), e->d_name, 0);
      }
    }
    closedir(d);
  }
  return Status::Ok();
}

}  // namespace defender
