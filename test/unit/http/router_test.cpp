#include <catch2/catch.hpp>

#include "parley/http/router.hpp"

using namespace parley::http;
using boost::beast::http::verb;
using outcome = routing::outcome;

TEST_CASE("known paths with the right method are found") {
  CHECK(route_request(verb::post, "/api/signup").route == route::signup);
  CHECK(route_request(verb::post, "/api/login").result == outcome::found);
  CHECK(route_request(verb::get, "/api/me").route == route::me);
  CHECK(route_request(verb::post, "/api/token").route == route::token);
  CHECK(route_request(verb::get, "/healthz").route == route::healthz);
  CHECK(route_request(verb::get, "/metrics").route == route::metrics);
  CHECK(route_request(verb::get, "/ws").route == route::websocket);
  const auto m = route_request(verb::get, "/api/channels/general/messages");
  CHECK(m.result == outcome::found);
  CHECK(m.route == route::channel_messages);
  CHECK(m.channel == "general");
  CHECK(route_request(verb::get, "/api/channels/dm%3Aalice%3Abob/messages").channel ==
        "dm:alice:bob");
}

TEST_CASE("a known path with the wrong method is 405 with Allow") {
  auto r = route_request(verb::get, "/api/signup");
  CHECK(r.result == outcome::method_not_allowed);
  CHECK(r.allow == "POST");
  r = route_request(verb::delete_, "/api/me");
  CHECK(r.result == outcome::method_not_allowed);
  CHECK(r.allow == "GET");
  CHECK(route_request(verb::post, "/api/channels/x/messages").result ==
        outcome::method_not_allowed);
}

TEST_CASE("unknown API paths are 404 whatever the method") {
  CHECK(route_request(verb::get, "/api/nope").result == outcome::not_found);
  CHECK(route_request(verb::delete_, "/api/nope").result == outcome::not_found);
  CHECK(route_request(verb::get, "/api").result == outcome::not_found);
  CHECK(route_request(verb::get, "/api/channels/a/b/messages").result == outcome::not_found);
  CHECK(route_request(verb::get, "/api/channels//messages").result == outcome::not_found);
  CHECK(route_request(verb::get, "/api/signup/extra").result == outcome::not_found);
}

TEST_CASE("everything else is for the static handler") {
  CHECK(route_request(verb::get, "/").route == route::static_file);
  CHECK(route_request(verb::get, "/app.js").route == route::static_file);
  CHECK(route_request(verb::post, "/index.html").route == route::static_file);
  CHECK(route_request(verb::get, "/apiary.html").route == route::static_file);
}
