// The WebSocket protocol, frame by frame, against the real server.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/chat_server.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"

using namespace parley::test;
namespace json = boost::json;

TEST_CASE("the upgrade needs a valid token, hello follows it") {
  chat_server s;
  const auto token = s.token("alice");
  CHECK(ws_upgrade_status(s.port(), "/ws") == 401);
  CHECK(ws_upgrade_status(s.port(), "/ws?token=bogus") == 401);
  CHECK(ws_upgrade_status(s.port(), "/ws?token=" + token) == 101);
  CHECK(ws_upgrade_status(s.port(), "/ws", "parley_token=" + token) == 101);
  // Without an upgrade, /ws is an ordinary bad request; other methods are 405.
  CHECK(http_call(s.port(), boost::beast::http::verb::get, "/ws").status == 400);
  CHECK(http_call(s.port(), boost::beast::http::verb::post, "/ws").status == 405);

  auto c = s.connect("alice");
  CHECK(str(c->hello(), "type") == "hello");
  CHECK(str(c->hello().at("user").as_object(), "username") == "alice");
  CHECK(c->hello().at("user").at("id").as_int64() >= 1);
  CHECK(c->hello().at("instance").is_string());
  CHECK(str(c->request({{"type", "ping"}}), "type") == "pong");
}

TEST_CASE("join, send with echo and ref, leave") {
  chat_server s;
  auto a = s.connect("alice");
  auto b = s.connect("bob");
  auto joined = a->request({{"type", "join"}, {"channel", "general"}});
  CHECK(str(joined, "type") == "joined");
  CHECK(str(joined, "channel") == "general");
  b->request({{"type", "join"}, {"channel", "general"}});
  CHECK(str(a->read_type("user_joined"), "user") == "bob");

  const auto echo = a->request({{"type", "send"}, {"channel", "general"}, {"text", "hello"}});
  CHECK(str(echo, "type") == "message");
  CHECK(str(echo, "channel") == "general");
  CHECK(str(echo, "from") == "alice");
  CHECK(str(echo, "text") == "hello");
  CHECK(echo.at("id").as_int64() == 1);
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  CHECK(std::abs(echo.at("ts").as_int64() - now_ms) < 10'000);
  const auto seen_by_b = b->read_type("message");
  CHECK(seen_by_b.at("id").as_int64() == 1);
  CHECK(seen_by_b.if_contains("ref") == nullptr);  // only the sender's copy carries the ref
  CHECK(str(seen_by_b, "text") == "hello");

  // Joining twice is harmless: a second joined, no duplicate delivery.
  CHECK(str(b->request({{"type", "join"}, {"channel", "general"}}), "type") == "joined");
  a->request({{"type", "send"}, {"channel", "general"}, {"text", "second"}});
  CHECK(b->read_type("message").at("id").as_int64() == 2);
  CHECK(b->request({{"type", "ping"}}).at("type").as_string() == "pong");  // nothing in between

  CHECK(str(a->request({{"type", "leave"}, {"channel", "general"}}), "type") == "left");
  CHECK(str(b->read_type("user_left"), "user") == "alice");
  check_error(a->request({{"type", "leave"}, {"channel", "general"}}), "not_joined");
  check_error(a->request({{"type", "send"}, {"channel", "general"}, {"text", "x"}}), "not_joined");
  check_error(a->request({{"type", "typing"}, {"channel", "general"}}), "not_joined");
}

TEST_CASE("malformed frames get errors and the connection stays open") {
  chat_server s;
  auto c = s.connect("alice");
  c->send_text("not json");
  check_error(c->read(), "bad_request");
  c->send_text("[1,2,3]");
  check_error(c->read(), "bad_request");
  c->send_text(R"({"ref":"x1"})");
  auto e = c->read();
  check_error(e, "bad_request");
  CHECK(str(e, "ref") == "x1");
  c->send_text(R"({"type":42})");
  check_error(c->read(), "bad_request");
  c->send_text(R"({"type":"dance","ref":"d"})");
  e = c->read();
  check_error(e, "unknown_type");
  CHECK(str(e, "ref") == "d");
  c->send_text(R"({"type":"ping","ref":7})");
  check_error(c->read(), "bad_request");
  c->send_text(R"({"type":"ping","ref":")" + std::string(65, 'r') + R"("})");
  check_error(c->read(), "bad_request");
  check_error(c->request({{"type", "join"}}), "bad_request");
  check_error(c->request({{"type", "join"}, {"channel", 5}}), "bad_request");
  check_error(c->request({{"type", "join"}, {"channel", "bad name"}}), "invalid_channel");
  check_error(c->request({{"type", "join"}, {"channel", std::string(65, 'c')}}), "invalid_channel");
  check_error(c->request({{"type", "create"}, {"channel", "a:b"}}), "invalid_channel");
  check_error(c->request({{"type", "join"}, {"channel", "x"}, {"since", "zero"}}), "bad_request");
  check_error(c->request({{"type", "create"}, {"channel", "x"}, {"private", "yes"}}),
              "bad_request");
  c->request({{"type", "join"}, {"channel", "room"}});
  check_error(c->request({{"type", "send"}, {"channel", "room"}, {"to", "bob"}, {"text", "x"}}),
              "bad_request");
  check_error(c->request({{"type", "send"}, {"text", "x"}}), "bad_request");
  check_error(c->request({{"type", "send"}, {"channel", "room"}, {"text", ""}}), "bad_request");
  check_error(c->request({{"type", "send"}, {"channel", "room"}, {"text", std::string(4001, 't')}}),
              "bad_request");
  // 4000 characters of 2 bytes each are within the limit.
  std::string long_text;
  for (int i = 0; i < 4000; ++i)
    long_text += "é";
  CHECK(str(c->request({{"type", "send"}, {"channel", "room"}, {"text", long_text}}), "type") ==
        "message");
  check_error(c->request({{"type", "history"}, {"channel", "room"}, {"limit", 0}}), "bad_request");
  check_error(c->request({{"type", "seen"}, {"channel", "room"}}), "bad_request");
  CHECK(str(c->request({{"type", "ping"}}), "type") == "pong");
}

TEST_CASE("binary frames close with 1003, oversized frames with 1009, bad UTF-8 with 1007") {
  chat_server s;
  auto a = s.connect("alice");
  a->send_binary("\x01\x02");
  CHECK(a->read_close() == 1003);
  auto b = s.connect("alice");
  b->send_text(R"({"type":"ping","pad":")" + std::string(64 * 1024, 'p') + R"("})");
  CHECK(b->read_close() == 1009);
  auto c = s.connect("alice");
  c->send_text("{\"type\":\"ping\",\"x\":\"\xff\xfe\"}");
  CHECK(c->read_close() == 1007);
  // The server is fine.
  auto d = s.connect("alice");
  CHECK(str(d->request({{"type", "ping"}}), "type") == "pong");
}

TEST_CASE("private channels: create, access, invite") {
  chat_server s;
  auto a = s.connect("alice");
  auto b = s.connect("bob");
  auto b2 = s.connect("bob");
  auto created = a->request({{"type", "create"}, {"channel", "secret"}, {"private", true}});
  CHECK(str(created, "type") == "created");
  CHECK(str(created, "channel") == "secret");
  CHECK(created.at("private").as_bool());
  check_error(b->request({{"type", "create"}, {"channel", "secret"}}), "channel_exists");
  check_error(b->request({{"type", "join"}, {"channel", "secret"}}), "forbidden");
  check_error(b->request({{"type", "send"}, {"channel", "secret"}, {"text", "hi"}}), "forbidden");
  check_error(b->request({{"type", "history"}, {"channel", "secret"}}), "forbidden");
  check_error(b->request({{"type", "presence"}, {"channel", "secret"}}), "forbidden");
  check_error(b->request({{"type", "invite"}, {"channel", "secret"}, {"user", "alice"}}),
              "forbidden");
  check_error(a->request({{"type", "invite"}, {"channel", "secret"}, {"user", "nobody"}}),
              "unknown_user");
  check_error(a->request({{"type", "invite"}, {"channel", "nothere"}, {"user", "bob"}}),
              "not_found");

  // The creator is joined already: sending works without a join.
  CHECK(str(a->request({{"type", "send"}, {"channel", "secret"}, {"text", "before"}}), "type") ==
        "message");
  const auto invited = a->request({{"type", "invite"}, {"channel", "secret"}, {"user", "BOB"}});
  CHECK(str(invited, "type") == "invited");
  CHECK(str(invited, "user") == "bob");
  for (auto* session : {b.get(), b2.get()}) {
    const auto inv = session->read_type("invitation");
    CHECK(str(inv, "channel") == "secret");
    CHECK(str(inv, "from") == "alice");
  }
  CHECK(str(b->request({{"type", "join"}, {"channel", "secret"}}), "type") == "joined");
  const auto hist = b->request({{"type", "history"}, {"channel", "secret"}});
  REQUIRE(hist.at("messages").as_array().size() == 1);
  CHECK(str(hist.at("messages").as_array()[0].as_object(), "text") == "before");

  // Channel lists: private shown to members only.
  const auto http_list = http_call(s.port(), boost::beast::http::verb::get, "/api/channels", {},
                                   {{"Authorization", "Bearer " + s.token("carol")}});
  CHECK(http_list.json().at("channels").as_array().empty());
}

TEST_CASE("direct messages reach every session of both users") {
  chat_server s;
  auto a1 = s.connect("alice");
  auto a2 = s.connect("alice");
  auto b1 = s.connect("Bob");
  auto b2 = s.connect("Bob");
  auto c = s.connect("carol");
  const auto echo = a1->request({{"type", "send"}, {"to", "BOB"}, {"text", "psst"}});
  CHECK(str(echo, "type") == "message");
  CHECK(str(echo, "channel") == "dm:alice:bob");
  CHECK(str(echo, "from") == "alice");
  for (auto* session : {a2.get(), b1.get(), b2.get()}) {
    const auto m = session->read_type("message");
    CHECK(str(m, "channel") == "dm:alice:bob");
    CHECK(str(m, "text") == "psst");
    CHECK(m.at("id").as_int64() == echo.at("id").as_int64());
  }
  // The reply goes the other way on the same channel.
  const auto back = b1->request({{"type", "send"}, {"to", "alice"}, {"text", "hi"}});
  CHECK(str(back, "channel") == "dm:alice:bob");
  CHECK(back.at("id").as_int64() == echo.at("id").as_int64() + 1);
  CHECK(str(a1->read_type("message"), "text") == "hi");
  // Nobody else gets it, and nobody else may use the channel.
  CHECK(str(c->request({{"type", "ping"}}), "type") == "pong");
  check_error(c->request({{"type", "join"}, {"channel", "dm:alice:bob"}}), "forbidden");
  check_error(c->request({{"type", "history"}, {"channel", "dm:alice:bob"}}), "forbidden");
  check_error(c->request({{"type", "send"}, {"channel", "dm:alice:bob"}, {"text", "x"}}),
              "forbidden");
  check_error(a1->request({{"type", "send"}, {"to", "nobody"}, {"text", "x"}}), "unknown_user");
  const auto hist = b2->request({{"type", "history"}, {"channel", "dm:alice:bob"}});
  CHECK(hist.at("messages").as_array().size() == 2);
  // A participant can join the DM channel and is then not sent duplicates.
  CHECK(str(b2->request({{"type", "join"}, {"channel", "dm:alice:bob"}}), "type") == "joined");
  a1->request({{"type", "send"}, {"to", "bob"}, {"text", "third"}});
  CHECK(str(b2->read_type("message"), "text") == "third");
  CHECK(str(b2->request({{"type", "ping"}}), "type") == "pong");
  // Server-made channels show up as private in lists, for participants only.
  const auto list = b1->request({{"type", "channels"}});
  REQUIRE(list.at("channels").as_array().size() == 1);
  CHECK(list.at("channels").as_array()[0].at("private").as_bool());
  CHECK(c->request({{"type", "channels"}}).at("channels").as_array().empty());
}

TEST_CASE("history over WebSocket pages like the HTTP endpoint") {
  chat_server s;
  auto a = s.connect("alice");
  a->request({{"type", "join"}, {"channel", "log"}});
  for (int i = 1; i <= 30; ++i) {
    a->request({{"type", "send"}, {"channel", "log"}, {"text", "m" + std::to_string(i)}});
  }
  auto outsider = s.connect("bob");  // public history needs no join
  auto h = outsider->request({{"type", "history"}, {"channel", "log"}, {"limit", 10}});
  CHECK(str(h, "type") == "history");
  CHECK(str(h, "channel") == "log");
  auto msgs = h.at("messages").as_array();
  REQUIRE(msgs.size() == 10);
  CHECK(msgs[0].at("id").as_int64() == 21);
  CHECK(msgs[9].at("id").as_int64() == 30);
  CHECK(h.at("has_more").as_bool());
  h = outsider->request({{"type", "history"}, {"channel", "log"}, {"before", 21}, {"limit", 100}});
  msgs = h.at("messages").as_array();
  REQUIRE(msgs.size() == 20);
  CHECK(msgs[0].at("id").as_int64() == 1);
  CHECK_FALSE(h.at("has_more").as_bool());
  check_error(outsider->request({{"type", "history"}, {"channel", "nowhere"}}), "not_found");
}

TEST_CASE("read markers, unread counts, typing and presence") {
  chat_server s;
  auto a = s.connect("alice");
  auto a2 = s.connect("alice");
  auto b = s.connect("bob");
  a->request({{"type", "join"}, {"channel", "team"}});
  b->request({{"type", "join"}, {"channel", "team"}});
  for (int i = 0; i < 5; ++i) {
    a->request({{"type", "send"}, {"channel", "team"}, {"text", "x"}});
  }
  auto list = b->request({{"type", "channels"}}).at("channels").as_array();
  REQUIRE(list.size() == 1);
  CHECK(list[0].at("unread").as_int64() == 5);
  CHECK(list[0].at("members").as_int64() == 2);
  CHECK(s.connect("carol")
            ->request({{"type", "channels"}})
            .at("channels")
            .as_array()[0]
            .at("unread") == 0);

  auto seen = b->request({{"type", "seen"}, {"channel", "team"}, {"id", 3}});
  CHECK(str(seen, "type") == "seen");
  CHECK(str(seen, "user") == "bob");
  CHECK(seen.at("id").as_int64() == 3);
  const auto other = a->read_type("seen");
  CHECK(str(other, "user") == "bob");
  CHECK(other.at("id").as_int64() == 3);
  CHECK(other.if_contains("ref") == nullptr);
  // Never backwards, never past the last message.
  CHECK(b->request({{"type", "seen"}, {"channel", "team"}, {"id", 1}}).at("id").as_int64() == 3);
  CHECK(b->request({{"type", "channels"}}).at("channels").as_array()[0].at("unread") == 2);
  CHECK(b->request({{"type", "seen"}, {"channel", "team"}, {"id", 99}}).at("id").as_int64() == 5);
  CHECK(b->request({{"type", "channels"}}).at("channels").as_array()[0].at("unread") == 0);

  b->send({{"type", "typing"}, {"channel", "team"}});
  const auto typing = a->read_type("typing");
  CHECK(str(typing, "user") == "bob");
  CHECK(str(typing, "channel") == "team");

  auto p = b->request({{"type", "presence"}, {"channel", "team"}});
  CHECK(p.at("users") == json::parse(R"(["alice","bob"])"));
  // alice's second session joining does not announce her again; her first leaving does not
  // make her leave; her last does.
  a2->request({{"type", "join"}, {"channel", "team"}});
  a->request({{"type", "leave"}, {"channel", "team"}});
  CHECK(b->request({{"type", "presence"}, {"channel", "team"}}).at("users") ==
        json::parse(R"(["alice","bob"])"));
  a2->close();
  const auto left = b->read_type("user_left");
  CHECK(str(left, "user") == "alice");
  CHECK(b->request({{"type", "presence"}, {"channel", "team"}}).at("users") ==
        json::parse(R"(["bob"])"));
}
