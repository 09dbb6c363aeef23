// The PostgreSQL store: a real server (Debian's postgresql, started by the test) behind parley.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/eventually.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"
#include "support/postgres_server.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

using namespace parley::test;
namespace json = boost::json;
using boost::beast::http::verb;

namespace {

std::vector<std::string> postgres_server_args(const temp_dir& dir, const std::string& url) {
  auto args = default_server_args(dir.path());
  const auto db = std::find(args.begin(), args.end(), "--db");
  *(db + 1) = url;
  return args;
}

}  // namespace

TEST_CASE("postgres: a server on PostgreSQL stores, numbers and serves history", "[postgres]") {
  temp_dir dir;
  postgres_server pg(dir.path());
  const auto url = pg.create_database("chat");
  server_process server(dir.path(), postgres_server_args(dir, url));
  CHECK(server.log().find("schema 2") != std::string::npos);
  CHECK(server.log().find(url) != std::string::npos);

  ws_client alice(server.port(), signup_and_login(server.port(), "alice"));
  REQUIRE(str(alice.request({{"type", "join"}, {"channel", "general"}}), "type") == "joined");
  for (int i = 1; i <= 3; ++i) {
    const auto echo = alice.request(
        {{"type", "send"}, {"channel", "general"}, {"text", "m" + std::to_string(i) + '\0'}});
    REQUIRE(str(echo, "type") == "message");
    CHECK(echo.at("id").as_int64() == i);
  }
  const auto history = http_call(server.port(), verb::get, "/api/channels/general/messages", {},
                                 bearer(signup_and_login(server.port(), "bob")));
  REQUIRE(history.status == 200);
  const auto body = history.json();
  const auto& messages = body.at("messages").as_array();
  REQUIRE(messages.size() == 3);
  CHECK(messages[2].at("text").as_string() == std::string("m3") + '\0');
  CHECK(pg.query("SELECT last_message_id FROM channels WHERE name = 'general'", "chat") == "3\n");
}
