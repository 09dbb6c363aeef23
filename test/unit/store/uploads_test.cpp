// store/uploads on a real, migrated SQLite file: upload records, who may read them, attaching
// them to messages (and reading them back with read_after / read_history), the sweep of
// never-attached uploads, and remove_member. Messages are inserted with plain SQL the way the
// message log stores them (row plus the channel's sequence); these tests are about what is read
// back, not about numbering.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/store/channels.hpp"
#include "parley/store/migrations.hpp"
#include "parley/store/sqlite_database.hpp"
#include "parley/store/uploads.hpp"
#include "parley/store/users.hpp"
#include "support/temp_dir.hpp"

using namespace parley;
using model::attachment;

namespace {

/// A migrated database used directly from the test thread.
class uploads_fixture {
 public:
  uploads_fixture() { store::migrate(db, store::embedded_migrations(store::dialect::sqlite)); }

  std::int64_t user(const std::string& name) {
    const auto u = store::create_user(db, name, "h", 1);
    REQUIRE(u);
    return u->id;
  }

  std::int64_t channel(const std::string& name, const std::string& kind,
                       const std::vector<std::int64_t>& members) {
    const auto row = store::create_channel(db, name, kind, members.front(), 1);
    REQUIRE(row);
    for (const auto m : members) {
      store::add_member(db, row->id, m, 1);
    }
    return row->id;
  }

  /// Stores the channel's next message and returns its id.
  std::int64_t message(std::int64_t channel_id, std::int64_t user_id, const std::string& text) {
    const auto id = store::last_message_id(db, channel_id) + 1;
    db.prepare(
          "INSERT INTO messages(channel_id, id, user_id, sender, text, ts) "
          "VALUES (?, ?, ?, 'someone', ?, ?)")
        .bind(1, channel_id)
        .bind(2, id)
        .bind(3, user_id)
        .bind(4, text)
        .bind(5, 1000 + id)
        .run();
    db.prepare("UPDATE channels SET last_message_id = ? WHERE id = ?")
        .bind(1, id)
        .bind(2, channel_id)
        .run();
    return id;
  }

  /// Inserts an upload record and returns it.
  model::upload upload(const std::string& id, std::int64_t uploader_id,
                       const std::string& sha256 = "h0", std::int64_t created_at = 100) {
    model::upload u{
        id,     uploader_id, id + ".png", "image/png", static_cast<std::int64_t>(id.size()) * 100,
        sha256, created_at};
    store::insert_upload(db, u);
    return u;
  }

  /// Attaches the uploads, by id, to a message of the channel.
  void attach(std::int64_t channel_id, std::int64_t message_id,
              const std::vector<std::string>& ids) {
    std::vector<attachment> list;
    for (const auto& id : ids) {
      const auto u = store::find_upload(db, id);
      REQUIRE(u);
      list.push_back({u->id, u->name, u->type, u->size});
    }
    store::attach_uploads(db, channel_id, message_id, list);
  }

  int count(const std::string& sql) {
    auto& q = db.prepare(sql);
    REQUIRE(q.step());
    const auto n = static_cast<int>(q.column_int64(0));
    q.reset();
    return n;
  }

