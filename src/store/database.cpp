#include "parley/store/database.hpp"

#include <sqlite3.h>

namespace parley::store {
namespace {

constexpr int busy_timeout_ms = 5000;

[[noreturn]] void fail(sqlite3* db, int code, std::string_view what) {
  throw sqlite_error(code,
                     std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code)));
}

}  // namespace

bool sqlite_error::is_constraint() const {
  return (code & 0xFF) == SQLITE_CONSTRAINT;
}

statement::~statement() {
  sqlite3_finalize(stmt_);
}

statement& statement::bind(int index, std::int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) {
    fail(sqlite3_db_handle(stmt_), rc, "bind");
  }
  return *this;
}

statement& statement::bind(int index, std::string_view value) {
  if (int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8);
      rc != SQLITE_OK) {
    fail(sqlite3_db_handle(stmt_), rc, "bind");
  }
  return *this;
}

statement& statement::bind_null(int index) {
  if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) {
    fail(sqlite3_db_handle(stmt_), rc, "bind");
  }
  return *this;
}

bool statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  const int code = sqlite3_extended_errcode(sqlite3_db_handle(stmt_));
  const std::string msg = sqlite3_errmsg(sqlite3_db_handle(stmt_));
  sqlite3_reset(stmt_);
  throw sqlite_error(code, "step: " + msg);
}

void statement::run() {
  while (step()) {
  }
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::column_int64(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string statement::column_text(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
              : std::string();
}

bool statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

database::database(const std::string& path) {
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw sqlite_error(rc, "cannot open database '" + path + "': " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  // WAL + NORMAL survives a process crash (the WAL is in the OS's hands after each commit);
  // only a power loss can take the last commits.
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
}

database::~database() {
  cache_.clear();
  sqlite3_close(db_);
}

void database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  if (int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err); rc != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw sqlite_error(sqlite3_extended_errcode(db_), msg);
  }
}

statement& database::prepare(std::string_view sql) {
  auto it = cache_.find(sql);  // by view: no string made for a statement already cached
  if (it == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    if (int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
        rc != SQLITE_OK) {
      fail(db_, rc, "prepare");
    }
    it = cache_.emplace(std::string(sql), std::make_unique<statement>(raw)).first;
  }
  it->second->reset();
  return *it->second;
}

std::int64_t database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int database::changes() const {
  return sqlite3_changes(db_);
}

// BEGIN, COMMIT and ROLLBACK run as cached statements: sqlite3_exec would parse them again on
// every message batch.
transaction::transaction(database& db) : db_(db) {
  db_.prepare("BEGIN IMMEDIATE").run();
}

transaction::~transaction() {
  if (!done_) {
    try {
      db_.prepare("ROLLBACK").run();
    } catch (const sqlite_error&) {
      // Nothing more can be done: SQLite rolls back on its own when the statement failed.
    }
  }
}

void transaction::commit() {
  db_.prepare("COMMIT").run();
  done_ = true;
}

}  // namespace parley::store
