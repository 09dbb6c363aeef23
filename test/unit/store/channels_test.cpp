// store/channels on a real SQLite file: channel lists with member and unread counts, read
// markers, and the message reads (read_after, read_history). Messages are written by the real
// chat::message_log (there is no store function for it: the log owns the insert and the
// channel's sequence), so ids and channels.last_message_id are exactly what the server makes.

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "parley/chat/message_log.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/store/channels.hpp"
#include "parley/store/store.hpp"
#include "parley/store/users.hpp"
#include "support/temp_dir.hpp"

using namespace parley;

namespace {

/// A migrated database behind its store thread, with the message log writing into it. Every
/// database call runs on the store thread (run_blocking), like in the server.
class store_fixture {
 public:
  store_fixture() = default;
  store_fixture(const store_fixture&) = delete;
  store_fixture& operator=(const store_fixture&) = delete;
  /// Finishes queued work while the log is still alive.
  ~store_fixture() { db_.stop(); }

  template <class F>
  auto call(F f) {
    return db_.run_blocking(std::move(f));
  }

  std::int64_t user(const std::string& name) {
    const auto u = call([&](store::database& d) { return store::create_user(d, name, "h", 1); });
    REQUIRE(u);
    return u->id;
  }

  std::int64_t channel(const std::string& name, const std::string& kind,
                       const std::vector<std::int64_t>& members) {
    const auto row = call([&](store::database& d) {
      auto r = store::create_channel(d, name, kind, members.front(), 1);
      if (r) {
        for (const auto m : members) {
          store::add_member(d, r->id, m, 1);
        }
      }
      return r;
    });
    REQUIRE(row);
    return row->id;
  }

  /// Queues one message; settle() waits until every queued one is stored.
  void post(std::int64_t channel_id, std::int64_t user_id, const std::string& from,
            const std::string& text, std::int64_t ts_ms) {
    chat::outgoing_message m;
    m.channel = "c" + std::to_string(channel_id);
    m.channel_id = channel_id;
    m.user_id = user_id;
    m.from = from;
    m.text = text;
    m.ts_ms = ts_ms;
    ++appended_;
    log_.append(std::move(m));
  }

  void settle() {
    std::unique_lock lock(mutex_);
    REQUIRE(cv_.wait_for(lock, std::chrono::seconds(10),
                         [&] { return committed_ + failed_ >= appended_; }));
    REQUIRE(failed_ == 0);
  }

  /// `n` messages "<prefix>1".."<prefix>n" from one user, stored before this returns.
  void post_many(std::int64_t channel_id, std::int64_t user_id, const std::string& from,
                 const std::string& prefix, int n) {
    for (int i = 1; i <= n; ++i) {
      post(channel_id, user_id, from, prefix + std::to_string(i), 1000 + i);
    }
    settle();
  }

 private:
  test::temp_dir dir_;
  store::store db_{(dir_ / "channels.db").string()};
  metrics::registry metrics_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::size_t appended_ = 0;
  std::size_t committed_ = 0;
  std::size_t failed_ = 0;
  chat::message_log log_{db_, metrics_,
                         [this](store::database&, const std::vector<chat::outgoing_message>& b) {
                           std::lock_guard lock(mutex_);
                           committed_ += b.size();
                           cv_.notify_all();
                         },
                         [this](const chat::outgoing_message&) {
                           std::lock_guard lock(mutex_);
                           ++failed_;
                           cv_.notify_all();
                         }};
};

/// "name private members unread", for readable failures.
std::vector<std::string> summaries(const auto& list) {
  std::vector<std::string> out;
  for (const auto& c : list) {
    out.push_back(c.name + (c.is_private ? " private " : " public ") + std::to_string(c.members) +
                  " " + std::to_string(c.unread));
  }
  return out;
}

std::vector<std::int64_t> ids(const auto& messages) {
  std::vector<std::int64_t> out;
  for (const auto& m : messages) {
    out.push_back(m.id);
  }
  return out;
}

using id_list = std::vector<std::int64_t>;

}  // namespace

