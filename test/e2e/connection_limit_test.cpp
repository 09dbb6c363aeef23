// PARLEY_MAX_CONNECTIONS: a connection beyond it gets 503 unavailable, open ones are unaffected.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/chat_server.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"

using namespace parley::test;

TEST_CASE("beyond PARLEY_MAX_CONNECTIONS a new connection gets 503, open ones go on") {
  chat_server s({"--max-connections", "2"});
  auto first = s.connect("alice");
  auto second = s.connect("bob");
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
