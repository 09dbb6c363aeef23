// PARLEY_AUTH_RATE and PARLEY_TRUSTED_PROXIES (contract: configuration, "sign-in limits"):
// sign-up and login attempts per client address, and who that client is behind a proxy.
#include <catch2/catch.hpp>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

using namespace parley::test;
using boost::beast::http::verb;

namespace {

std::unique_ptr<server_process> start(const temp_dir& dir, std::vector<std::string> extra) {
  auto args = default_server_args(dir.path());
  args.insert(args.end(), extra.begin(), extra.end());  // later flags win
  return std::make_unique<server_process>(dir.path(), args);
}

/// A login attempt (wrong password: failures count too), from `forwarded_for` if not empty.
http_reply login(std::uint16_t port, const std::string& forwarded_for = {}) {
  std::map<std::string, std::string> headers;
  if (!forwarded_for.empty()) {
    headers["X-Forwarded-For"] = forwarded_for;
  }
  return http_call(port, verb::post, "/api/login",
                   R"({"username":"nobody","password":"wrong password"})", headers);
}

void check_limited(const http_reply& r) {
  REQUIRE(r.status == 429);
  CHECK(r.json().at("error").at("code").as_string() == "rate_limited");
  const auto wait = std::stoi(r.header("retry-after"));
  CHECK(wait >= 1);
  CHECK(wait <= 60);
}

}  // namespace

TEST_CASE("sign-in limit: attempts beyond PARLEY_AUTH_RATE per minute get 429 with Retry-After") {
  temp_dir dir;
  auto server = start(dir, {"--auth-rate", "4"});
  const auto port = server->port();
  const auto body = std::string(R"({"username":"carol","password":"correct horse"})");
  CHECK(http_call(port, verb::post, "/api/signup", body).status == 201);
  CHECK(login(port).status == 401);
  CHECK(login(port).status == 401);
  CHECK(http_call(port, verb::post, "/api/login", body).status == 200);  // successes count too
  check_limited(login(port));
  check_limited(http_call(port, verb::post, "/api/login", body));  // even the right password
  check_limited(http_call(port, verb::post, "/api/signup",
                          R"({"username":"dave","password":"correct horse"})"));
  // Only sign-up and login are limited; the server answers everything else.
  CHECK(http_call(port, verb::get, "/healthz").status == 200);
  CHECK(http_call(port, verb::get, "/api/channels").status == 401);
}

TEST_CASE("sign-in limit: X-Forwarded-For names the client only for a trusted proxy") {
  temp_dir dir;
  SECTION("from a trusted proxy, each forwarded client has its own count") {
    auto server = start(dir, {"--auth-rate", "2", "--trusted-proxies", "10.9.9.9, 127.0.0.1"});
    const auto port = server->port();
    CHECK(login(port, "198.51.100.1").status == 401);
    CHECK(login(port, "203.0.113.5, 198.51.100.1").status == 401);  // the last entry counts
    check_limited(login(port, "198.51.100.1"));
    CHECK(login(port, "198.51.100.2").status == 401);
    CHECK(login(port, "198.51.100.1, 198.51.100.2").status == 401);
    check_limited(login(port, "198.51.100.2"));
    CHECK(login(port).status == 401);  // the proxy itself, without the header
  }
  SECTION("from anyone else, the header is ignored") {
    auto server = start(dir, {"--auth-rate", "2"});
    const auto port = server->port();
    CHECK(login(port, "198.51.100.1").status == 401);
    CHECK(login(port, "198.51.100.2").status == 401);
    check_limited(login(port, "198.51.100.3"));
  }
  SECTION("0 is unlimited") {
    auto server = start(dir, {"--auth-rate", "0"});
    for (int i = 0; i < 40; ++i) {
      REQUIRE(login(server->port()).status == 401);
    }
  }
}
