#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace parley::test {

/// A small tmpfs mounted on a fresh directory, for a disk that really fills up: it needs root
/// (or CAP_SYS_ADMIN), so a test checks ok() and skips when the mount was refused.
class tmpfs_mount {
 public:
  /// Mounts `size_bytes` of tmpfs on `dir` (created); ok() tells whether it worked.
  tmpfs_mount(const std::filesystem::path& dir, std::size_t size_bytes);
  tmpfs_mount(const tmpfs_mount&) = delete;
  tmpfs_mount& operator=(const tmpfs_mount&) = delete;
  /// Detaches the mount (lazily: a process killed a moment ago may still hold files on it).
  ~tmpfs_mount();

  bool ok() const { return mounted_; }
  /// Why the mount failed (strerror of mount(2)).
  const std::string& error() const { return error_; }
  const std::filesystem::path& path() const { return dir_; }

  /// Writes a filler file until the filesystem answers ENOSPC; returns the bytes written
  /// (throws on any other error, or if the disk never fills within its size plus a margin).
  std::size_t fill();
  /// Removes the filler: the space is free again.
  void clear();

 private:
  std::filesystem::path dir_;
  std::size_t size_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace parley::test
