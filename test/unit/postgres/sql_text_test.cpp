#include <catch2/catch.hpp>

#include "parley/postgres/connection_url.hpp"
#include "parley/postgres/sql_text.hpp"

using namespace parley::postgres;
using kind = parley::store::database_error::kind;

TEST_CASE("postgres parameters: ? numbers in order, ?N keeps its number", "[postgres]") {
  CHECK(to_postgres_parameters("SELECT a FROM t WHERE b = ? AND c = ?") ==
        "SELECT a FROM t WHERE b = $1 AND c = $2");
  CHECK(to_postgres_parameters("WHERE x = ?1 OR y = ?1 AND z = ?2") ==
        "WHERE x = $1 OR y = $1 AND z = $2");
  // SQLite numbers a bare ? after the highest so far.
  CHECK(to_postgres_parameters("VALUES (?3, ?, ?1, ?)") == "VALUES ($3, $4, $1, $5)");
  CHECK(to_postgres_parameters("LIMIT ?12") == "LIMIT $12");
}

TEST_CASE("postgres parameters: quoted text is left alone", "[postgres]") {
  CHECK(to_postgres_parameters("WHERE kind = 'why?' AND id = ?") ==
        "WHERE kind = 'why?' AND id = $1");
  CHECK(to_postgres_parameters("SELECT 'it''s ?', \"col?\" FROM t WHERE a = ?") ==
        "SELECT 'it''s ?', \"col?\" FROM t WHERE a = $1");
  CHECK(to_postgres_parameters("no parameters") == "no parameters");
}

TEST_CASE("postgres errors: SQLSTATE classes map to the store's kinds", "[postgres]") {
  CHECK(classify_sqlstate("23505") == kind::constraint);   // unique_violation
  CHECK(classify_sqlstate("23503") == kind::constraint);   // foreign_key_violation
  CHECK(classify_sqlstate("08006") == kind::unavailable);  // connection_failure
  CHECK(classify_sqlstate("57P01") == kind::unavailable);  // admin_shutdown
  CHECK(classify_sqlstate("57P03") == kind::unavailable);  // cannot_connect_now
  CHECK(classify_sqlstate("") == kind::unavailable);
  CHECK(classify_sqlstate("42P01") == kind::other);  // undefined_table
  CHECK(classify_sqlstate("57014") == kind::other);  // query_canceled
}

TEST_CASE("postgres messages: libpq's lines become one", "[postgres]") {
  CHECK(one_line("connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n"
                 "\tIs the server running on that host?\n") ==
        "connection to server at \"127.0.0.1\", port 1 failed: Connection refused Is the server "
        "running on that host?");
  CHECK(one_line("  \n") == "");
}

TEST_CASE("postgres URLs: recognised by scheme, logged without the password", "[postgres]") {
  CHECK(is_postgres_url("postgres://u@h/db"));
  CHECK(is_postgres_url("postgresql://h:5432/db"));
  CHECK_FALSE(is_postgres_url("parley.db"));
  CHECK_FALSE(is_postgres_url("/var/lib/postgres://x"));
  CHECK(without_password("postgres://u:secret@h:5432/db") == "postgres://u:***@h:5432/db");
  CHECK(without_password("postgres://u:p@ss@h/db?sslmode=require") ==
        "postgres://u:***@h/db?sslmode=require");
  CHECK(without_password("postgres://u@h/db") == "postgres://u@h/db");
  CHECK(without_password("postgres://h/db?user=a@b") == "postgres://h/db?user=a@b");
  CHECK(without_password("parley.db") == "parley.db");
}
