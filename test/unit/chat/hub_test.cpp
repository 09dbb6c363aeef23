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
  void deliver_message(const std::string&, std::int64_t id, const shared_frame& f) override {
    ids.push_back(id);
    frames.push_back(*f);
  }
  void deliver(const shared_frame& f) override { frames.push_back(*f); }
  std::string last_type() const {
    return frames.empty() ? ""
                          : std::string(boost::json::parse(frames.back()).at("type").as_string());
  }
  std::uint64_t id_;
  std::int64_t user_;
  std::vector<std::int64_t> ids;
  std::vector<std::string> frames;
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

TEST_CASE("publish reaches every subscriber on every thread, in order; the sender gets its ref") {
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

TEST_CASE("broadcasts skip the excluded session; user frames reach all of a user's sessions") {
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
