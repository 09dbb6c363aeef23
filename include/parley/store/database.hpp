#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace parley::store {

/// A failed SQLite call; `code` is SQLite's extended result code.
struct sqlite_error : std::runtime_error {
  sqlite_error(int code, const std::string& what) : std::runtime_error(what), code(code) {}
  int code;
  /// True for UNIQUE / PRIMARY KEY violations.
  bool is_constraint() const;
};

/// One prepared statement; reset before each use by database::prepare_cached.
class statement {
 public:
  explicit statement(sqlite3_stmt* s) : stmt_(s) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  /// Binds 1-based parameters.
  statement& bind(int index, std::int64_t value);
  statement& bind(int index, std::string_view value);
  statement& bind_null(int index);

  /// Steps once: true when a row is available, false when done. Throws sqlite_error.
  bool step();
  /// Steps to completion, expecting no rows.
  void run();
  /// Clears bindings and rewinds, ready for reuse.
  void reset();

  std::int64_t column_int64(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  sqlite3_stmt* stmt_;
};

/// One SQLite connection: WAL, foreign keys, busy timeout, a cache of prepared statements.
/// Not thread-safe: it is used from the store thread only.
class database {
 public:
  /// Opens (creating if needed) the file. Throws sqlite_error.
  explicit database(const std::string& path);
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  ~database();

  /// Runs one or more statements without results.
  void exec(std::string_view sql);
  /// A cached statement for `sql`, reset and ready to bind.
  statement& prepare(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  int changes() const;

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, std::unique_ptr<statement>, std::less<>> cache_;
};

/// Runs a block inside BEGIN IMMEDIATE ... COMMIT; rolls back if destroyed uncommitted.
class transaction {
 public:
  explicit transaction(database& db);
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction();
  void commit();

 private:
  database& db_;
  bool done_ = false;
};

}  // namespace parley::store
