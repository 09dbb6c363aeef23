// The directory's access rules (join, read, create, invite, direct messages) on a real SQLite
// file. Channel-name syntax (invalid_channel) is checked before the directory is reached: see
// test/unit/proto/client_frame_test.cpp; the directory itself decides only on what is stored.

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "parley/chat/directory.hpp"
#include "parley/store/channels.hpp"
#include "parley/store/migrations.hpp"
#include "parley/store/sqlite_database.hpp"
#include "parley/store/users.hpp"
#include "support/temp_dir.hpp"

using namespace parley;
using chat::actor;

namespace {

using err = error::code;

/// A migrated database in a fresh directory.
struct directory_db {
  test::temp_dir dir;
  store::sqlite_database db{(dir / "directory.db").string()};

  directory_db() { store::migrate(db, store::embedded_migrations(store::dialect::sqlite)); }

  /// Registers a user and returns them as the actor of directory calls.
  actor user(const std::string& name) {
    const auto u = store::create_user(db, name, "hash", 1);
    REQUIRE(u);
    return {u->id, u->username};
  }

  bool member(std::int64_t channel_id, const actor& who) {
    return store::is_member(db, channel_id, who.id);
  }

  bool exists(const std::string& name) { return store::find_channel(db, name).has_value(); }
};

constexpr std::int64_t now = 1'700'000'000;

}  // namespace

TEST_CASE("join creates a public channel on first join and makes each joiner a member",
          "[directory]") {
  directory_db f;
  const auto alice = f.user("alice");
  const auto bob = f.user("bob");

  const auto first = chat::open_for_join(f.db, alice, "general", now);
  REQUIRE_FALSE(first.error);
  CHECK(first.channel.id == 1);
  CHECK(first.channel.name == "general");
  CHECK(first.channel.kind == "public");
  CHECK(f.member(1, alice));
  CHECK_FALSE(f.member(1, bob));

  const auto second = chat::open_for_join(f.db, bob, "general", now);
  REQUIRE_FALSE(second.error);
  CHECK(second.channel.id == 1);
  CHECK(second.channel.kind == "public");
  CHECK(f.member(1, bob));

  // Joining again is harmless; names are case-sensitive, so "General" is another channel.
  const auto again = chat::open_for_join(f.db, alice, "general", now);
  REQUIRE_FALSE(again.error);
  CHECK(again.channel.id == 1);
  const auto other = chat::open_for_join(f.db, bob, "General", now);
  REQUIRE_FALSE(other.error);
  CHECK(other.channel.id == 2);
  CHECK(other.channel.name == "General");
  CHECK(f.member(2, bob));
  CHECK_FALSE(f.member(2, alice));
}

TEST_CASE("join of a private channel needs membership, an unknown name opens as public",
          "[directory]") {
  directory_db f;
  const auto alice = f.user("alice");
  const auto bob = f.user("bob");

  const auto ops = chat::create_channel(f.db, alice, "ops", true, now);
  REQUIRE_FALSE(ops.error);
  REQUIRE(ops.channel.id == 1);

  const auto refused = chat::open_for_join(f.db, bob, "ops", now);
  REQUIRE(refused.error);
  CHECK(*refused.error == err::forbidden);
  CHECK(refused.channel.id == 0);
  CHECK_FALSE(f.member(1, bob));

  const auto creator = chat::open_for_join(f.db, alice, "ops", now);
  REQUIRE_FALSE(creator.error);
  CHECK(creator.channel.id == 1);
  CHECK(creator.channel.kind == "private");

  REQUIRE_FALSE(chat::invite(f.db, alice, "ops", "bob", now).error);
  const auto invited = chat::open_for_join(f.db, bob, "ops", now);
  REQUIRE_FALSE(invited.error);
  CHECK(invited.channel.id == 1);
  CHECK(invited.channel.kind == "private");

  // There is no "nonexistent private channel": join cannot tell, and creates a public one.
  const auto fresh = chat::open_for_join(f.db, bob, "secret", now);
  REQUIRE_FALSE(fresh.error);
  CHECK(fresh.channel.id == 2);
  CHECK(fresh.channel.kind == "public");
  CHECK(f.member(2, bob));
}

