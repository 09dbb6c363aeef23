// PARLEY_MAX_CONNECTIONS: a connection beyond it gets 503 unavailable, open ones are unaffected.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/chat_server.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"

using namespace parley::test;

TEST_CASE("beyond PARLEY_MAX_CONNECTIONS a new connection gets 503, open ones go on") {
  chat_server s({"--max-connections", "2"});
  // The server counts a connection until it has seen the client close it, so the sign-up and
  // login connections may still hold slots for a moment: retry until they are released (sign-up
  // tolerates an existing user, so a retry is harmless).
  std::unique_ptr<ws_client> first;
  std::unique_ptr<ws_client> second;
  const auto open = [&](std::unique_ptr<ws_client>& into, const char* name) {
    return eventually(
        [&] {
          try {
            into = s.connect(name);
            return true;
          } catch (const std::exception&) {
            return false;
          }
        },
        5s);
  };
  REQUIRE(open(first, "alice"));
  REQUIRE(open(second, "bob"));
  const auto refused = http_call(s.port(), boost::beast::http::verb::get, "/healthz");
  CHECK(refused.status == 503);
  CHECK(refused.json().at("error").at("code").as_string() == "unavailable");
  CHECK(first->request({{"type", "ping"}}).at("type").as_string() == "pong");
  CHECK(second->request({{"type", "ping"}}).at("type").as_string() == "pong");
  second->close();
  CHECK(eventually(
      [&] { return http_call(s.port(), boost::beast::http::verb::get, "/healthz").status == 200; },
      5s));
}
