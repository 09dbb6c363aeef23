#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace parley::store {

/// The SQL engine behind a database: the few statements whose text differs are chosen by it.
enum class dialect { sqlite, postgres };

/// A failed database call.
struct database_error : std::runtime_error {
  enum class kind {
    constraint,   ///< a UNIQUE / PRIMARY KEY / foreign key violation
    unavailable,  ///< the database cannot be reached (connection lost, server down)
    other,
  };
  database_error(kind k, const std::string& what) : std::runtime_error(what), failure(k) {}
  kind failure;
  bool is_constraint() const { return failure == kind::constraint; }
};

/// One prepared statement, reset and ready to bind when database::prepare returns it.
///
/// SQL is written once for both engines in SQLite's syntax: `?` numbers parameters in order,
/// `?N` names parameter N (and may repeat); the PostgreSQL engine rewrites both to `$N`.
class statement {
 public:
  statement() = default;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  virtual ~statement() = default;

  /// Binds 1-based parameters.
  virtual statement& bind(int index, std::int64_t value) = 0;
  virtual statement& bind(int index, std::string_view value) = 0;

  /// Steps once: true when a row is available, false when done. Throws database_error.
  virtual bool step() = 0;
  /// Steps to completion, ignoring any rows.
  void run() {
    while (step()) {
    }
  }
  /// Clears bindings and rewinds, ready for reuse.
  virtual void reset() = 0;

  virtual std::int64_t column_int64(int index) const = 0;
  virtual std::string column_text(int index) const = 0;
  virtual bool column_is_null(int index) const = 0;
};

/// One connection to the database with a cache of prepared statements. Not thread-safe: each
/// store thread has its own.
class database {
 public:
  database() = default;
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  virtual ~database() = default;

  virtual parley::store::dialect dialect() const = 0;
  /// Runs one or more statements without parameters or results (migrations).
  virtual void exec(std::string_view sql) = 0;
  /// A cached statement for `sql`, reset and ready to bind.
  virtual statement& prepare(std::string_view sql) = 0;

  /// Starts a write transaction: on SQLite it takes the file's write lock at once, so that
  /// everything read inside it stays current until commit.
  virtual void begin() = 0;
  virtual void commit() = 0;
  /// Never throws: used on the way out of a failed transaction.
  virtual void rollback() noexcept = 0;
};

/// Runs a block inside begin() ... commit(); rolls back if destroyed uncommitted.
class transaction {
 public:
  explicit transaction(database& db) : db_(db) { db_.begin(); }
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction() {
    if (!done_) {
      db_.rollback();
    }
  }
  void commit() {
    db_.commit();
    done_ = true;
  }

 private:
  database& db_;
  bool done_ = false;
};

}  // namespace parley::store
