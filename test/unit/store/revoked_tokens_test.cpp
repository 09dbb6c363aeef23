#include <catch2/catch.hpp>

#include "parley/store/migrations.hpp"
#include "parley/store/revoked_tokens.hpp"
#include "parley/store/sqlite_database.hpp"
#include "support/temp_dir.hpp"

using namespace parley::store;

TEST_CASE("revocations persist until they expire") {
  parley::test::temp_dir dir;
  sqlite_database db((dir / "r.db").string());
  migrate(db, embedded_migrations(dialect::sqlite));
  revoke_token(db, "old", 100);
  revoke_token(db, "new", 300);
  revoke_token(db, "new", 300);
  const auto live = load_revoked_tokens(db, 200);
  REQUIRE(live.size() == 1);
  CHECK(live[0].first == "new");
}
