#include "parley/postgres/pg_database.hpp"

#include <libpq-fe.h>

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "parley/log/log.hpp"
#include "parley/postgres/sql_text.hpp"

namespace parley::postgres {
namespace {

using store::database_error;

constexpr Oid int8_oid = 20;

std::int64_t read_big_endian(const char* p, int length) {
  std::uint64_t v = 0;
  for (int i = 0; i < length; ++i) {
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  }
  // Sign-extend the narrower integer types (int2, int4) and booleans.
  const int unused = 64 - 8 * length;
  return unused == 0 ? static_cast<std::int64_t>(v)
                     : static_cast<std::int64_t>(v << unused) >> unused;
}

/// Whether the other end has closed the socket: a peek finds the end of the stream.
bool peer_closed(int fd) {
  char byte = 0;
  const auto n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

}  // namespace

pg_statement::~pg_statement() {
  PQclear(result_);
}

pg_statement::parameter& pg_statement::slot(int index) {
  if (params_.size() < static_cast<std::size_t>(index)) {
    params_.resize(static_cast<std::size_t>(index));
  }
  return params_[static_cast<std::size_t>(index) - 1];
}

store::statement& pg_statement::bind(int index, std::int64_t value) {
  auto& p = slot(index);
  p.is_int = true;
  p.bytes.resize(8);
  auto v = static_cast<std::uint64_t>(value);
  for (int i = 7; i >= 0; --i) {
    p.bytes[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  return *this;
}

store::statement& pg_statement::bind(int index, std::string_view value) {
  auto& p = slot(index);
  p.is_int = false;
  p.bytes.assign(value);
  return *this;
}

bool pg_statement::step() {
  if (result_ == nullptr) {
    result_ = db_.execute(*this);
    row_ = -1;
  }
  ++row_;
  return row_ < PQntuples(result_);
}

void pg_statement::reset() {
  PQclear(result_);
  result_ = nullptr;
  row_ = -1;
  params_.clear();
}

std::int64_t pg_statement::column_int64(int index) const {
  if (PQgetisnull(result_, row_, index)) {
    return 0;
  }
  return read_big_endian(PQgetvalue(result_, row_, index), PQgetlength(result_, row_, index));
}

std::string pg_statement::column_text(int index) const {
  return std::string(PQgetvalue(result_, row_, index),
                     static_cast<std::size_t>(PQgetlength(result_, row_, index)));
}

bool pg_statement::column_is_null(int index) const {
  return PQgetisnull(result_, row_, index) != 0;
}

pg_database::pg_database(const std::string& url) {
  // Defaults first: settings in the URL override them (libpq processes keywords in order and
  // expands the URL where dbname stands).
  const char* keys[] = {"connect_timeout",
                        "keepalives_idle",
                        "keepalives_interval",
                        "keepalives_count",
                        "application_name",
                        "dbname",
                        nullptr};
  const char* values[] = {"5", "10", "5", "3", "parley", url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    const std::string why = conn_ ? one_line(PQerrorMessage(conn_)) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    throw database_error(database_error::kind::unavailable, "cannot connect to PostgreSQL: " + why);
  }
  // Quiet the server's NOTICEs ("relation already exists, skipping") out of stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

pg_database::~pg_database() {
  cache_.clear();
  PQfinish(conn_);
}

void pg_database::ensure_connected() {
  // An idle connection the server has closed (a restart, a failover) shows as closed only once
  // read: libpq takes the server's parting error, and the end of the stream is still waiting.
  // Looking first keeps the next statement from failing on it. Inside a transaction a lost
  // connection must fail the transaction instead.
  const bool closed_while_idle = !in_transaction_ && PQstatus(conn_) == CONNECTION_OK &&
                                 (PQconsumeInput(conn_) == 0 || peer_closed(PQsocket(conn_)));
  if (PQstatus(conn_) == CONNECTION_OK && !closed_while_idle) {
    return;
  }
  if (in_transaction_) {
    throw database_error(database_error::kind::unavailable,
                         "the PostgreSQL connection was lost during a transaction");
  }
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    throw database_error(database_error::kind::unavailable,
                         "cannot reconnect to PostgreSQL: " + one_line(PQerrorMessage(conn_)));
  }
  ++generation_;  // prepared statements died with the old session
  PARLEY_LOG(info, "store") << "reconnected to PostgreSQL";
}

void pg_database::fail(pg_result* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  auto kind = classify_sqlstate(state ? state : "");
  if (PQstatus(conn_) != CONNECTION_OK) {
    kind = database_error::kind::unavailable;
  }
  const std::string message =
      std::string(what) + ": " +
      one_line(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  PQclear(result);
  throw database_error(kind, message);
}

void pg_database::exec(std::string_view sql) {
  ensure_connected();
  PGresult* r = PQexec(conn_, std::string(sql).c_str());
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    fail(r, "exec");
  }
  PQclear(r);
}

store::statement& pg_database::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto name = "p" + std::to_string(cache_.size() + 1);
    it = cache_
             .emplace(std::string(sql), std::make_unique<pg_statement>(*this, std::move(name),
                                                                       to_postgres_parameters(sql)))
             .first;
  }
  it->second->reset();
  return *it->second;
}

pg_result* pg_database::execute(pg_statement& s) {
  ensure_connected();
  const auto n = static_cast<int>(s.params_.size());
  if (s.prepared_generation_ != generation_) {
    std::vector<Oid> types;
    for (const auto& p : s.params_) {
      types.push_back(p.is_int ? int8_oid : 0);  // strings: the server infers from the context
    }
    PGresult* r = PQprepare(conn_, s.name_.c_str(), s.sql_.c_str(), n, types.data());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      fail(r, "prepare");
    }
    PQclear(r);
    s.prepared_generation_ = generation_;
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats(static_cast<std::size_t>(n), 1);
  for (const auto& p : s.params_) {
    values.push_back(p.bytes.data());
    lengths.push_back(static_cast<int>(p.bytes.size()));
  }
  PGresult* r =
      PQexecPrepared(conn_, s.name_.c_str(), n, values.data(), lengths.data(), formats.data(), 1);
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    fail(r, "step");
  }
  return r;
}

void pg_database::begin() {
  exec("BEGIN");
  in_transaction_ = true;
}

void pg_database::commit() {
  // A COMMIT whose connection breaks leaves the outcome unknown: docs/cluster.md says what the
  // message log does about it.
  PGresult* r = PQexec(conn_, "COMMIT");
  in_transaction_ = false;
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    fail(r, "commit");
  }
  // After an error inside the transaction the server answers COMMIT with ROLLBACK.
  if (std::strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
    PQclear(r);
    throw database_error(database_error::kind::other, "commit: the transaction was rolled back");
  }
  PQclear(r);
}

void pg_database::rollback() noexcept {
  in_transaction_ = false;
  if (PQstatus(conn_) != CONNECTION_OK) {
    return;  // the server rolled back when the connection went
  }
  PQclear(PQexec(conn_, "ROLLBACK"));
}

}  // namespace parley::postgres
