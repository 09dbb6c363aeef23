// leave with forget: the membership ends for all of the user's sessions, on every instance.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/chat_cluster.hpp"
#include "support/chat_server.hpp"
#include "support/frames.hpp"

using namespace parley::test;
namespace json = boost::json;

namespace {

std::string reply_type(ws_client& c, json::object frame) {
  return str(c.request(std::move(frame)), "type");
}

json::object join(const std::string& channel) {
  return {{"type", "join"}, {"channel", channel}};
}

json::object forget(const std::string& channel) {
  return {{"type", "leave"}, {"channel", channel}, {"forget", true}};
}

bool lists(ws_client& c, const std::string& channel) {
  const auto reply = c.request({{"type", "channels"}});
  for (const auto& ch : reply.at("channels").as_array()) {
    if (ch.at("name").as_string() == channel) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("forget on a private channel: every session leaves, rejoining needs a new invitation") {
  chat_server s;
  auto owner = s.connect("owner");
  auto bob1 = s.connect("bob");
  auto bob2 = s.connect("bob");
  auto bob3 = s.connect("bob");  // never joined: hears nothing
  REQUIRE(reply_type(*owner, {{"type", "create"}, {"channel", "secret"}, {"private", true}}) ==
          "created");
  REQUIRE(reply_type(*owner, {{"type", "invite"}, {"channel", "secret"}, {"user", "bob"}}) ==
          "invited");
  REQUIRE(reply_type(*bob1, join("secret")) == "joined");
  REQUIRE(reply_type(*bob2, join("secret")) == "joined");

  const auto reply = bob1->request(forget("secret"));
  CHECK(str(reply, "type") == "left");
  CHECK(str(reply, "channel") == "secret");
  const auto told = bob2->read_type("left");
  CHECK(str(told, "channel") == "secret");
  CHECK_FALSE(told.contains("ref"));
  CHECK(owner->read_type("user_left").at("user").as_string() == "bob");

  // Nothing of the channel reaches bob's sessions any more, and he is no member.
  owner->request({{"type", "send"}, {"channel", "secret"}, {"text", "after"}});
  for (auto* bob : {bob1.get(), bob2.get()}) {
    bob->send({{"type", "ping"}});
    CHECK(str(bob->read(), "type") == "pong");  // the message would have come first
  }
  CHECK_FALSE(lists(*bob3, "secret"));
  CHECK(str(bob3->request(join("secret")), "code") == "forbidden");
  CHECK(str(bob1->request({{"type", "history"}, {"channel", "secret"}}), "code") == "forbidden");
  CHECK(str(bob2->request({{"type", "leave"}, {"channel", "secret"}}), "code") == "not_joined");

  REQUIRE(reply_type(*owner, {{"type", "invite"}, {"channel", "secret"}, {"user", "bob"}}) ==
          "invited");
  CHECK(reply_type(*bob3, join("secret")) == "joined");
}

TEST_CASE("forget: a reply even when not joined, public channels lose the member, DMs refuse") {
  chat_server s;
  auto alice = s.connect("alice");
  auto bob = s.connect("bob");
  REQUIRE(reply_type(*alice, join("town")) == "joined");
  REQUIRE(reply_type(*bob, join("town")) == "joined");
  REQUIRE(reply_type(*bob, {{"type", "leave"}, {"channel", "town"}}) == "left");
  const auto members = [&] {
    const auto reply = alice->request({{"type", "channels"}});
    for (const auto& ch : reply.at("channels").as_array()) {
      if (ch.at("name").as_string() == "town") {
        return ch.at("members").as_int64();
      }
    }
    return std::int64_t{-1};
  };
  CHECK(members() == 2);
  CHECK(reply_type(*bob, forget("town")) == "left");  // not joined: still `left`
  CHECK(members() == 1);
  CHECK(reply_type(*bob, join("town")) == "joined");  // public: joining makes him a member again
  CHECK(members() == 2);

  REQUIRE(str(alice->request({{"type", "send"}, {"to", "bob"}, {"text", "hi"}}), "type") ==
          "message");
  CHECK(str(alice->request(forget("dm:alice:bob")), "code") == "forbidden");
  CHECK(str(alice->request(forget("nowhere")), "code") == "not_found");
  CHECK(str(alice->request({{"type", "leave"}, {"channel", "town"}, {"forget", "yes"}}), "code") ==
        "bad_request");
}

TEST_CASE("cluster: forget on one instance ends the membership on the other", "[cluster]") {
  chat_cluster c(2);
  auto owner = c.connect("owner", 0);
  auto bob_a = c.connect("bob", 0);
  auto bob_b = c.connect("bob", 1);
  REQUIRE(reply_type(*owner, {{"type", "create"}, {"channel", "vault"}, {"private", true}}) ==
          "created");
  REQUIRE(reply_type(*owner, {{"type", "invite"}, {"channel", "vault"}, {"user", "bob"}}) ==
          "invited");
  REQUIRE(reply_type(*bob_b, join("vault")) == "joined");  // instance b remembers the membership
  REQUIRE(reply_type(*bob_a, forget("vault")) == "left");
  CHECK(str(bob_b->read_type("left"), "channel") == "vault");
  CHECK(str(bob_b->request(join("vault")), "code") == "forbidden");
}
