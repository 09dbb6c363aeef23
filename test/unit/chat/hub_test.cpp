#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "parley/chat/hub.hpp"

using namespace parley;
using namespace parley::chat;

namespace {

/// A session that records what it is given.
struct fake_session : session_sink {
  fake_session(std::uint64_t id, std::int64_t user) : id_(id), user_(user) {}
  std::uint64_t session_id() const override { return id_; }
  std::int64_t user_id() const override { return user_; }
  void deliver_message(const std::string&, std::int64_t id, const shared_frame& f,
                       std::chrono::steady_clock::time_point) override {
    ids.push_back(id);
    frames.push_back(*f);
  }
  void deliver(const shared_frame& f) override { frames.push_back(*f); }
  void channel_forgotten(const std::string& channel) override { forgotten.push_back(channel); }
  void match_made(const model::channel_row& channel, const std::string& peer) override {
    matches.push_back(channel.name + "/" + peer);
  }
  std::string last_type() const {
    return frames.empty() ? ""
                          : std::string(boost::json::parse(frames.back()).at("type").as_string());
  }
  std::uint64_t id_;
  std::int64_t user_;
  std::vector<std::int64_t> ids;
  std::vector<std::string> frames;
  std::vector<std::string> forgotten;
  std::vector<std::string> matches;
};

/// Records what the hub tells the rest of the cluster.
struct recording_link : cluster_link {
  void presence_changed(const presence_entry& e, bool present) override {
    presence.push_back((present ? "+" : "-") + e.channel + "/" + e.username);
  }
  void membership_ended(std::int64_t user_id, const std::string& channel) override {
    ended.push_back(std::to_string(user_id) + "/" + channel);
  }
  std::vector<std::string> presence;
  std::vector<std::string> ended;
};

struct two_threads {
  boost::asio::io_context t0;
  boost::asio::io_context t1;
  metrics::registry metrics;
  hub h{{&t0, &t1}, metrics};
  void drain() {
    t0.poll();
    t0.restart();
    t1.poll();
    t1.restart();
  }
};

outgoing_message message(std::string channel, std::int64_t id, std::uint64_t sender,
                         std::size_t thread) {
  outgoing_message m;
  m.channel = std::move(channel);
  m.id = id;
  m.from = "alice";
  m.text = "t";
  m.sender_session = sender;
  m.sender_thread = thread;
  m.ref = "r" + std::to_string(id);
  return m;
}

}  // namespace

TEST_CASE("publish reaches every subscriber on every thread, in order, the sender gets its ref") {
  two_threads w;
  fake_session a(1, 10), b(2, 20), c(3, 30), outsider(4, 40);
  w.h.attach(0, &a, "alice");
  w.h.attach(1, &b, "bob");
  w.h.attach(1, &c, "carol");
  w.h.attach(0, &outsider, "olga");
  CHECK(w.h.subscribe(0, &a, "g"));
  CHECK_FALSE(w.h.subscribe(0, &a, "g"));
  w.h.subscribe(1, &b, "g");
  w.h.subscribe(1, &c, "g");
  w.drain();
  a.frames.clear();
  b.frames.clear();
  c.frames.clear();
  for (int id = 1; id <= 5; ++id) {
    w.h.publish(message("g", id, 1, 0));
  }
  w.drain();
  CHECK(a.ids == std::vector<std::int64_t>{1, 2, 3, 4, 5});
  CHECK(b.ids == a.ids);
  CHECK(c.ids == a.ids);
  CHECK(outsider.ids.empty());
  CHECK(boost::json::parse(a.frames[0]).as_object().contains("ref"));
  CHECK_FALSE(boost::json::parse(b.frames[0]).as_object().contains("ref"));
  CHECK(w.metrics.deliveries_total == 15);
  CHECK(w.metrics.channels == 1);
}

TEST_CASE("user_joined on a user's first session, user_left on the last") {
  two_threads w;
  fake_session a1(1, 10), a2(2, 10), b(3, 20);
  w.h.attach(0, &a1, "alice");
  w.h.attach(1, &a2, "alice");
  w.h.attach(1, &b, "bob");
  w.h.subscribe(1, &b, "g");
  w.drain();
  w.h.subscribe(0, &a1, "g");
  w.drain();
  CHECK(b.last_type() == "user_joined");
  const auto before = b.frames.size();
  w.h.subscribe(1, &a2, "g");
  w.drain();
  CHECK(b.frames.size() == before);  // alice was already present
  CHECK(w.h.present_users("g") == std::vector<std::string>{"alice", "bob"});
  CHECK(w.h.unsubscribe(0, &a1, "g"));
  CHECK_FALSE(w.h.unsubscribe(0, &a1, "g"));
  w.drain();
  CHECK(b.frames.size() == before);
  w.h.detach(1, &a2);
  w.drain();
  CHECK(b.last_type() == "user_left");
  CHECK(w.h.present_users("g") == std::vector<std::string>{"bob"});
}

TEST_CASE("direct messages go to every session of both users, joined or not") {
  two_threads w;
  fake_session a1(1, 10), a2(2, 10), b(3, 20), c(4, 30);
  w.h.attach(0, &a1, "alice");
  w.h.attach(1, &a2, "alice");
  w.h.attach(1, &b, "bob");
  w.h.attach(0, &c, "carol");
  auto m = message("dm:alice:bob", 1, 1, 0);
  m.direct = true;
  m.dm_user_a = 10;
  m.dm_user_b = 20;
  w.h.publish(m);
  w.drain();
  CHECK(a1.ids == std::vector<std::int64_t>{1});
  CHECK(a2.ids == std::vector<std::int64_t>{1});
  CHECK(b.ids == std::vector<std::int64_t>{1});
  CHECK(c.ids.empty());
}

