#pragma once

#include <map>
#include <memory>
#include <string>

#include "parley/store/database.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace parley::store {

/// A statement of a sqlite_database.
class sqlite_statement final : public statement {
 public:
  explicit sqlite_statement(sqlite3_stmt* s) : stmt_(s) {}
  ~sqlite_statement() override;

  statement& bind(int index, std::int64_t value) override;
  statement& bind(int index, std::string_view value) override;
  bool step() override;
  void reset() override;
  std::int64_t column_int64(int index) const override;
  std::string column_text(int index) const override;
  bool column_is_null(int index) const override;

 private:
  sqlite3_stmt* stmt_;
};

/// One SQLite connection: WAL, foreign keys, busy timeout, a cache of prepared statements.
class sqlite_database final : public database {
 public:
  /// Opens (creating if needed) the file. Throws database_error.
  explicit sqlite_database(const std::string& path);
  ~sqlite_database() override;

  parley::store::dialect dialect() const override { return dialect::sqlite; }
  void exec(std::string_view sql) override;
  statement& prepare(std::string_view sql) override;
  void begin() override;
  void commit() override;
  void rollback() noexcept override;

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, std::unique_ptr<sqlite_statement>, std::less<>> cache_;
};

}  // namespace parley::store