  test::temp_dir dir;
  store::sqlite_database db{(dir / "uploads.db").string()};
};

/// The attachment ids of each message, for readable comparisons.
std::vector<std::vector<std::string>> attachment_ids(
    const std::vector<model::stored_message>& messages) {
  std::vector<std::vector<std::string>> out;
  for (const auto& m : messages) {
    std::vector<std::string> ids;
    for (const auto& a : m.attachments) {
      ids.push_back(a.id);
    }
    out.push_back(ids);
  }
  return out;
}

using id_lists = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("uploads: insert and find", "[store]") {
  uploads_fixture f;
  const auto alice = f.user("alice");
  const model::upload u{"Xy7_id", alice, "report.pdf", "application/pdf", 12345, "abc123", 1700};
  store::insert_upload(f.db, u);

  const auto found = store::find_upload(f.db, "Xy7_id");
  REQUIRE(found);
  CHECK(found->id == "Xy7_id");
  CHECK(found->uploader_id == alice);
  CHECK(found->name == "report.pdf");
  CHECK(found->type == "application/pdf");
  CHECK(found->size == 12345);
  CHECK(found->sha256 == "abc123");
  CHECK(found->created_at == 1700);

  CHECK_FALSE(store::find_upload(f.db, "xy7_id"));  // ids are case-sensitive
  CHECK_FALSE(store::find_upload(f.db, "missing"));

  // Another record for the same bytes is fine; the same id twice is not.
  f.upload("other", alice, "abc123");
  CHECK(store::find_upload(f.db, "other")->sha256 == "abc123");
  try {
    store::insert_upload(f.db, u);
    FAIL("a duplicate id was accepted");
  } catch (const store::database_error& e) {
    CHECK(e.is_constraint());
  }
}

TEST_CASE("uploads: who may read one", "[store]") {
  uploads_fixture f;
  const auto alice = f.user("alice");
  const auto bob = f.user("bob");
  const auto carol = f.user("carol");
  const auto general = f.channel("general", "public", {alice});
  const auto ops = f.channel("ops", "private", {alice, bob});
  const auto dm = f.channel("dm:alice:carol", "dm", {alice, carol});
  const auto may = [&](const std::string& id, std::int64_t user) {
    return store::may_read_upload(f.db, id, user);
  };

  f.upload("pub", alice);
  f.upload("priv", alice);
  f.upload("direct", alice);

  // Before it is attached: the uploader only.
  CHECK(may("pub", alice));
  CHECK_FALSE(may("pub", bob));
  CHECK_FALSE(may("pub", carol));
  CHECK_FALSE(may("missing", alice));

  SECTION("attached to a public channel: every user, members or not") {
    f.attach(general, f.message(general, alice, "look"), {"pub"});
    CHECK(may("pub", alice));
    CHECK(may("pub", bob));
    CHECK(may("pub", carol));
    CHECK_FALSE(may("priv", bob));  // other uploads are unaffected
  }
  SECTION("attached to a private channel: its members and the uploader") {
    f.attach(ops, f.message(ops, alice, "look"), {"priv"});
    CHECK(may("priv", alice));
    CHECK(may("priv", bob));
    CHECK_FALSE(may("priv", carol));

    // Leaving the channel ends access; the uploader keeps it even when not a member.
    store::remove_member(f.db, ops, bob);
    CHECK_FALSE(may("priv", bob));
    store::remove_member(f.db, ops, alice);
    CHECK(may("priv", alice));
  }
  SECTION("attached to a dm: its two members") {
    f.attach(dm, f.message(dm, alice, "for you"), {"direct"});
    CHECK(may("direct", carol));
    CHECK_FALSE(may("direct", bob));

    // Forwarded to a public channel as well: now everyone.
    f.attach(general, f.message(general, alice, "fwd"), {"direct"});
    CHECK(may("direct", bob));
  }
  SECTION("a stranger's own upload gives no access to another one") {
    f.upload("bobs", bob);
    CHECK(may("bobs", bob));
    CHECK_FALSE(may("pub", bob));
  }
}

TEST_CASE("uploads: a sender's uploads as attachments, in order", "[store]") {
  uploads_fixture f;
  const auto alice = f.user("alice");
  const auto bob = f.user("bob");
  const auto a = f.upload("a", alice);
  const auto bb = f.upload("bb", alice);
  const auto ccc = f.upload("ccc", alice);
  f.upload("bobs", bob);
  const auto of = [&](std::int64_t user, const std::vector<std::string>& ids) {
    return store::uploads_of_sender(f.db, user, ids);
  };

  const auto list = of(alice, {"ccc", "a", "bb"});
  REQUIRE(list);
  CHECK(*list == std::vector<attachment>{{ccc.id, ccc.name, ccc.type, ccc.size},
                                         {a.id, a.name, a.type, a.size},
                                         {bb.id, bb.name, bb.type, bb.size}});
  CHECK(list->at(1).name == "a.png");
  CHECK(list->at(1).type == "image/png");
  CHECK(list->at(1).size == 100);

  CHECK(of(alice, {"bb"}) == std::vector<attachment>{{bb.id, bb.name, bb.type, bb.size}});
  CHECK(of(alice, {}) == std::vector<attachment>{});

  CHECK_FALSE(of(alice, {"a", "bobs"}));     // someone else's upload
  CHECK_FALSE(of(alice, {"a", "missing"}));  // no such upload
  CHECK_FALSE(of(bob, {"a"}));
  CHECK_FALSE(of(alice, {"missing"}));
  CHECK(of(bob, {"bobs"}));
}

TEST_CASE("uploads: attachments come back with read_after and read_history", "[store]") {
  uploads_fixture f;
  const auto alice = f.user("alice");
  const auto a = f.channel("a", "public", {alice});
  const auto b = f.channel("b", "public", {alice});
  for (const auto* id : {"one", "two", "three", "four", "elsewhere"}) {
    f.upload(id, alice);
  }
  for (int i = 1; i <= 5; ++i) {
    f.message(a, alice, "a" + std::to_string(i));
    f.message(b, alice, "b" + std::to_string(i));
  }
  f.attach(a, 2, {"three", "one"});  // order as given, not by id
  f.attach(a, 4, {"two"});
  f.attach(a, 5, {"four", "two", "one"});
  f.attach(b, 3, {"elsewhere"});  // same ids in another channel never leak into a

  const auto after = [&](std::int64_t channel, std::int64_t id, int limit) {
    return store::read_after(f.db, channel, id, limit);
  };
  const auto history = [&](std::int64_t channel, std::optional<std::int64_t> before, int limit) {
    return store::read_history(f.db, channel, before, limit).messages;
  };

  const auto all = after(a, 0, 100);
  CHECK(attachment_ids(all) == id_lists{{}, {"three", "one"}, {}, {"two"}, {"four", "two", "one"}});
  REQUIRE(all[1].attachments.size() == 2);
  CHECK(all[1].attachments[0] == attachment{"three", "three.png", "image/png", 500});
  CHECK(all[1].text == "a2");

  CHECK(attachment_ids(after(a, 0, 1)) == id_lists{{}});
  CHECK(attachment_ids(after(a, 1, 1)) == id_lists{{"three", "one"}});
  CHECK(attachment_ids(after(a, 2, 2)) == id_lists{{}, {"two"}});
  CHECK(attachment_ids(after(a, 4, 10)) == id_lists{{"four", "two", "one"}});
  CHECK(after(a, 5, 10).empty());
  CHECK(attachment_ids(after(b, 0, 10)) == id_lists{{}, {}, {"elsewhere"}, {}, {}});

  CHECK(attachment_ids(history(a, std::nullopt, 2)) == id_lists{{"two"}, {"four", "two", "one"}});
  CHECK(attachment_ids(history(a, 4, 10)) == id_lists{{}, {"three", "one"}, {}});
  CHECK(attachment_ids(history(a, 3, 1)) == id_lists{{"three", "one"}});
  CHECK(attachment_ids(history(a, 2, 1)) == id_lists{{}});
  CHECK(history(a, 1, 5).empty());
  CHECK(attachment_ids(history(b, std::nullopt, 5)) == id_lists{{}, {}, {"elsewhere"}, {}, {}});
}

TEST_CASE("uploads: the sweep deletes old never-attached uploads and frees unused hashes",
          "[store]") {
  uploads_fixture f;
  const auto alice = f.user("alice");
  const auto general = f.channel("general", "public", {alice});
  const std::int64_t cutoff = 1000;

  f.upload("old_alone", alice, "h_alone", 10);  // deleted; its hash is free
  f.upload("old_twin1", alice, "h_twins", 20);  // both deleted: their hash is free, once
  f.upload("old_twin2", alice, "h_twins", 30);
  f.upload("old_shared", alice, "h_new", 10);     // deleted; the hash stays with "new"
  f.upload("new", alice, "h_new", 2000);          // too young: kept
  f.upload("at_cutoff", alice, "h_cut", cutoff);  // not before the cutoff: kept
  f.upload("old_attached", alice, "h_att", 10);   // attached: kept for good
  f.upload("old_att_twin", alice, "h_att", 10);   // deleted; the hash stays with the attached one
  f.attach(general, f.message(general, alice, "see"), {"old_attached"});

  CHECK(store::sweep_uploads(f.db, cutoff) == std::vector<std::string>{"h_alone", "h_twins"});
  for (const auto* gone : {"old_alone", "old_twin1", "old_twin2", "old_shared", "old_att_twin"}) {
    INFO(gone);
    CHECK_FALSE(store::find_upload(f.db, gone));
  }
  for (const auto* kept : {"new", "at_cutoff", "old_attached"}) {
    INFO(kept);
    CHECK(store::find_upload(f.db, kept));
  }
  CHECK(f.count("SELECT COUNT(*) FROM message_attachments") == 1);

  // Nothing left to do at the same cutoff; a later one takes the young unattached ones.
  CHECK(store::sweep_uploads(f.db, cutoff).empty());
  CHECK(store::sweep_uploads(f.db, 5000) == std::vector<std::string>{"h_cut", "h_new"});
  CHECK(store::find_upload(f.db, "old_attached"));
  CHECK(f.count("SELECT COUNT(*) FROM uploads") == 1);
  CHECK(store::read_after(f.db, general, 0, 10)[0].attachments.size() == 1);
}

TEST_CASE("remove_member: the membership and the user's read marker of that channel go",
          "[store]") {
  uploads_fixture f;
  const auto alice = f.user("alice");
  const auto bob = f.user("bob");
  const auto ops = f.channel("ops", "private", {alice, bob});
  const auto other = f.channel("other", "private", {alice, bob});
  for (int i = 0; i < 3; ++i) {
    f.message(ops, alice, "o");
    f.message(other, alice, "x");
  }
  for (const auto channel : {ops, other}) {
    store::advance_read_marker(f.db, alice, channel, 2);
    store::advance_read_marker(f.db, bob, channel, 3);
  }
  const auto marker_count = [&](std::int64_t user, std::int64_t channel) {
    return f.count("SELECT COUNT(*) FROM read_markers WHERE user_id = " + std::to_string(user) +
                   " AND channel_id = " + std::to_string(channel));
  };

  store::remove_member(f.db, ops, alice);
  CHECK_FALSE(store::is_member(f.db, ops, alice));
  CHECK(marker_count(alice, ops) == 0);
  // Everything else stays.
  CHECK(store::is_member(f.db, ops, bob));
  CHECK(store::is_member(f.db, other, alice));
  CHECK(marker_count(bob, ops) == 1);
  CHECK(marker_count(alice, other) == 1);
  CHECK(store::advance_read_marker(f.db, alice, other, 0) == 2);

  // Idempotent; joining again starts without a marker (all unread).
  store::remove_member(f.db, ops, alice);
  store::add_member(f.db, ops, alice, 2);
  CHECK(marker_count(alice, ops) == 0);
  CHECK(store::list_visible_channels(f.db, alice)[0].unread == 3);
}