TEST_CASE("broadcasts skip the excluded session, user frames reach all of a user's sessions") {
  two_threads w;
  fake_session a(1, 10), b(2, 20), b2(3, 20);
  w.h.attach(0, &a, "alice");
  w.h.attach(1, &b, "bob");
  w.h.attach(0, &b2, "bob");
  w.h.subscribe(0, &a, "g");
  w.h.subscribe(1, &b, "g");
  w.drain();
  a.frames.clear();
  b.frames.clear();
  w.h.broadcast("g", std::make_shared<const std::string>(R"({"type":"typing"})"), 2);
  w.h.send_to_user(20, std::make_shared<const std::string>(R"({"type":"invitation"})"));
  w.drain();
  CHECK(a.frames == std::vector<std::string>{R"({"type":"typing"})"});
  CHECK(b.frames == std::vector<std::string>{R"({"type":"invitation"})"});
  CHECK(b2.frames == std::vector<std::string>{R"({"type":"invitation"})"});
}

TEST_CASE("end_membership unsubscribes the user's sessions on every thread but the asking one") {
  two_threads w;
  recording_link link;
  w.h.set_link(link);
  fake_session asking(1, 10), other(2, 10), elsewhere(3, 10), stranger(4, 20);
  w.h.attach(0, &asking, "ann");
  w.h.attach(0, &other, "ann");
  w.h.attach(1, &elsewhere, "ann");
  w.h.attach(1, &stranger, "bob");
  for (auto [thread, s] : {std::pair{0, &asking}, {0, &other}, {1, &elsewhere}, {1, &stranger}}) {
    w.h.subscribe(thread, s, "club");
  }
  w.h.end_membership(10, "club", asking.session_id());
  w.drain();
  CHECK(asking.forgotten.empty());
  CHECK(other.forgotten == std::vector<std::string>{"club"});
  CHECK(elsewhere.forgotten == std::vector<std::string>{"club"});
  CHECK(stranger.forgotten.empty());
  CHECK(link.ended == std::vector<std::string>{"10/club"});
  CHECK_FALSE(w.h.is_subscribed(0, &other, "club"));
  CHECK_FALSE(w.h.is_subscribed(1, &elsewhere, "club"));
  CHECK(w.h.is_subscribed(0, &asking, "club"));  // the asking session leaves by itself
  CHECK(w.h.is_subscribed(1, &stranger, "club"));
}

TEST_CASE("online users: local sessions and other instances' users, told as presence") {
  two_threads w;
  recording_link link;
  w.h.set_link(link);
  fake_session a1(1, 10), a2(2, 10), b(3, 20);
  w.h.attach(0, &a1, "ann");
  w.h.attach(1, &a2, "ann");
  w.h.attach(1, &b, "bob");
  w.h.remote_presence_changed("other", {online_channel, 30, "cy"}, true);
  w.h.remote_presence_changed("other", {online_channel, 20, "bob"}, true);
  using users = std::vector<std::pair<std::int64_t, std::string>>;
  CHECK(w.h.online_users("") == users{{10, "ann"}, {20, "bob"}, {30, "cy"}});
  w.h.detach(0, &a1);
  w.h.detach(1, &b);
  CHECK(w.h.online_users("") == users{{10, "ann"}, {20, "bob"}, {30, "cy"}});
  w.h.remote_node_gone("other");
  w.h.detach(1, &a2);
  CHECK(w.h.online_users("").empty());
  // Each user once, when their first session opens and their last one closes.
  CHECK(link.presence == std::vector<std::string>{"+/ann", "+/bob", "-/bob", "-/ann"});
  CHECK(w.h.online({10, 20, 30}) == std::vector<bool>{false, false, false});
  CHECK(w.h.online_users("a").empty());
}

TEST_CASE("online users: filtered by a lower-cased prefix, being online is announced to nobody") {
  two_threads w;
  fake_session a(1, 10), b(2, 20), watcher(3, 30);
  w.h.attach(0, &watcher, "watcher");
  w.h.subscribe(0, &watcher, "room");
  w.h.attach(0, &a, "Alpha");
  w.h.attach(1, &b, "beta");
  w.h.remote_presence_changed("other", {online_channel, 40, "ALPINE"}, true);
  using users = std::vector<std::pair<std::int64_t, std::string>>;
  CHECK(w.h.online_users("al") == users{{10, "Alpha"}, {40, "ALPINE"}});
  CHECK(w.h.online({20, 40, 50}) == std::vector<bool>{true, true, false});
  w.drain();
  CHECK(watcher.frames.empty());  // no user_joined for presence in no channel
}

TEST_CASE("a match reaches one session by thread and id") {
  two_threads w;
  fake_session a(1, 10), b(2, 10);
  w.h.attach(1, &a, "ann");
  w.h.attach(1, &b, "ann");
  w.h.deliver_match(1, 2, {7, "match:ab", "match"}, "zed");
  w.h.deliver_match(0, 2, {7, "match:ab", "match"}, "zed");  // wrong thread: nobody
  w.drain();
  CHECK(a.matches.empty());
  CHECK(b.matches == std::vector<std::string>{"match:ab/zed"});
}
