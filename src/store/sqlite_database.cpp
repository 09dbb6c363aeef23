#include "parley/store/sqlite_database.hpp"

#include <sqlite3.h>

namespace parley::store {
namespace {

constexpr int busy_timeout_ms = 5000;

database_error::kind kind_of(int code) {
  return (code & 0xFF) == SQLITE_CONSTRAINT ? database_error::kind::constraint
                                            : database_error::kind::other;
}

[[noreturn]] void fail(sqlite3* db, int code, std::string_view what) {
  throw database_error(kind_of(code),
                       std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code)));
}

}  // namespace

sqlite_statement::~sqlite_statement() {
  sqlite3_finalize(stmt_);
}

statement& sqlite_statement::bind(int index, std::int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) {
    fail(sqlite3_db_handle(stmt_), rc, "bind");
  }
  return *this;
}

statement& sqlite_statement::bind(int index, std::string_view value) {
  if (int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8);
      rc != SQLITE_OK) {
    fail(sqlite3_db_handle(stmt_), rc, "bind");
  }
  return *this;
}

bool sqlite_statement::step() {
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
  throw database_error(kind_of(code), "step: " + msg);
}

void sqlite_statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t sqlite_statement::column_int64(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string sqlite_statement::column_text(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
              : std::string();
}

bool sqlite_statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

sqlite_database::sqlite_database(const std::string& path) {
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw database_error(database_error::kind::unavailable,
                         "cannot open database '" + path + "': " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  // WAL + NORMAL survives a process crash (the WAL is in the OS's hands after each commit);
  // only a power loss can take the last commits.
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
}

sqlite_database::~sqlite_database() {
  cache_.clear();
  sqlite3_close(db_);
}

void sqlite_database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  if (int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err); rc != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw database_error(kind_of(sqlite3_extended_errcode(db_)), msg);
  }
}

statement& sqlite_database::prepare(std::string_view sql) {
  auto it = cache_.find(sql);  // by view: no string made for a statement already cached
  if (it == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    if (int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
        rc != SQLITE_OK) {
      fail(db_, rc, "prepare");
    }
    it = cache_.emplace(std::string(sql), std::make_unique<sqlite_statement>(raw)).first;
  }
  it->second->reset();
  return *it->second;
}

// BEGIN, COMMIT and ROLLBACK run as cached statements: sqlite3_exec would parse them again on
// every message batch.
void sqlite_database::begin() {
  prepare("BEGIN IMMEDIATE").run();
}

void sqlite_database::commit() {
  prepare("COMMIT").run();
}

void sqlite_database::rollback() noexcept {
  try {
    prepare("ROLLBACK").run();
  } catch (const std::exception&) {
    // Nothing more can be done: SQLite rolls back on its own when the statement failed.
  }
}

}  // namespace parley::store
