// The PostgreSQL store: a real server (Debian's postgresql, started by the test) behind parley.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/eventually.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"
#include "support/postgres_server.hpp"
#include "support/temp_dir.hpp"
#include "support/uploads.hpp"
#include "support/ws_client.hpp"

#include <algorithm>
#include <thread>

using namespace parley::test;
namespace json = boost::json;
using boost::beast::http::verb;

namespace {

/// default_server_args with the database at `url`.
std::vector<std::string> postgres_server_args(const std::filesystem::path& dir,
                                              const std::string& url) {
  auto args = default_server_args(dir);
  const auto db = std::find(args.begin(), args.end(), "--db");
  *(db + 1) = url;
  return args;
}

}  // namespace

TEST_CASE("postgres: a server on PostgreSQL stores, numbers and serves history", "[postgres]") {
  temp_dir dir;
  postgres_server pg(dir.path());
  const auto url = pg.create_database("chat");
  server_process server(dir.path(), postgres_server_args(dir.path(), url));
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

TEST_CASE("postgres: instances starting together migrate once", "[postgres]") {
  temp_dir dir;
  postgres_server pg(dir.path());
  const auto url = pg.create_database("fresh");
  std::vector<std::unique_ptr<server_process>> servers(3);
  std::vector<std::string> failures(3);
  {
    std::vector<std::thread> starting;
    for (std::size_t i = 0; i < servers.size(); ++i) {
      starting.emplace_back([&, i] {
        const auto work = dir / ("s" + std::to_string(i));
        std::filesystem::create_directories(work);
        try {
          servers[i] = std::make_unique<server_process>(work, postgres_server_args(work, url));
        } catch (const std::exception& e) {
          failures[i] = e.what();
        }
      });
    }
    for (auto& t : starting) {
      t.join();
    }
  }
  for (std::size_t i = 0; i < servers.size(); ++i) {
    INFO(failures[i]);
    REQUIRE(servers[i]);
    CHECK(servers[i]->log().find("schema 2") != std::string::npos);
  }
  CHECK(pg.query("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations",
                 "fresh") == "1,2\n");
}

TEST_CASE("postgres: an unreachable database stops the server at start with one line",
          "[postgres]") {
  temp_dir dir;
  const auto r = run_to_exit(
      dir.path(),
      postgres_server_args(dir.path(), "postgres://parley:s3cret@127.0.0.1:" +
                                           std::to_string(free_loopback_port()) + "/none"));
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("cannot connect to PostgreSQL") != std::string::npos);
  CHECK(r.output.find("s3cret") == std::string::npos);
  CHECK(r.output.find("listening") == std::string::npos);
}

TEST_CASE("postgres: the password is not logged", "[postgres]") {
  temp_dir dir;
  postgres_server pg(dir.path());
  pg.query("ALTER USER parley PASSWORD 'hunter2'");
  pg.create_database("chat");
  server_process server(dir.path(),
                        postgres_server_args(dir.path(), "postgres://parley:hunter2@127.0.0.1:" +
                                                             std::to_string(pg.port()) + "/chat"));
  CHECK(server.log().find("postgres://parley:***@127.0.0.1") != std::string::npos);
  CHECK(server.log().find("hunter2") == std::string::npos);
}

TEST_CASE("postgres: a burst is stored in multi-row batches, every text under its own id",
          "[postgres]") {
  temp_dir dir;
  postgres_server pg(dir.path());
  auto args = postgres_server_args(dir.path(), pg.create_database("chat"));
  args.insert(args.end(), {"--rate-limit", "0"});
  server_process server(dir.path(), args);
  ws_client alice(server.port(), signup_and_login(server.port(), "alice"));
  REQUIRE(str(alice.request({{"type", "join"}, {"channel", "burst"}}), "type") == "joined");
  constexpr int count = 300;
  for (int i = 0; i < count; ++i) {
    alice.send({{"type", "send"}, {"channel", "burst"}, {"text", "t" + std::to_string(i)}});
  }
  const auto echoes = read_messages(alice, "burst", count);
  for (int i = 0; i < count; ++i) {
    CHECK(echoes[static_cast<std::size_t>(i)].at("id").as_int64() == i + 1);
    CHECK(str(echoes[static_cast<std::size_t>(i)], "text") == "t" + std::to_string(i));
  }
  CHECK(pg.query("SELECT count(*) FROM messages WHERE convert_from(text, 'UTF8') = 't' || (id - 1)",
                 "chat") == std::to_string(count) + "\n");
  // Fewer commits than messages: the burst went in batches.
  CHECK(metric(server.port(), "parley_store_commit_seconds_count") < count);
}

TEST_CASE("postgres: an upload is stored, attached, served to a reader and listed in history",
          "[postgres]") {
  temp_dir dir;
  postgres_server pg(dir.path());
  server_process server(dir.path(), postgres_server_args(dir.path(), pg.create_database("chat")));
  const auto alice_token = signup_and_login(server.port(), "alice");
  const auto bob_token = signup_and_login(server.port(), "bob");
  const std::string text = "h\xc3\xa9llo, world\n";
  const auto u = upload_ok(server.port(), alice_token, "note.txt", "text/plain", text);
  ws_client alice(server.port(), alice_token);
  REQUIRE(str(alice.request({{"type", "join"}, {"channel", "files"}}), "type") == "joined");
  const auto echo = alice.request(
      {{"type", "send"}, {"channel", "files"}, {"attachments", json::array{u.at("id")}}});
  REQUIRE(str(echo, "type") == "message");
  REQUIRE(echo.at("attachments").as_array().size() == 1);
  const auto got = fetch(server.port(), bob_token, std::string(u.at("url").as_string()));
  CHECK(got.status == 200);
  CHECK(got.body == text);
  const auto history =
      http_call(server.port(), verb::get, "/api/channels/files/messages", {}, bearer(bob_token));
  REQUIRE(history.status == 200);
  const auto body = history.json();
  CHECK(body.at("messages").at(0).at("attachments") == echo.at("attachments"));
  CHECK(pg.query("SELECT count(*) FROM message_attachments", "chat") == "1\n");
}