TEST_CASE("channel list: public channels and the user's others, with members and unread counts",
          "[store]") {
  store_fixture f;
  const auto alice = f.user("alice");
  const auto bob = f.user("bob");
  const auto carol = f.user("carol");
  const auto dave = f.user("dave");

  const auto general = f.channel("general", "public", {alice, bob});
  const auto random = f.channel("random", "public", {carol});
  const auto ops = f.channel("ops", "private", {alice});
  const auto dm = f.channel("dm:alice:bob", "dm", {alice, bob});
  const auto match = f.channel("match:7", "match", {bob, carol});
  const auto hidden = f.channel("hidden", "private", {bob});

  f.post_many(general, bob, "bob", "g", 5);
  f.post_many(random, carol, "carol", "r", 4);
  f.post_many(ops, alice, "alice", "o", 2);
  f.post_many(dm, bob, "bob", "d", 3);
  f.post_many(hidden, bob, "bob", "h", 6);

  REQUIRE(f.call([&](store::database& d) {
    return store::advance_read_marker(d, alice, general, 3);
  }) == 3);
  REQUIRE(f.call([&](store::database& d) {
    return store::advance_read_marker(d, bob, general, 5);
  }) == 5);

  const auto list_of = [&](std::int64_t user) {
    return summaries(
        f.call([&](store::database& d) { return store::list_visible_channels(d, user); }));
  };

  // Ordered by name; dm and match channels count as private; unread only where a member.
  CHECK(list_of(alice) == std::vector<std::string>{
                              "dm:alice:bob private 2 3",
                              "general public 2 2",
                              "ops private 1 2",
                              "random public 1 0",
                          });
  CHECK(list_of(bob) == std::vector<std::string>{
                            "dm:alice:bob private 2 3",
                            "general public 2 0",
                            "hidden private 1 6",
                            "match:7 private 2 0",
                            "random public 1 0",
                        });
  CHECK(list_of(carol) == std::vector<std::string>{
                              "general public 2 0",
                              "match:7 private 2 0",
                              "random public 1 4",
                          });
  CHECK(list_of(dave) == std::vector<std::string>{
                             "general public 2 0",
                             "random public 1 0",
                         });

  // A read marker of a non-member does not make unread appear; becoming a member does.
  REQUIRE(f.call([&](store::database& d) {
    return store::advance_read_marker(d, dave, random, 1);
  }) == 1);
  CHECK(list_of(dave) == std::vector<std::string>{"general public 2 0", "random public 1 0"});
  f.call([&](store::database& d) {
    store::add_member(d, random, dave, 2);
    return 0;
  });
  CHECK(list_of(dave) == std::vector<std::string>{"general public 2 0", "random public 2 3"});

  // New messages raise unread; reading them all brings it to 0.
  f.post_many(general, bob, "bob", "more", 2);
  CHECK(list_of(alice)[1] == "general public 2 4");
  CHECK(list_of(bob)[1] == "general public 2 2");
  REQUIRE(f.call([&](store::database& d) {
    return store::advance_read_marker(d, alice, general, 7);
  }) == 7);
  CHECK(list_of(alice)[1] == "general public 2 0");
  (void)match;
}

