#include "hwnas/core/files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include "hwnas/core/error.h"

namespace hwnas {

std::string read_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(path.string(), "no such file");
  if (std::filesystem::is_directory(path, ec)) fail(path.string(), "is a directory, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path.string(), "cannot open for reading: {}", std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file_atomic(const std::filesystem::path& path, std::string_view contents) {
  const std::filesystem::path tmp = path.string() + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) fail(path.string(), "cannot write: {}", std::strerror(errno));
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      std::filesystem::remove(tmp);
      fail(path.string(), "cannot write: {}", std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    fail(path.string(), "cannot replace: {}", ec.message());
  }
}

void publish_folder(const std::filesystem::path& tmp, const std::filesystem::path& out) {
  namespace fs = std::filesystem;
  if (fs::exists(out)) {
    const fs::path old = out.string() + ".old";
    fs::remove_all(old);
    fs::rename(out, old);
    fs::rename(tmp, out);
    fs::remove_all(old);
  } else {
    if (out.has_parent_path()) fs::create_directories(out.parent_path());
    fs::rename(tmp, out);
  }
}

}  // namespace hwnas
