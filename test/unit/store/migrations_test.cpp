#include <catch2/catch.hpp>

#include "parley/store/migrations.hpp"
#include "parley/store/sqlite_database.hpp"
#include "support/temp_dir.hpp"

using namespace parley::store;

namespace {
int count(database& db, const std::string& sql) {
  auto& q = db.prepare(sql);
  q.step();
  const auto n = static_cast<int>(q.column_int64(0));
  q.reset();
  return n;
}
}  // namespace

TEST_CASE("a fresh database gets every embedded migration") {
  parley::test::temp_dir dir;
  sqlite_database db((dir / "fresh.db").string());
  const auto& steps = embedded_migrations(dialect::sqlite);
  REQUIRE_FALSE(steps.empty());
  const auto out = migrate(db, steps);
  CHECK(out.from_version == 0);
  CHECK(out.to_version == steps.back().version);
  CHECK(count(db, "SELECT COUNT(*) FROM schema_migrations") == static_cast<int>(steps.size()));
  for (const char* table :
       {"users", "channels", "memberships", "messages", "read_markers", "revoked_tokens"}) {
    INFO(table);
    CHECK(
        count(db, std::string("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='") +
                      table + "'") == 1);
  }
  CHECK(count(db, "PRAGMA foreign_keys") == 1);
}

TEST_CASE("migrating again is a no-op") {
  parley::test::temp_dir dir;
  const auto path = (dir / "again.db").string();
  {
    sqlite_database db(path);
    migrate(db, embedded_migrations(dialect::sqlite));
    db.exec(
        "INSERT INTO users(username, username_key, password_hash, created_at) "
        "VALUES ('keep', 'keep', 'h', 1)");
  }
  sqlite_database db(path);
  const auto out = migrate(db, embedded_migrations(dialect::sqlite));
  CHECK(out.from_version == out.to_version);
  CHECK(count(db, "SELECT COUNT(*) FROM users") == 1);
}

TEST_CASE("a database newer than the binary is refused") {
  parley::test::temp_dir dir;
  sqlite_database db((dir / "newer.db").string());
  migrate(db, embedded_migrations(dialect::sqlite));
  db.exec(
      "INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, '9999_future', 0)");
  CHECK_THROWS_WITH(migrate(db, embedded_migrations(dialect::sqlite)),
                    Catch::Contains("newer than this binary"));
}

TEST_CASE("a failing step is rolled back and reported") {
  parley::test::temp_dir dir;
  sqlite_database db((dir / "bad.db").string());
  const std::vector<migration> steps{
      {1, "0001_ok", "CREATE TABLE a (x INTEGER);"},
      {2, "0002_broken", "CREATE TABLE b (y INTEGER); THIS IS NOT SQL;"}};
  CHECK_THROWS_WITH(migrate(db, steps), Catch::Contains("0002_broken"));
  CHECK(count(db, "SELECT MAX(version) FROM schema_migrations") == 1);
  CHECK(count(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'") == 0);
}
