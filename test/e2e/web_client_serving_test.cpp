// The built-in web client as the server serves it, and the origin rule for cookie auth.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/chat_server.hpp"
#include "support/http_client.hpp"

using namespace parley::test;
using boost::beast::http::verb;

TEST_CASE("the built-in web client is served with its ETag, CSP and nosniff") {
  chat_server s({"--static-dir", ""});
  const auto page = http_call(s.port(), verb::get, "/");
  REQUIRE(page.status == 200);
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  CHECK(page.body.find("<html") != std::string::npos);
  CHECK(page.header("content-security-policy").find("script-src 'self'") != std::string::npos);
  CHECK(page.header("content-security-policy").find("frame-ancestors 'none'") != std::string::npos);
  CHECK(page.header("x-content-type-options") == "nosniff");
  CHECK(page.header("cache-control") == "no-cache");
  const auto etag = page.header("etag");
  REQUIRE_FALSE(etag.empty());
  const auto again = http_call(s.port(), verb::get, "/index.html", "", {{"If-None-Match", etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(http_call(s.port(), verb::get, "/no-such-file.js").status == 404);
  CHECK(http_call(s.port(), verb::get, "/../parley.db").status == 404);
  // Every response says nosniff, the API's and the metrics' too.
  CHECK(http_call(s.port(), verb::get, "/metrics").header("x-content-type-options") == "nosniff");
  CHECK(http_call(s.port(), verb::get, "/api/me").header("x-content-type-options") == "nosniff");
}

TEST_CASE("cookie authentication from a foreign origin gets 403, header and query tokens do not") {
  chat_server s({"--allowed-origins", "https://app.example.com"});
  const auto token = s.token("alice");
  const auto cookie = "parley_token=" + token;
  const auto self = "http://127.0.0.1:" + std::to_string(s.port());
  CHECK(ws_upgrade_status(s.port(), "/ws", cookie, "http://evil.example") == 403);
  CHECK(ws_upgrade_status(s.port(), "/ws", cookie, "null") == 403);
  CHECK(ws_upgrade_status(s.port(), "/ws", cookie, self) == 101);
  CHECK(ws_upgrade_status(s.port(), "/ws", cookie, "https://app.example.com") == 101);
  CHECK(ws_upgrade_status(s.port(), "/ws", cookie) == 101);  // no Origin: not a browser
  CHECK(ws_upgrade_status(s.port(), "/ws?token=" + token, "", "http://evil.example") == 101);

  const std::map<std::string, std::string> foreign{{"Cookie", cookie},
                                                   {"Origin", "http://evil.example"}};
  auto r = http_call(s.port(), verb::post, "/api/token", "", foreign);
  CHECK(r.status == 403);
  CHECK(r.json().at("error").at("code").as_string() == "forbidden");
  r = http_call(
      s.port(), verb::post, "/api/uploads?name=a.txt", "hello",
      {{"Cookie", cookie}, {"Origin", "http://evil.example"}, {"Content-Type", "text/plain"}});
  CHECK(r.status == 403);
  CHECK(http_call(s.port(), verb::post, "/api/logout", "", foreign).status == 403);
  CHECK(http_call(s.port(), verb::get, "/api/me", "", bearer(token)).status == 200);  // not revoked
  auto with_header = bearer(token);
  with_header["Origin"] = "http://evil.example";
  CHECK(http_call(s.port(), verb::post, "/api/token", "", with_header).status == 200);
  CHECK(http_call(s.port(), verb::post, "/api/logout", "", {{"Cookie", cookie}, {"Origin", self}})
            .status == 204);
  CHECK(http_call(s.port(), verb::get, "/api/me", "", bearer(token)).status == 401);
}