TEST_CASE("read markers never move back and never past the channel's last message", "[store]") {
  store_fixture f;
  const auto alice = f.user("alice");
  const auto bob = f.user("bob");
  const auto general = f.channel("general", "public", {alice, bob});
  const auto empty = f.channel("empty", "public", {alice});

  const auto mark = [&](std::int64_t user, std::int64_t channel, std::int64_t id) {
    return f.call(
        [&](store::database& d) { return store::advance_read_marker(d, user, channel, id); });
  };

  f.post_many(general, bob, "bob", "m", 5);
  CHECK(mark(alice, general, 0) == 0);
  CHECK(mark(alice, general, 2) == 2);
  CHECK(mark(alice, general, 1) == 2);  // never back
  CHECK(mark(alice, general, 0) == 2);
  CHECK(mark(alice, general, 4) == 4);
  CHECK(mark(alice, general, 99) == 5);  // never past the last message
  CHECK(mark(alice, general, 5) == 5);

  // Each user has their own marker.
  CHECK(mark(bob, general, 1) == 1);
  CHECK(mark(alice, general, 0) == 5);

  // The cap follows new messages.
  f.post_many(general, bob, "bob", "n", 2);
  CHECK(mark(alice, general, 99) == 7);
  CHECK(mark(bob, general, 6) == 6);

  // A channel without messages keeps the marker at 0, also on a first marker past the end.
  CHECK(mark(alice, empty, 3) == 0);
  CHECK(mark(bob, empty, 1) == 0);
  f.post_many(empty, alice, "alice", "e", 1);
  CHECK(mark(alice, empty, 3) == 1);
}

TEST_CASE("last_message_id is the channel's message sequence", "[store]") {
  store_fixture f;
  const auto alice = f.user("alice");
  const auto a = f.channel("a", "public", {alice});
  const auto b = f.channel("b", "public", {alice});
  const auto last = [&](std::int64_t channel) {
    return f.call([&](store::database& d) { return store::last_message_id(d, channel); });
  };

  CHECK(last(a) == 0);
  CHECK(last(999) == 0);  // no such channel

  // Interleaved sends: each channel numbers its own messages from 1.
  f.post(a, alice, "alice", "a1", 1);
  f.post(b, alice, "alice", "b1", 2);
  f.post(a, alice, "alice", "a2", 3);
  f.post(a, alice, "alice", "a3", 4);
  f.settle();
  CHECK(last(a) == 3);
  CHECK(last(b) == 1);
  f.post_many(b, alice, "alice", "x", 4);
  CHECK(last(a) == 3);
  CHECK(last(b) == 5);
}

TEST_CASE("read_after: messages after an id, oldest first, at most limit", "[store]") {
  store_fixture f;
  const auto alice = f.user("alice");
  const auto bob = f.user("Bob");
  const auto a = f.channel("a", "public", {alice, bob});
  const auto b = f.channel("b", "public", {alice});

  for (int i = 1; i <= 5; ++i) {
    f.post(a, i % 2 == 0 ? bob : alice, i % 2 == 0 ? "Bob" : "alice", "a" + std::to_string(i),
           1000 + i);
    f.post(b, alice, "alice", "b" + std::to_string(i), 2000 + i);  // never read from a
  }
  f.settle();
  const auto after = [&](std::int64_t channel, std::int64_t id, int limit) {
    return f.call([&](store::database& d) { return store::read_after(d, channel, id, limit); });
  };

  const auto all = after(a, 0, 100);
  REQUIRE(ids(all) == id_list{1, 2, 3, 4, 5});
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto n = static_cast<int>(i) + 1;
    CHECK(all[i].text == "a" + std::to_string(n));
    CHECK(all[i].from == (n % 2 == 0 ? "Bob" : "alice"));
    CHECK(all[i].ts_ms == 1000 + n);
  }
  CHECK(ids(after(a, 0, 5)) == id_list{1, 2, 3, 4, 5});
  CHECK(ids(after(a, 0, 2)) == id_list{1, 2});
  CHECK(ids(after(a, 2, 2)) == id_list{3, 4});
  CHECK(ids(after(a, 3, 10)) == id_list{4, 5});
  CHECK(ids(after(a, 4, 1)) == id_list{5});
  CHECK(after(a, 5, 10).empty());
  CHECK(after(a, 99, 10).empty());
  CHECK(after(999, 0, 10).empty());
  const auto other = after(b, 4, 10);
  REQUIRE(ids(other) == id_list{5});
  CHECK(other[0].text == "b5");
  CHECK(other[0].ts_ms == 2005);
}

