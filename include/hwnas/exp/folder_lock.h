#pragma once
// exp::FolderLock: one `hwnas search` per output folder at a time. An exclusive flock() on
// <dir>/.lock, which the kernel drops when the process ends, even by SIGKILL, so a killed
// run never leaves a stale lock behind.
//
//   exp::FolderLock lock("runs/x");           // throws if another search holds it
//   exp::FolderLock::held("runs/x");          // true while some search runs there
#include <filesystem>

namespace hwnas::exp {

class FolderLock {
 public:
  explicit FolderLock(const std::filesystem::path& dir);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

  static bool held(const std::filesystem::path& dir);

 private:
  int fd_ = -1;
};

}  // namespace hwnas::exp
