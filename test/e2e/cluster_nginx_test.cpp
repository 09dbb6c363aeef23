// deploy/nginx.conf, run by Debian's nginx in front of two instances, all on loopback.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <set>

#include "support/chat_cluster.hpp"
#include "support/files.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"

using namespace parley::test;
using boost::beast::http::verb;

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

/// The shipped config with the test's ports in place of 8080, 8081 and 8082.
std::string render_config(std::uint16_t front, std::uint16_t a, std::uint16_t b) {
  auto conf = read_file(source_path("deploy/nginx.conf"));
  REQUIRE(conf.find("127.0.0.1:8081") != std::string::npos);
  replace_all(conf, "127.0.0.1:8081", "127.0.0.1:" + std::to_string(a));
  replace_all(conf, "127.0.0.1:8082", "127.0.0.1:" + std::to_string(b));
  replace_all(conf, "listen 127.0.0.1:8080", "listen 127.0.0.1:" + std::to_string(front));
  return conf;
}

}  // namespace

TEST_CASE("cluster behind nginx with deploy/nginx.conf", "[cluster]") {
  chat_cluster c(2);
  const auto front = free_loopback_port();
  const auto prefix = c.dir.path() / "nginx";
  std::filesystem::create_directories(prefix / "logs");
  {
    std::ofstream out(prefix / "nginx.conf");
    out << render_config(front, c.port(0), c.port(1));
  }
  server_process nginx(
      prefix,
      {"-p", prefix.string() + "/", "-c", (prefix / "nginx.conf").string(), "-e", "stderr", "-g",
       "daemon off; error_log stderr notice; pid " + (prefix / "nginx.pid").string() + ";"},
      {}, PARLEY_NGINX_BINARY, "start worker process");

  CHECK(http_call(front, verb::get, "/healthz").json().at("status").as_string() == "ok");

  std::vector<std::unique_ptr<ws_client>> sessions;
  std::set<std::string> instances;
  for (const auto* name : {"alice", "bob", "carol", "dave"}) {
    sessions.push_back(std::make_unique<ws_client>(front, signup_and_login(front, name)));
    instances.insert(str(sessions.back()->hello(), "instance"));
    const auto joined = sessions.back()->request({{"type", "join"}, {"channel", "hall"}});
    REQUIRE(str(joined, "type") == "joined");
  }
  // least_conn spreads the WebSockets over both instances.
  CHECK(instances == std::set<std::string>{"a", "b"});

  const auto echo =
      sessions[0]->request({{"type", "send"}, {"channel", "hall"}, {"text", "through nginx"}});
  REQUIRE(str(echo, "type") == "message");
  for (std::size_t i = 1; i < sessions.size(); ++i) {
    const auto got = read_messages(*sessions[i], "hall", 1);
    CHECK(str(got[0], "text") == "through nginx");
    CHECK(got[0].at("id").as_int64() == echo.at("id").as_int64());
  }

  const auto history = http_call(front, verb::get, "/api/channels/hall/messages", {},
                                 {{"Authorization", "Bearer " + signup_and_login(front, "erin")}});
  CHECK(history.status == 200);
  CHECK(history.json().at("messages").as_array().size() == 1);
}