TEST_CASE("a dm channel is joined only by its participants, and only if both exist",
          "[directory]") {
  directory_db f;
  const auto alice = f.user("Alice");
  const auto bob = f.user("bob");
  const auto carol = f.user("carol");

  // An outsider neither joins nor creates it.
  const auto outsider = chat::open_for_join(f.db, carol, "dm:alice:bob", now);
  REQUIRE(outsider.error);
  CHECK(*outsider.error == err::forbidden);
  CHECK_FALSE(f.exists("dm:alice:bob"));

  // A participant creates it, with both memberships (the name uses lower-cased usernames).
  const auto opened = chat::open_for_join(f.db, alice, "dm:alice:bob", now);
  REQUIRE_FALSE(opened.error);
  CHECK(opened.channel.id == 1);
  CHECK(opened.channel.name == "dm:alice:bob");
  CHECK(opened.channel.kind == "dm");
  CHECK(f.member(1, alice));
  CHECK(f.member(1, bob));
  CHECK_FALSE(f.member(1, carol));

  const auto peer = chat::open_for_join(f.db, bob, "dm:alice:bob", now);
  REQUIRE_FALSE(peer.error);
  CHECK(peer.channel.id == 1);

  // Once it exists, the outsider is still refused.
  const auto still = chat::open_for_join(f.db, carol, "dm:alice:bob", now);
  REQUIRE(still.error);
  CHECK(*still.error == err::forbidden);
  CHECK_FALSE(f.member(1, carol));

  // The other participant must be a registered user.
  const auto nobody = chat::open_for_join(f.db, alice, "dm:alice:zed", now);
  REQUIRE(nobody.error);
  CHECK(*nobody.error == err::not_found);
  CHECK_FALSE(f.exists("dm:alice:zed"));
}

TEST_CASE("server-made names that are not well-formed dm names are not found, never created",
          "[directory]") {
  directory_db f;
  const auto alice = f.user("alice");
  f.user("bob");

  for (const std::string name : {"dm:bob:alice", "dm:Alice:bob", "dm:alice", "match:42", "x:y"}) {
    INFO(name);
    const auto joined = chat::open_for_join(f.db, alice, name, now);
    REQUIRE(joined.error);
    CHECK(*joined.error == err::not_found);
    CHECK_FALSE(f.exists(name));
    const auto read = chat::open_for_read(f.db, alice, name);
    REQUIRE(read.error);
    CHECK(*read.error == err::not_found);
  }
}

TEST_CASE("read: public channels need nothing, others membership, missing ones are not_found",
          "[directory]") {
  directory_db f;
  const auto alice = f.user("alice");
  const auto bob = f.user("bob");
  const auto carol = f.user("carol");

  REQUIRE(chat::create_channel(f.db, alice, "general", false, now).channel.id == 1);
  REQUIRE(chat::create_channel(f.db, alice, "ops", true, now).channel.id == 2);
  REQUIRE(chat::open_direct(f.db, alice, "bob", now).channel.id == 3);

  const auto pub = chat::open_for_read(f.db, bob, "general");
  REQUIRE_FALSE(pub.error);
  CHECK(pub.channel.id == 1);
  CHECK(pub.channel.name == "general");
  CHECK(pub.channel.kind == "public");
  CHECK_FALSE(f.member(1, bob));  // reading does not join

  const auto priv = chat::open_for_read(f.db, bob, "ops");
  REQUIRE(priv.error);
  CHECK(*priv.error == err::forbidden);
  const auto own = chat::open_for_read(f.db, alice, "ops");
  REQUIRE_FALSE(own.error);
  CHECK(own.channel.id == 2);
  CHECK(own.channel.kind == "private");

  const auto dm = chat::open_for_read(f.db, bob, "dm:alice:bob");
  REQUIRE_FALSE(dm.error);
  CHECK(dm.channel.id == 3);
  const auto peeking = chat::open_for_read(f.db, carol, "dm:alice:bob");
  REQUIRE(peeking.error);
  CHECK(*peeking.error == err::forbidden);

  const auto missing = chat::open_for_read(f.db, alice, "nope");
  REQUIRE(missing.error);
  CHECK(*missing.error == err::not_found);
  CHECK_FALSE(f.exists("nope"));  // reading never creates
}

