#include "parley/store/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <system_error>
#include <thread>

namespace parley::store {
namespace {

namespace fs = std::filesystem;

constexpr int busy_timeout_ms = 5000;

struct connection_closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using connection = std::unique_ptr<sqlite3, connection_closer>;

connection open(const fs::path& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  connection owned(db);
  if (rc != SQLITE_OK) {
    throw backup_error("cannot open '" + path.string() +
                       "': " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return owned;
}

void exec(sqlite3* db, const char* sql, const fs::path& path) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw backup_error("'" + path.string() + "': " + sqlite3_errmsg(db));
  }
}

/// The first row of PRAGMA integrity_check: "ok", or the first problem found.
std::string integrity(sqlite3* db, const fs::path& path) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &raw, nullptr) != SQLITE_OK) {
    throw backup_error("'" + path.string() + "': " + sqlite3_errmsg(db));
  }
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  if (sqlite3_step(raw) != SQLITE_ROW) {
    throw backup_error("'" + path.string() + "': " + sqlite3_errmsg(db));
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
  return text ? text : "";
}

fs::path with_suffix(const fs::path& p, const char* suffix) {
  return fs::path(p.string() + suffix);
}

/// Removes the temporary copy and whatever SQLite left beside it.
void remove_partial(const fs::path& temp) {
  std::error_code ignored;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    fs::remove(with_suffix(temp, suffix), ignored);
  }
}

void check_target(const fs::path& source, const fs::path& target, bool replace) {
  std::error_code ec;
  if (!fs::exists(source, ec)) {
    throw backup_error("database '" + source.string() + "' does not exist");
  }
  const bool target_exists = fs::exists(target, ec);
  if (target_exists && fs::equivalent(source, target, ec)) {
    throw backup_error("'" + target.string() + "' is the database itself");
  }
  if (fs::exists(with_suffix(target, "-wal"), ec)) {
    throw backup_error("'" + target.string() +
                       "-wal' exists: a database may be open at the target; choose another file");
  }
  if (!target_exists) {
    return;
  }
  if (fs::is_directory(target, ec)) {
    throw backup_error("'" + target.string() + "' is a directory; name the file to write");
  }
  if (!replace) {
    throw backup_error("'" + target.string() + "' exists; use --force to replace it");
  }
}

/// Copies in steps inside one read transaction on the source, so the copy is one snapshot.
std::int64_t copy(sqlite3* src, sqlite3* dst, const fs::path& source, const fs::path& temp,
                  const backup_options& options) {
  // A deferred BEGIN takes its snapshot at the first read.
  exec(src, "BEGIN; SELECT count(*) FROM sqlite_schema;", source);
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (b == nullptr) {
    throw backup_error("'" + temp.string() + "': " + sqlite3_errmsg(dst));
  }
  int busy = 0;
  int rc = SQLITE_OK;
  while (true) {
    rc = sqlite3_backup_step(b, options.pages_per_step);
    if (rc == SQLITE_DONE) {
      break;
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      if (++busy > options.busy_retries) {
        break;
      }
    } else if (rc != SQLITE_OK) {
      break;
    } else {
      busy = 0;
    }
    std::this_thread::sleep_for(options.pause);
  }
  const auto pages = static_cast<std::int64_t>(sqlite3_backup_pagecount(b));
  sqlite3_backup_finish(b);
  sqlite3_exec(src, "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_DONE) {
    throw backup_error(std::string("copying '") + source.string() + "' failed: " +
                       (rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? "the database stayed locked"
                                                                 : sqlite3_errstr(rc)));
  }
  return pages;
}

/// A rename is durable once the directory holding it is on disk.
void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

backup_result backup_sqlite(const fs::path& source, const fs::path& target,
                            const backup_options& options) {
  const auto started = std::chrono::steady_clock::now();
  check_target(source, target, options.replace);
  const auto dir = target.parent_path();
  const auto temp =
      dir / ("." + target.filename().string() + ".partial-" + std::to_string(::getpid()));
  remove_partial(temp);
  backup_result result;
  try {
    {
      auto src = open(source, SQLITE_OPEN_READWRITE);
      auto dst = open(temp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      result.pages = copy(src.get(), dst.get(), source, temp, options);
      src.reset();
      if (const auto verdict = integrity(dst.get(), temp); verdict != "ok") {
        throw backup_error("the copy failed PRAGMA integrity_check: " + verdict);
      }
    }
    result.bytes = fs::file_size(temp);
    fs::rename(temp, target);
  } catch (const fs::filesystem_error& e) {
    remove_partial(temp);
    throw backup_error(e.what());
  } catch (...) {
    remove_partial(temp);
    throw;
  }
  sync_directory(dir);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace parley::store
