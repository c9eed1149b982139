#include "hwnas/exp/folder_lock.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "hwnas/core/error.h"

namespace hwnas::exp {

FolderLock::FolderLock(const std::filesystem::path& dir) {
  const auto file = dir / ".lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) fail(file.string(), "cannot create the lock file: {}", std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fail(dir.string(),
         "another `hwnas search` is running on this output folder; wait for it to finish or use "
         "another output (--set output=...)");
  }
}

FolderLock::~FolderLock() { ::close(fd_); }

bool FolderLock::held(const std::filesystem::path& dir) {
  const int fd = ::open((dir / ".lock").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return locked;
}

}  // namespace hwnas::exp