TEST_CASE("create: the creator is a member, the private flag is kept, taken names are refused",
          "[directory]") {
  directory_db f;
  const auto alice = f.user("alice");
  const auto bob = f.user("bob");

  const auto ops = chat::create_channel(f.db, alice, "ops", true, now);
  REQUIRE_FALSE(ops.error);
  CHECK(ops.channel.id == 1);
  CHECK(ops.channel.name == "ops");
  CHECK(ops.channel.kind == "private");
  CHECK(f.member(1, alice));
  CHECK_FALSE(f.member(1, bob));

  const auto lobby = chat::create_channel(f.db, bob, "lobby", false, now);
  REQUIRE_FALSE(lobby.error);
  CHECK(lobby.channel.id == 2);
  CHECK(lobby.channel.kind == "public");
  CHECK(f.member(2, bob));
  CHECK_FALSE(f.member(2, alice));

  for (const bool is_private : {true, false}) {
    const auto taken = chat::create_channel(f.db, bob, "ops", is_private, now);
    REQUIRE(taken.error);
    CHECK(*taken.error == err::channel_exists);
    CHECK(taken.channel.id == 0);
  }
  CHECK_FALSE(f.member(1, bob));
  CHECK(store::find_channel(f.db, "ops")->kind == "private");

  // A channel created by a join is taken too.
  REQUIRE_FALSE(chat::open_for_join(f.db, alice, "general", now).error);
  const auto joined_name = chat::create_channel(f.db, bob, "general", true, now);
  REQUIRE(joined_name.error);
  CHECK(*joined_name.error == err::channel_exists);
  CHECK(store::find_channel(f.db, "general")->kind == "public");

  // Names are case-sensitive.
  const auto upper = chat::create_channel(f.db, bob, "Ops", false, now);
  REQUIRE_FALSE(upper.error);
  CHECK(upper.channel.id == 4);
  CHECK(upper.channel.kind == "public");
}

TEST_CASE("invite: members only, known users only, never into server-made channels",
          "[directory]") {
  directory_db f;
  const auto alice = f.user("alice");
  const auto bob = f.user("Bob");
  const auto carol = f.user("carol");
  const auto dave = f.user("dave");

  REQUIRE(chat::create_channel(f.db, alice, "ops", true, now).channel.id == 1);

  SECTION("a member invites by any case; the invitee becomes a member, named as registered") {
    const auto r = chat::invite(f.db, alice, "ops", "BOB", now);
    REQUIRE_FALSE(r.error);
    CHECK(r.invitee_id == bob.id);
    CHECK(r.invitee_name == "Bob");
    CHECK(f.member(1, bob));
    // The invitee may now invite others; inviting a member again changes nothing.
    const auto next = chat::invite(f.db, bob, "ops", "carol", now);
    REQUIRE_FALSE(next.error);
    CHECK(next.invitee_id == carol.id);
    CHECK(next.invitee_name == "carol");
    CHECK(f.member(1, carol));
    const auto again = chat::invite(f.db, alice, "ops", "bob", now);
    REQUIRE_FALSE(again.error);
    CHECK(again.invitee_id == bob.id);
    CHECK(f.member(1, bob));
  }
  SECTION("a non-member may not invite, not even themself") {
    for (const std::string invitee : {"Bob", "carol"}) {
      const auto r = chat::invite(f.db, carol, "ops", invitee, now);
      REQUIRE(r.error);
      CHECK(*r.error == err::forbidden);
      CHECK(r.invitee_id == 0);
      CHECK(r.invitee_name.empty());
    }
    CHECK_FALSE(f.member(1, bob));
    CHECK_FALSE(f.member(1, carol));
  }
  SECTION("the invitee must be registered") {
    for (const auto& invitee :
         std::vector<std::string>{"zed", "x", "", "bad name", std::string(33, 'a')}) {
      INFO(invitee);
      const auto r = chat::invite(f.db, alice, "ops", invitee, now);
      REQUIRE(r.error);
      CHECK(*r.error == err::unknown_user);
      CHECK(r.invitee_id == 0);
    }
  }
  SECTION("the channel must exist") {
    const auto r = chat::invite(f.db, alice, "nope", "bob", now);
    REQUIRE(r.error);
    CHECK(*r.error == err::not_found);
    CHECK_FALSE(f.exists("nope"));
  }
  SECTION("server-made channels take no invitations, even from their participants") {
    REQUIRE(chat::open_direct(f.db, alice, "bob", now).channel.id == 2);
    const auto r = chat::invite(f.db, alice, "dm:alice:bob", "dave", now);
    REQUIRE(r.error);
    CHECK(*r.error == err::forbidden);
    CHECK_FALSE(f.member(2, dave));
  }
  SECTION("public channels take invitations from members") {
    REQUIRE(chat::open_for_join(f.db, alice, "general", now).channel.id == 2);
    const auto outsider = chat::invite(f.db, dave, "general", "carol", now);
    REQUIRE(outsider.error);
    CHECK(*outsider.error == err::forbidden);
    const auto r = chat::invite(f.db, alice, "general", "dave", now);
    REQUIRE_FALSE(r.error);
    CHECK(r.invitee_id == dave.id);
    CHECK(f.member(2, dave));
  }
}

