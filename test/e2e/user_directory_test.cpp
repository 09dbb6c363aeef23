// GET /api/users: prefix search, case-insensitive order, online across instances.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/chat_cluster.hpp"
#include "support/chat_server.hpp"
#include "support/eventually.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"

using namespace parley::test;
namespace json = boost::json;
using boost::beast::http::verb;

namespace {

/// "name:online" for each user of the answer, in order.
std::vector<std::string> listing(std::uint16_t port, const std::string& token,
                                 const std::string& query) {
  const auto r = http_call(port, verb::get, "/api/users" + query, "", bearer(token));
  REQUIRE(r.status == 200);
  std::vector<std::string> out;
  const auto body = r.json();
  for (const auto& u : body.at("users").as_array()) {
    const auto& o = u.as_object();
    CHECK(o.at("id").as_int64() > 0);
    out.push_back(std::string(o.at("username").as_string()) +
                  (o.at("online").as_bool() ? ":on" : ":off"));
  }
  return out;
}

}  // namespace

TEST_CASE("users: a literal prefix in any case, sorted regardless of case, online marked") {
  chat_server s;
  for (const auto* name : {"bob", "Alpha2", "alpha1", "ALPHA_3", "alp.x", "beta"}) {
    s.token(name);
  }
  const auto token = s.token("zed");
  auto online = s.connect("alpha1");

  CHECK(listing(s.port(), token, "?q=ALP") ==
        std::vector<std::string>{"alp.x:off", "alpha1:on", "Alpha2:off", "ALPHA_3:off"});
  CHECK(listing(s.port(), token, "?q=alpha&limit=2") ==
        std::vector<std::string>{"alpha1:on", "Alpha2:off"});
  CHECK(listing(s.port(), token, "?q=alp.") == std::vector<std::string>{"alp.x:off"});
  CHECK(listing(s.port(), token, "?q=alp%25").empty());  // literal: % is no wildcard
  CHECK(listing(s.port(), token, "?q=nobody").empty());
  CHECK(listing(s.port(), token, "").size() == 7);
  CHECK(listing(s.port(), token, "?limit=3") ==
        std::vector<std::string>{"alp.x:off", "alpha1:on", "Alpha2:off"});
  CHECK(listing(s.port(), token, "?online=true") == std::vector<std::string>{"alpha1:on"});
  CHECK(listing(s.port(), token, "?online=true&q=b").empty());
  CHECK(listing(s.port(), token, "?online=false&q=alpha1") ==
        std::vector<std::string>{"alpha1:on"});

  online->close();
  CHECK(eventually([&] { return listing(s.port(), token, "?online=true").empty(); }, 5s));

  for (const auto* bad : {"?limit=0", "?limit=101", "?limit=x", "?online=yes", "?online="}) {
    INFO(bad);
    const auto r =
        http_call(s.port(), verb::get, std::string("/api/users") + bad, "", bearer(token));
    CHECK(r.status == 400);
    CHECK(r.json().at("error").at("code").as_string() == "bad_request");
  }
  CHECK(http_call(s.port(), verb::get, "/api/users").status == 401);
  CHECK(http_call(s.port(), verb::post, "/api/users").status == 405);
}

TEST_CASE("cluster: users online on another instance are online everywhere", "[cluster]") {
  chat_cluster c(2);
  const auto token = c.token("viewer");
  c.token("remote1");
  auto there = c.connect("remote1", 1);
  CHECK(eventually(
      [&] {
        return listing(c.port(0), token, "?q=remote") == std::vector<std::string>{"remote1:on"};
      },
      5s));
  CHECK(listing(c.port(0), token, "?online=true&q=re") == std::vector<std::string>{"remote1:on"});
  there->close();
  CHECK(eventually(
      [&] {
        return listing(c.port(0), token, "?q=remote") == std::vector<std::string>{"remote1:off"};
      },
      5s));
}
