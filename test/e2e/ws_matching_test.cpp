// Random matching: first come first matched, one place per user, never oneself, across instances.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/chat_cluster.hpp"
#include "support/chat_server.hpp"
#include "support/eventually.hpp"
#include "support/frames.hpp"

using namespace parley::test;
namespace json = boost::json;

namespace {

void ask(ws_client& c) {
  const auto reply = c.request({{"type", "match"}});
  REQUIRE(str(reply, "type") == "matching");
}

/// The `matched` frame of a session: its channel and peer.
std::pair<std::string, std::string> matched(ws_client& c) {
  const auto f = c.read_type("matched");
  const auto channel = str(f, "channel");
  CHECK(channel.starts_with("match:"));
  return {channel, str(f, "peer")};
}

/// True when no `matched` arrives before a ping's answer (the queue answers before the ping).
bool not_matched(ws_client& c) {
  c.send({{"type", "ping"}});
  for (int i = 0; i < 100; ++i) {
    const auto f = c.read();
    if (str(f, "type") == "pong") {
      return true;
    }
    if (str(f, "type") == "matched") {
      return false;
    }
  }
  return false;
}

void talk(ws_client& from, ws_client& to, const std::string& channel, const std::string& text) {
  const auto echo = from.request({{"type", "send"}, {"channel", channel}, {"text", text}});
  REQUIRE(str(echo, "type") == "message");
  CHECK(str(read_messages(to, channel, 1)[0], "text") == text);
}

}  // namespace

TEST_CASE("match: two users are paired in a new private channel of their own") {
  chat_server s;
  auto alice = s.connect("alice");
  auto bob = s.connect("bob");
  ask(*alice);
  CHECK(not_matched(*alice));
  ask(*bob);
  const auto [bob_channel, bob_peer] = matched(*bob);
  const auto [alice_channel, alice_peer] = matched(*alice);
  CHECK(bob_channel == alice_channel);
  CHECK(bob_peer == "alice");
  CHECK(alice_peer == "bob");
  talk(*alice, *bob, alice_channel, "hello stranger");
  talk(*bob, *alice, alice_channel, "hi");

  // Kept and listed as private for both; nobody else may use it.
  const auto history = bob->request({{"type", "history"}, {"channel", alice_channel}});
  CHECK(history.at("messages").as_array().size() == 2);
  bool listed = false;
  const auto channels = alice->request({{"type", "channels"}});
  for (const auto& ch : channels.at("channels").as_array()) {
    if (ch.at("name").as_string() == alice_channel) {
      listed = ch.at("private").as_bool() && ch.at("members").as_int64() == 2;
    }
  }
  CHECK(listed);
  auto eve = s.connect("eve");
  CHECK(str(eve->request({{"type", "join"}, {"channel", alice_channel}}), "code") == "forbidden");
  CHECK(str(eve->request({{"type", "history"}, {"channel", alice_channel}}), "code") ==
        "forbidden");
  CHECK(str(alice->request({{"type", "leave"}, {"channel", alice_channel}, {"forget", true}}),
            "code") == "forbidden");
}

TEST_CASE("match: one user's two sessions are one place, never matched with oneself") {
  chat_server s;
  auto a1 = s.connect("ann");
  auto a2 = s.connect("ann");
  ask(*a1);
  ask(*a2);
  ask(*a1);  // asking again changes nothing
  CHECK(not_matched(*a1));
  CHECK(not_matched(*a2));
  auto ben = s.connect("ben");
  ask(*ben);
  const auto [channel, peer] = matched(*ben);
  CHECK(peer == "ann");
  CHECK(matched(*a1) == std::make_pair(channel, std::string("ben")));
  CHECK(matched(*a2) == std::make_pair(channel, std::string("ben")));
  CHECK(not_matched(*ben));  // one match, not one per seat
  auto cat = s.connect("cat");
  ask(*cat);
  CHECK(not_matched(*cat));  // ann left the queue with her match
}

TEST_CASE("match: 20 users at once make 10 pairs, each user once") {
  chat_server s;
  std::vector<std::unique_ptr<ws_client>> users;
  for (int i = 0; i < 20; ++i) {
    users.push_back(s.connect("user" + std::to_string(i)));
  }
  for (auto& u : users) {
    u->send({{"type", "match"}});
  }
  std::map<std::string, std::vector<std::string>> by_channel;
  for (int i = 0; i < 20; ++i) {
    const auto [channel, peer] = matched(*users[i]);
    CHECK(peer != "user" + std::to_string(i));
    by_channel[channel].push_back("user" + std::to_string(i));
  }
  CHECK(by_channel.size() == 10);
  for (const auto& [channel, members] : by_channel) {
    CHECK(members.size() == 2);
  }
  for (auto& u : users) {
    CHECK(not_matched(*u));
  }
}

TEST_CASE("match: a waiting session that disconnects or unmatches leaves the queue") {
  chat_server s;
  auto gone = s.connect("gone");
  ask(*gone);
  gone->close();
  gone.reset();
  REQUIRE(eventually([&] { return metric(s.port(), "parley_ws_sessions") == 0; }, 5s));
  auto quitter = s.connect("quitter");
  ask(*quitter);
  CHECK(not_matched(*quitter));  // the one who left is no longer waiting
  CHECK(str(quitter->request({{"type", "unmatch"}}), "type") == "unmatched");
  CHECK(str(quitter->request({{"type", "unmatch"}}), "type") == "unmatched");  // not queued: same
  auto x = s.connect("xena");
  auto y = s.connect("yuri");
  ask(*x);
  ask(*y);
  CHECK(matched(*x).second == "yuri");
  CHECK(matched(*y).second == "xena");
  CHECK(not_matched(*quitter));
}

TEST_CASE("cluster: users on two instances are matched and talk", "[cluster]") {
  chat_cluster c(2);
  auto a = c.connect("amy", 0);
  auto b = c.connect("bea", 1);
  ask(*a);
  ask(*b);
  const auto [channel, peer] = matched(*a);
  CHECK(peer == "bea");
  CHECK(matched(*b) == std::make_pair(channel, std::string("amy")));
  talk(*a, *b, channel, "across");
  talk(*b, *a, channel, "back");
  // One user's sessions on both instances are one place.
  auto c0 = c.connect("cyd", 0);
  auto c1 = c.connect("cyd", 1);
  ask(*c0);
  ask(*c1);
  CHECK(not_matched(*c0));
  auto d = c.connect("dio", 1);
  ask(*d);
  CHECK(matched(*d).second == "cyd");
  CHECK(matched(*c0).second == "dio");
  CHECK(matched(*c1).second == "dio");
}

TEST_CASE("cluster: a user waiting on a killed instance is never matched", "[cluster]") {
  chat_cluster c(2);
  auto ghost = c.connect("ghost", 1);
  ask(*ghost);
  REQUIRE(eventually([&] { return metric(c.port(0), "parley_cluster_peers") == 1; }, 5s));
  c.kill(1);
  // Once the survivor has given the dead instance up (the peer timeout, docs/cluster.md), the
  // dead one's liveness key, which lives a heartbeat less, has expired as well.
  REQUIRE(eventually([&] { return metric(c.port(0), "parley_cluster_peers") == 0; }, 10s));
  auto p = c.connect("pia", 0);
  auto q = c.connect("quinn", 0);
  ask(*p);
  CHECK(not_matched(*p));
  ask(*q);
  CHECK(matched(*q).second == "pia");
  CHECK(matched(*p).second == "quinn");
}
