#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "parley/store/database.hpp"

struct pg_conn;
struct pg_result;

namespace parley::postgres {

class pg_database;

/// A statement of a pg_database: prepared on the server at its first execution (with the types
/// of the values bound then) and again after a reconnect. Values and results travel in binary.
class pg_statement final : public store::statement {
 public:
  pg_statement(pg_database& db, std::string name, std::string sql)
      : db_(db), name_(std::move(name)), sql_(std::move(sql)) {}
  ~pg_statement() override;

  store::statement& bind(int index, std::int64_t value) override;
  store::statement& bind(int index, std::string_view value) override;
  bool step() override;
  void reset() override;
  std::int64_t column_int64(int index) const override;
  std::string column_text(int index) const override;
  bool column_is_null(int index) const override;

 private:
  friend class pg_database;
  struct parameter {
    bool is_int = false;
    std::string bytes;  ///< an int as 8 big-endian bytes, a string as it is
  };
  parameter& slot(int index);

  pg_database& db_;
  std::string name_;
  std::string sql_;
  std::uint64_t prepared_generation_ = 0;  ///< the connection it was prepared on; 0: none
  std::vector<parameter> params_;
  pg_result* result_ = nullptr;
  int row_ = -1;
};

/// One libpq connection. A lost connection is re-established at the start of the next call made
/// outside a transaction; a call inside a transaction fails instead (its work is gone with the
/// connection) and the caller's transaction rolls back.
class pg_database final : public store::database {
 public:
  /// Connects to `url` (postgres://...). Throws database_error (unavailable) when it cannot.
  explicit pg_database(const std::string& url);
  ~pg_database() override;

  store::dialect dialect() const override { return store::dialect::postgres; }
  void exec(std::string_view sql) override;
  store::statement& prepare(std::string_view sql) override;
  void begin() override;
  void commit() override;
  void rollback() noexcept override;

 private:
  friend class pg_statement;
  /// Runs the statement with its bound values; the result belongs to the caller.
  pg_result* execute(pg_statement& s);
  void ensure_connected();
  /// Throws the database_error for a failed result (and frees it).
  [[noreturn]] void fail(pg_result* result, std::string_view what);

  pg_conn* conn_ = nullptr;
  std::uint64_t generation_ = 1;
  bool in_transaction_ = false;
  std::map<std::string, std::unique_ptr<pg_statement>, std::less<>> cache_;
};

}  // namespace parley::postgres
