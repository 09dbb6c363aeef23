// A store that stalls longer than the idle timeout must not cost healthy connections: the
// session waiting on it cannot read its peer's pongs meanwhile, and that silence is the
// server's, not the peer's.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include "support/chat_server.hpp"
#include "support/frames.hpp"

using namespace parley::test;
using namespace std::chrono_literals;

TEST_CASE("a store stalled longer than the idle timeout drops no healthy connection") {
  chat_server s({"--idle-timeout", "2"});
  auto alice = s.connect("alice");
  auto bob = s.connect("bob");
  for (auto* c : {alice.get(), bob.get()}) {
    REQUIRE(str(c->request({{"type", "join"}, {"channel", "general"}}), "type") == "joined");
  }
  CHECK(str(alice->read_type("user_joined"), "user") == "bob");

  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((s.dir / "parley.db").c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
  // A command the session awaits before reading on (creating a channel writes).
  alice->send({{"type", "create"}, {"channel", "held-up"}, {"ref", "r1"}});
  // The fault: the write lock held 3.5 s, longer than the 2 s idle timeout and shorter than the
  // store's 5 s busy wait. Both clients keep reading meanwhile, so they answer the server's
  // pings as healthy clients do.
  const auto until = std::chrono::steady_clock::now() + 3500ms;
  for (int i = 0; i < 100 && std::chrono::steady_clock::now() < until; ++i) {
    CHECK_FALSE(bob->try_read(50ms));
    CHECK_FALSE(alice->try_read(50ms));
  }
  REQUIRE(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  const auto created = alice->read_type("created", 10s);
  CHECK(str(created, "channel") == "held-up");
  CHECK(str(created, "ref") == "r1");
  bob->send({{"type", "send"}, {"channel", "general"}, {"text", "and on"}});
  CHECK(str(alice->read_type("message"), "text") == "and on");
}
