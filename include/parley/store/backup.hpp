#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>

namespace parley::store {

/// A backup that did not complete; its message is one line saying why. No file was left at the
/// target.
struct backup_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct backup_options {
  /// Pages copied per step (1 MiB at SQLite's default 4 KiB page), with `pause` between steps to
  /// leave the disk to a server running on the database.
  int pages_per_step = 256;
  std::chrono::milliseconds pause{5};
  /// A step that finds a database locked is retried after `pause`, this many times in a row.
  int busy_retries = 1000;
  /// Replace an existing file at the target (atomically, by rename).
  bool replace = false;
};

struct backup_result {
  std::int64_t pages = 0;
  std::uint64_t bytes = 0;
  double seconds = 0;
};

/// Copies the SQLite database at `source` to `target` with SQLite's online backup API, as of one
/// moment (a read transaction held for the whole copy: commits made meanwhile by a server, which
/// runs the database in WAL mode, neither wait for the copy nor restart it). The copy is written
/// next to the target under a temporary name, checked with PRAGMA integrity_check, then renamed
/// into place. Refuses an existing target unless `replace`, the database itself as the target,
/// and a target with a -wal file beside it. Throws backup_error.
backup_result backup_sqlite(const std::filesystem::path& source,
                            const std::filesystem::path& target, const backup_options& options);

}  // namespace parley::store
