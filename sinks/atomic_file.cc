#include "sinks/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <random>

#include <fmt/format.h>

namespace defender {

namespace {

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status Fail(const std::string& what, const std::string& path) {
  return Status::Error(fmt::format("{}: {}: {}", path, what, strerror(errno)));
}

}  // namespace

Status ReplaceFileAtomically(const std::string& path, std::string_view content, int mode) {
  struct stat st;
  if (lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    return Status::Error(fmt::format("{}: is a symbolic link; refusing to write through it", path));
  }
  std::string dir = DirName(path);
  std::random_device random;
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temp = fmt::format("{}/.defender-scan.{:08x}.tmp", dir, random());
    fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    // Name the directory, which the user gave and can fix, not our temporary file.
    if (fd < 0 && errno != EEXIST) return Fail(fmt::format("cannot write {} in it", path), dir);
  }
  if (fd < 0) return Fail("cannot create a temporary file", temp);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status s = Fail("write", temp);
      close(fd);
      unlink(temp.c_str());
      return s;
    }
    done += size_t(n);
  }
  if (fchmod(fd, mode_t(mode)) != 0 || fsync(fd) != 0) {
    Status s = Fail("fsync", temp);
    close(fd);
    unlink(temp.c_str());
    return s;
  }
  close(fd);
  if (rename(temp.c_str(), path.c_str()) != 0) {
    Status s = Fail("rename", path);
    unlink(temp.c_str());
    return s;
  }
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return Status::Ok();
}

Status ReadWholeFile(const std::string& path, std::string* content, bool* exists) {
  content->clear();
  *exists = false;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Ok();
    if (errno == ELOOP) return Status::Error(fmt::format("{}: is a symbolic link; refusing to use it", path));
    return Fail("cannot read", path);
  }
  *exists = true;
  char buf[65536];
  while (true) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Fail("read", path);
      close(fd);
      return s;
    }
    if (n == 0) break;
    content->append(buf, size_t(n));
  }
  close(fd);
  return Status::Ok();
}

}  // namespace defender
