#include <catch2/catch.hpp>

#include "parley/cluster/wire.hpp"

using namespace parley;
using cluster::decode;
using cluster::decode_pairing;
using cluster::decode_seat;
using cluster::encode;
using cluster::encode_seat;
using cluster::envelope;

TEST_CASE("cluster envelopes survive encode and decode") {
  SECTION("a channel message") {
    envelope e;
    e.type = envelope::kind::message;
    e.node = "a/1f2e";
    e.message.channel = "general";
    e.message.channel_id = 7;
    e.message.id = 42;
    e.message.user_id = 3;
    e.message.from = "alice";
    e.message.text = "héllo \"quoted\"\n";
    e.message.ts_ms = 1700000000123;
    e.message.committed_unix_us = 1700000000124567;
    const auto back = cluster::decode(cluster::encode(e));
    REQUIRE(back);
    CHECK(back->type == envelope::kind::message);
    CHECK(back->node == "a/1f2e");
    CHECK(back->message.channel == "general");
    CHECK(back->message.channel_id == 7);
    CHECK(back->message.id == 42);
    CHECK(back->message.user_id == 3);
    CHECK(back->message.from == "alice");
    CHECK(back->message.text == "héllo \"quoted\"\n");
    CHECK(back->message.ts_ms == 1700000000123);
    CHECK(back->message.committed_unix_us == 1700000000124567);
    CHECK_FALSE(back->message.direct);
  }
  SECTION("a DM names both users and the topic's user") {
    envelope e;
    e.type = envelope::kind::message;
    e.node = "b";
    e.message.channel = "dm:alice:bob";
    e.message.direct = true;
    e.message.dm_user_a = 1;
    e.message.dm_user_b = 2;
    e.user_id = 2;
    const auto back = cluster::decode(cluster::encode(e));
    REQUIRE(back);
    CHECK(back->message.direct);
    CHECK(back->message.dm_user_a == 1);
    CHECK(back->message.dm_user_b == 2);
    CHECK(back->user_id == 2);
  }
  SECTION("presence, snapshots, frames and revocations") {
    envelope p;
    p.type = envelope::kind::presence;
    p.node = "a";
    p.entry = {"general", 5, "eve"};
    p.present = true;
    auto back = cluster::decode(cluster::encode(p));
    REQUIRE(back);
    CHECK(back->entry == chat::presence_entry{"general", 5, "eve"});
    CHECK(back->present);

    envelope s;
    s.type = envelope::kind::hello;
    s.node = "a";
    s.entries = {{"x", 1, "u1"}, {"y", 2, "u2"}};
    back = cluster::decode(cluster::encode(s));
    REQUIRE(back);
    CHECK(back->type == envelope::kind::hello);
    CHECK(back->entries == s.entries);

    envelope f;
    f.type = envelope::kind::user_frame;
    f.node = "a";
    f.user_id = 9;
    f.frame = R"({"type":"invitation","channel":"x","from":"a"})";
    back = cluster::decode(cluster::encode(f));
    REQUIRE(back);
    CHECK(back->user_id == 9);
    CHECK(back->frame == f.frame);

    envelope r;
    r.type = envelope::kind::revoke;
    r.node = "a";
    r.jti = "abc";
    r.expires_at = 99;
    back = cluster::decode(cluster::encode(r));
    REQUIRE(back);
    CHECK(back->jti == "abc");
    CHECK(back->expires_at == 99);
  }
}

TEST_CASE("malformed cluster messages are refused, not half-read") {
  CHECK_FALSE(cluster::decode(""));
  CHECK_FALSE(cluster::decode("[1,2]"));
  CHECK_FALSE(cluster::decode(R"({"k":"nope","n":"a"})"));
  CHECK_FALSE(cluster::decode(R"({"k":"hb"})"));
  CHECK_FALSE(cluster::decode(R"({"k":"msg","n":"a","c":"x"})"));
  CHECK_FALSE(cluster::decode(R"({"k":"pres","n":"a","p":[["c",1]],"on":true})"));
  CHECK_FALSE(cluster::decode(R"({"k":"pres","n":"a","p":[["c",1,"u"]],"on":1})"));
  CHECK(cluster::decode(R"({"k":"hb","n":"a"})"));
}

TEST_CASE("topic names carry the database number and give back their channel") {
  const cluster::topics t0(0);
  const cluster::topics t3(3);
  CHECK(t0.channel("general") == "parley:0:ch:general");
  CHECK(t3.channel("general") == "parley:3:ch:general");
  CHECK(t0.user(12) == "parley:0:user:12");
  CHECK(t0.channel_of(t0.channel("a:b")) == "a:b");
  CHECK(t0.channel_of(t0.user(1)).empty());
  CHECK(t0.channel_of(t3.channel("general")).empty());
}

TEST_CASE("forget and matched envelopes survive encode and decode") {
  envelope f;
  f.type = envelope::kind::forget;
  f.node = "a/1";
  f.user_id = 7;
  f.channel = "club";
  auto back = decode(encode(f));
  REQUIRE(back);
  CHECK(back->type == envelope::kind::forget);
  CHECK(back->user_id == 7);
  CHECK(back->channel == "club");

  envelope m;
  m.type = envelope::kind::matched;
  m.node = "a/1";
  m.user_id = 9;
  m.channel = "match:00ff";
  m.channel_id = 42;
  m.peer = "zed";
  m.target = "b|2";
  m.seats = {{"b|2", 1, 77}, {"b|2", 0, 78}};
  back = decode(encode(m));
  REQUIRE(back);
  CHECK(back->type == envelope::kind::matched);
  CHECK(back->channel_id == 42);
  CHECK(back->peer == "zed");
  CHECK(back->target == "b|2");
  CHECK(back->seats == m.seats);
}

TEST_CASE("match seats and the pairing script's answers are read back exactly") {
  const parley::chat::match_seat seat{"node|with|bars", 3, 12345};
  CHECK(encode_seat(seat) == "node|with|bars|3|12345");
  CHECK(decode_seat(encode_seat(seat)) == seat);
  CHECK_FALSE(decode_seat("x|1"));
  CHECK_FALSE(decode_seat("x|a|1"));
  CHECK_FALSE(decode_seat("x|1|"));

  const auto waiting = decode_pairing("");
  REQUIRE(waiting);
  CHECK_FALSE(*waiting);
  const auto paired = decode_pairing("12|ann\na/1|0|5\nb/2|1|6");
  REQUIRE(paired);
  REQUIRE(*paired);
  CHECK((*paired)->user_id == 12);
  CHECK((*paired)->username == "ann");
  CHECK((*paired)->seats == std::vector<parley::chat::match_seat>{{"a/1", 0, 5}, {"b/2", 1, 6}});
  CHECK_FALSE(decode_pairing("12|ann"));  // a peer with no live seat is never returned
  CHECK_FALSE(decode_pairing("x|ann\na|0|1"));
  CHECK_FALSE(decode_pairing("12|ann\nbroken"));
}