TEST_CASE("direct: the dm channel is made with both memberships on first use, then reused",
          "[directory]") {
  directory_db f;
  const auto alice = f.user("Alice");
  const auto bob = f.user("bob");
  const auto carol = f.user("carol");

  const auto first = chat::open_direct(f.db, alice, "BOB", now);
  REQUIRE_FALSE(first.error);
  CHECK(first.channel.id == 1);
  CHECK(first.channel.name == "dm:alice:bob");
  CHECK(first.channel.kind == "dm");
  CHECK(first.peer_id == bob.id);
  CHECK(f.member(1, alice));
  CHECK(f.member(1, bob));
  CHECK_FALSE(f.member(1, carol));

  const auto again = chat::open_direct(f.db, alice, "bob", now);
  REQUIRE_FALSE(again.error);
  CHECK(again.channel.id == 1);
  CHECK(again.peer_id == bob.id);

  const auto back = chat::open_direct(f.db, bob, "alice", now);
  REQUIRE_FALSE(back.error);
  CHECK(back.channel.id == 1);
  CHECK(back.channel.name == "dm:alice:bob");
  CHECK(back.peer_id == alice.id);

  const auto other = chat::open_direct(f.db, carol, "alice", now);
  REQUIRE_FALSE(other.error);
  CHECK(other.channel.id == 2);
  CHECK(other.channel.name == "dm:alice:carol");
  CHECK(other.peer_id == alice.id);
  CHECK_FALSE(f.member(2, bob));

  for (const std::string to : {"zed", "x", "", "bad name"}) {
    INFO(to);
    const auto r = chat::open_direct(f.db, alice, to, now);
    REQUIRE(r.error);
    CHECK(*r.error == err::unknown_user);
    CHECK(r.channel.id == 0);
    CHECK(r.peer_id == 0);
  }
  CHECK_FALSE(f.exists("dm:alice:zed"));
}

TEST_CASE("direct to yourself: a dm channel with one member, as the code stands", "[directory]") {
  // Not specified by docs/protocol.md; this pins today's behaviour: sending to yourself works
  // and lands on dm:<you>:<you>, whose only member is you.
  directory_db f;
  const auto alice = f.user("Alice");

  const auto self = chat::open_direct(f.db, alice, "alice", now);
  REQUIRE_FALSE(self.error);
  CHECK(self.channel.id == 1);
  CHECK(self.channel.name == "dm:alice:alice");
  CHECK(self.channel.kind == "dm");
  CHECK(self.peer_id == alice.id);
  CHECK(f.member(1, alice));
  CHECK(store::list_visible_channels(f.db, alice.id).size() == 1);
  CHECK(store::list_visible_channels(f.db, alice.id)[0].members == 1);

  const auto joined = chat::open_for_join(f.db, alice, "dm:alice:alice", now);
  REQUIRE_FALSE(joined.error);
  CHECK(joined.channel.id == 1);
}

TEST_CASE("history and seen apply the read rule before touching messages", "[directory]") {
  directory_db d;
  const auto alice = d.user("alice");
  const auto bob = d.user("bob");
  const auto created = chat::create_channel(d.db, alice, "secret", true, 1);
  REQUIRE_FALSE(created.error);

  const auto page = chat::read_history(d.db, alice, "secret", std::nullopt, 50);
  CHECK_FALSE(page.error);
  CHECK(page.page.messages.empty());
  CHECK_FALSE(page.page.has_more);
  CHECK(chat::read_history(d.db, bob, "secret", std::nullopt, 50).error == err::forbidden);
  CHECK(chat::read_history(d.db, bob, "nowhere", std::nullopt, 50).error == err::not_found);

  const auto marked = chat::mark_seen(d.db, alice, "secret", 5);
  CHECK_FALSE(marked.error);
  CHECK(marked.marker == 0);  // never past the channel's last message (none yet)
  CHECK(chat::mark_seen(d.db, bob, "secret", 5).error == err::forbidden);
  CHECK(chat::mark_seen(d.db, bob, "nowhere", 5).error == err::not_found);
}