TEST_CASE("read_history: pages back, oldest first, has_more exact at the boundaries", "[store]") {
  store_fixture f;
  const auto alice = f.user("alice");
  const auto a = f.channel("a", "public", {alice});
  const auto b = f.channel("b", "public", {alice});
  const auto empty = f.channel("empty", "public", {alice});
  f.post_many(a, alice, "alice", "m", 5);
  f.post_many(b, alice, "alice", "other", 9);  // other channels never count

  const auto history = [&](std::int64_t channel, std::optional<std::int64_t> before, int limit) {
    return f.call(
        [&](store::database& d) { return store::read_history(d, channel, before, limit); });
  };

  SECTION("without before: the newest ones") {
    const auto exact = history(a, std::nullopt, 5);  // exactly limit messages: nothing more
    REQUIRE(ids(exact.messages) == id_list{1, 2, 3, 4, 5});
    CHECK_FALSE(exact.has_more);
    CHECK(exact.messages[0].from == "alice");
    CHECK(exact.messages[0].text == "m1");
    CHECK(exact.messages[0].ts_ms == 1001);
    CHECK(exact.messages[4].text == "m5");

    const auto one_short = history(a, std::nullopt, 4);  // limit + 1 messages: one more
    CHECK(ids(one_short.messages) == id_list{2, 3, 4, 5});
    CHECK(one_short.has_more);

    const auto roomy = history(a, std::nullopt, 6);
    CHECK(ids(roomy.messages) == id_list{1, 2, 3, 4, 5});
    CHECK_FALSE(roomy.has_more);

    const auto newest = history(a, std::nullopt, 1);
    CHECK(ids(newest.messages) == id_list{5});
    CHECK(newest.has_more);
  }
  SECTION("with before: the newest ones older than it") {
    const auto exact = history(a, 4, 3);  // 1, 2, 3 left: exactly limit
    CHECK(ids(exact.messages) == id_list{1, 2, 3});
    CHECK_FALSE(exact.has_more);

    const auto one_short = history(a, 4, 2);  // limit + 1 left
    CHECK(ids(one_short.messages) == id_list{2, 3});
    CHECK(one_short.has_more);

    const auto roomy = history(a, 4, 4);
    CHECK(ids(roomy.messages) == id_list{1, 2, 3});
    CHECK_FALSE(roomy.has_more);

    const auto last_one = history(a, 2, 1);  // only 1 left
    CHECK(ids(last_one.messages) == id_list{1});
    CHECK_FALSE(last_one.has_more);

    const auto nothing = history(a, 1, 5);
    CHECK(nothing.messages.empty());
    CHECK_FALSE(nothing.has_more);

    const auto past_end = history(a, 6, 5);  // before the (not yet existing) next id: all 5
    CHECK(ids(past_end.messages) == id_list{1, 2, 3, 4, 5});
    CHECK_FALSE(past_end.has_more);

    const auto far = history(a, 1000, 4);
    CHECK(ids(far.messages) == id_list{2, 3, 4, 5});
    CHECK(far.has_more);
  }
  SECTION("paging back to the start") {
    std::vector<id_list> pages;
    std::vector<bool> more;
    std::optional<std::int64_t> before;
    for (int guard = 0; guard < 10; ++guard) {
      const auto page = history(b, before, 4);
      pages.push_back(ids(page.messages));
      more.push_back(page.has_more);
      if (!page.has_more) {
        break;
      }
      before = page.messages.front().id;
    }
    CHECK(pages == std::vector<id_list>{{6, 7, 8, 9}, {2, 3, 4, 5}, {1}});
    CHECK(more == std::vector<bool>{true, true, false});
  }
  SECTION("an empty channel") {
    const auto page = history(empty, std::nullopt, 5);
    CHECK(page.messages.empty());
    CHECK_FALSE(page.has_more);
  }
}
