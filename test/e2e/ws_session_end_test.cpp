// Sessions end with their token: logout (on any instance) and expiry close them with 4001.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/chat_cluster.hpp"
#include "support/chat_server.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"

using namespace parley::test;
using boost::beast::http::verb;

TEST_CASE("logout closes every session opened with that token with 4001, not the others") {
  chat_server s;
  const auto token = s.token("alice");
  auto first = s.connect("alice");
  auto second = s.connect("alice");
  const auto other_token = signup_and_login(s.port(), "bob");
  ws_client bob(s.port(), other_token);
  // alice again, with a token of her own second login: not the one being revoked.
  const auto login = http_call(s.port(), verb::post, "/api/login",
                               R"({"username":"alice","password":"correct horse"})");
  ws_client alice_elsewhere(s.port(), std::string(login.json().at("token").as_string()));

  const auto before = std::chrono::steady_clock::now();
  REQUIRE(http_call(s.port(), verb::post, "/api/logout", "", bearer(token)).status == 204);
  CHECK(first->read_close(2s) == 4001);
  CHECK(first->close_reason() == "logged out");
  CHECK(second->read_close(2s) == 4001);
  CHECK(std::chrono::steady_clock::now() - before < 2s);
  CHECK(str(alice_elsewhere.request({{"type", "ping"}}), "type") == "pong");
  CHECK(str(bob.request({{"type", "ping"}}), "type") == "pong");
  CHECK(ws_upgrade_status(s.port(), "/ws?token=" + token) == 401);
}

TEST_CASE("a session is closed with 4001 when its token expires") {
  chat_server s({"--token-ttl", "2"});
  const auto token = signup_and_login(s.port(), "carol");
  const auto opened = std::chrono::steady_clock::now();
  ws_client c(s.port(), token);
  CHECK(str(c.request({{"type", "ping"}}), "type") == "pong");
  CHECK(c.read_close(6s) == 4001);
  CHECK(c.close_reason() == "token expired");
  const auto lived = std::chrono::steady_clock::now() - opened;
  CHECK(lived >= 1s);  // the token's exp is 2 s after login, in whole seconds
  CHECK(lived < 4s);
}

TEST_CASE("cluster: logout on one instance closes the token's sessions on the other with 4001",
          "[cluster]") {
  chat_cluster c(2);
  const auto token = c.token("dave");
  auto on_b = c.connect("dave", 1);
  auto on_a = c.connect("dave", 0);
  const auto before = std::chrono::steady_clock::now();
  REQUIRE(http_call(c.port(0), verb::post, "/api/logout", "", bearer(token)).status == 204);
  CHECK(on_b->read_close(2s) == 4001);
  CHECK(on_b->close_reason() == "logged out");
  CHECK(on_a->read_close(2s) == 4001);
  CHECK(std::chrono::steady_clock::now() - before < 2s);
}
