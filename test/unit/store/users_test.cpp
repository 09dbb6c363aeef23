#include <catch2/catch.hpp>

#include "parley/store/migrations.hpp"
#include "parley/store/sqlite_database.hpp"
#include "parley/store/users.hpp"
#include "support/temp_dir.hpp"

using namespace parley::store;

TEST_CASE("usernames are unique regardless of case and keep their registered form") {
  parley::test::temp_dir dir;
  sqlite_database db((dir / "u.db").string());
  migrate(db, embedded_migrations(dialect::sqlite));
  const auto alice = create_user(db, "Alice", "hash-a", 1);
  REQUIRE(alice);
  CHECK(alice->username == "Alice");
  CHECK_FALSE(create_user(db, "alice", "hash-b", 2));
  CHECK_FALSE(create_user(db, "ALICE", "hash-c", 3));
  const auto found = find_credentials(db, "aLiCe");
  REQUIRE(found);
  CHECK(found->account.id == alice->id);
  CHECK(found->account.username == "Alice");
  CHECK(found->password_hash == "hash-a");
  CHECK_FALSE(find_credentials(db, "bob"));
}
