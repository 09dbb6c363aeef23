#include "support/tmpfs_mount.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace parley::test {

tmpfs_mount::tmpfs_mount(const std::filesystem::path& dir, std::size_t size_bytes)
    : dir_(dir), size_(size_bytes) {
  std::filesystem::create_directories(dir_);
  const std::string options = "size=" + std::to_string(size_bytes) + ",mode=0755";
  if (::mount("tmpfs", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0) {
    mounted_ = true;
  } else {
    error_ = std::strerror(errno);
  }
}

tmpfs_mount::~tmpfs_mount() {
  if (mounted_) {
    ::umount2(dir_.c_str(), MNT_DETACH);
  }
}

std::size_t tmpfs_mount::fill() {
  const auto file = dir_ / "filler";
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot create " + file.string() + ": " + std::strerror(errno));
  }
  // Down to single bytes at the end, so that not even a partly used page is left.
  const std::vector<char> chunk(64 * 1024, 'f');
  std::size_t piece = chunk.size();
  std::size_t written = 0;
  for (int i = 0; i < 100000 && written <= size_ + chunk.size(); ++i) {
    const auto n = ::write(fd, chunk.data(), piece);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == ENOSPC) {
      if (piece == 1) {
        ::close(fd);
        return written;
      }
      piece = 1;
      continue;
    }
    const std::string why = n < 0 ? std::strerror(errno) : "wrote nothing";
    ::close(fd);
    throw std::runtime_error("filling " + file.string() + " failed: " + why);
  }
  ::close(fd);
  throw std::runtime_error("the tmpfs on " + dir_.string() + " did not fill up");
}

void tmpfs_mount::clear() {
  std::filesystem::remove(dir_ / "filler");
}

}  // namespace parley::test
