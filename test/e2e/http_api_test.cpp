// Every HTTP row of the contract against the real server binary over real sockets.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <regex>

#include "parley/store/sqlite_database.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

using namespace parley::test;
using boost::beast::http::verb;
namespace json = boost::json;

namespace {

/// A server on a fresh temp dir with a static dir holding a few files.
struct fixture {
  temp_dir dir;
  std::unique_ptr<server_process> server;

  fixture() {
    const auto args = default_server_args(dir.path());
    std::ofstream(dir / "static/index.html") << "<!doctype html><title>t</title>";
    std::ofstream(dir / "static/app.js") << "console.log(1)";
    std::ofstream(dir / "static/style.css") << "body{}";
    std::ofstream(dir / "static/data.bin") << "xyz";
    std::ofstream(dir / "secret.txt") << "do not serve";
    server = std::make_unique<server_process>(dir.path(), args);
  }
  std::uint16_t port() const { return server->port(); }
  http_reply post(const std::string& target, const std::string& body,
                  const std::map<std::string, std::string>& headers = {}) const {
    return http_call(port(), verb::post, target, body, headers);
  }
  http_reply get(const std::string& target,
                 const std::map<std::string, std::string>& headers = {}) const {
    return http_call(port(), verb::get, target, {}, headers);
  }
};

std::string creds(const std::string& user, const std::string& pass) {
  return json::serialize(json::object{{"username", user}, {"password", pass}});
}

}  // namespace

TEST_CASE("signup: 201 with the user, then every error row") {
  fixture f;
  auto r = f.post("/api/signup", creds("alice", "correct horse"));
  REQUIRE(r.status == 201);
  const auto user = r.json().at("user");
  CHECK(user.at("id").as_int64() >= 1);
  CHECK(user.at("username").as_string() == "alice");

  check_error(f.post("/api/signup", creds("ALICE", "another password")), 409, "username_taken");
  check_error(f.post("/api/signup", "not json"), 400, "bad_request");
  check_error(f.post("/api/signup", "[1,2]"), 400, "bad_request");
  check_error(f.post("/api/signup", R"({"username":"bob"})"), 400, "bad_request");
  check_error(f.post("/api/signup", R"({"username":"bob","password":12345678})"), 400,
              "bad_request");
  check_error(f.post("/api/signup", creds("bo", "correct horse")), 400, "invalid_username");
  check_error(f.post("/api/signup", creds("bad name", "correct horse")), 400, "invalid_username");
  check_error(f.post("/api/signup", creds(std::string(33, 'a'), "correct horse")), 400,
              "invalid_username");
  check_error(f.post("/api/signup", creds("bobby", "short")), 400, "invalid_password");
  check_error(f.post("/api/signup", creds("bobby", std::string(129, 'p'))), 400,
              "invalid_password");
  // 8 code points in 16 bytes is a valid password.
  CHECK(f.post("/api/signup", creds("bobby", "éééééééé")).status == 201);
}

TEST_CASE("login: token, cookie and claims, one answer for every bad credential") {
  fixture f;
  REQUIRE(f.post("/api/signup", creds("Carol", "correct horse")).status == 201);
  const auto before = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto r = f.post("/api/login", creds("carol", "correct horse"));
  REQUIRE(r.status == 200);
  const auto body = r.json().as_object();
  const std::string token(body.at("token").as_string());
  CHECK(std::count(token.begin(), token.end(), '.') == 2);
  const auto expires_at = body.at("expires_at").as_int64();
  CHECK(expires_at >= before + 86400);
  CHECK(expires_at <= before + 86400 + 5);
  CHECK(body.at("user").at("username").as_string() == "Carol");
  CHECK(r.header("set-cookie") == "parley_token=" + token + "; Path=/; HttpOnly; SameSite=Lax");

  const auto second = f.post("/api/login", creds("CAROL", "correct horse")).json();
  CHECK(second.at("token").as_string() != token);  // new jti each login

  const auto wrong = f.post("/api/login", creds("carol", "wrong password"));
  const auto unknown = f.post("/api/login", creds("nobody", "wrong password"));
  check_error(wrong, 401, "invalid_credentials");
  check_error(unknown, 401, "invalid_credentials");
  CHECK(wrong.body == unknown.body);
  check_error(f.post("/api/login", "{}"), 400, "bad_request");
  check_error(f.post("/api/login", "garbage"), 400, "bad_request");
}

TEST_CASE("me: bearer or cookie, never the query string, logout revokes") {
  fixture f;
  const auto token = signup_and_login(f.port(), "dave");
  auto r = f.get("/api/me", bearer(token));
  REQUIRE(r.status == 200);
  CHECK(r.json().at("user").at("username").as_string() == "dave");
  CHECK(r.json().at("user").at("id").as_int64() >= 1);
  CHECK(f.get("/api/me", {{"Cookie", "theme=dark; parley_token=" + token}}).status == 200);
  check_error(f.get("/api/me?token=" + token), 401, "unauthorized");
  check_error(f.get("/api/me"), 401, "unauthorized");
  check_error(f.get("/api/me", bearer("not.a.token")), 401, "unauthorized");
  check_error(f.get("/api/me", bearer(token + "x")), 401, "unauthorized");

  const auto other = signup_and_login(f.port(), "dave");  // a second session of the same user
  r = f.post("/api/logout", "", bearer(token));
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  const auto cookie = r.header("set-cookie");
  CHECK(cookie.starts_with("parley_token=;"));
  CHECK(cookie.find("Max-Age=0") != std::string::npos);
  check_error(f.get("/api/me", bearer(token)), 401, "unauthorized");
  CHECK(f.get("/api/me", bearer(other)).status == 200);  // only the token used is revoked
  // Logout without a token still answers 204.
  CHECK(f.post("/api/logout", "").status == 204);
}

TEST_CASE("token renewal: a new token and cookie for a valid one, which stays valid") {
  fixture f;
  REQUIRE(f.post("/api/signup", creds("erin", "correct horse")).status == 201);
  const auto login = f.post("/api/login", creds("erin", "correct horse")).json();
  const std::string old_token(login.at("token").as_string());
  const auto old_exp = login.at("expires_at").as_int64();

  auto r = f.post("/api/token", "", bearer(old_token));
  REQUIRE(r.status == 200);
  const auto body = r.json();
  const std::string renewed(body.at("token").as_string());
  CHECK(renewed != old_token);  // a new jti
  CHECK(body.at("expires_at").as_int64() >= old_exp);
  CHECK(body.at("user").at("username").as_string() == "erin");
  CHECK(r.header("set-cookie") == "parley_token=" + renewed + "; Path=/; HttpOnly; SameSite=Lax");
  CHECK(f.get("/api/me", bearer(renewed)).json().at("user").at("username").as_string() == "erin");
  CHECK(f.get("/api/me", bearer(old_token)).status == 200);  // valid until its own exp

  // The cookie works too; the query string does not, nor a revoked or missing token.
  CHECK(f.post("/api/token", "", {{"Cookie", "parley_token=" + renewed}}).status == 200);
  check_error(f.post("/api/token?token=" + renewed, ""), 401, "unauthorized");
  check_error(f.post("/api/token", ""), 401, "unauthorized");
  REQUIRE(f.post("/api/logout", "", bearer(old_token)).status == 204);
  check_error(f.post("/api/token", "", bearer(old_token)), 401, "unauthorized");
  CHECK(f.get("/api/token").status == 405);
}

TEST_CASE("a revoked token stays revoked, and users stay, across a restart") {
  temp_dir dir;
  const auto args = default_server_args(dir.path());
  std::string revoked;
  std::string kept;
  {
    server_process s(dir.path(), args);
    revoked = signup_and_login(s.port(), "erin");
    kept = signup_and_login(s.port(), "erin");
    REQUIRE(http_call(s.port(), verb::post, "/api/logout", "", bearer(revoked)).status == 204);
    REQUIRE(s.terminate() == 0);
  }
  server_process s(dir.path(), args);
  CHECK(http_call(s.port(), verb::get, "/api/me", {}, bearer(revoked)).status == 401);
  CHECK(http_call(s.port(), verb::get, "/api/me", {}, bearer(kept)).status == 200);
  CHECK(http_call(s.port(), verb::post, "/api/login", creds("erin", "correct horse")).status ==
        200);
  CHECK(http_call(s.port(), verb::post, "/api/signup", creds("Erin", "correct horse")).status ==
        409);
}

TEST_CASE("channels and history over HTTP") {
  fixture f;
  const auto token = signup_and_login(f.port(), "frank");
  const auto other = signup_and_login(f.port(), "grace");
  auto r = f.get("/api/channels", bearer(token));
  REQUIRE(r.status == 200);
  CHECK(r.json().at("channels").as_array().empty());
  check_error(f.get("/api/channels"), 401, "unauthorized");

  // Seed the real database file directly (WAL lets the server keep running).
  {
    parley::store::sqlite_database db((f.dir / "parley.db").string());
    db.exec(
        "INSERT INTO channels(id, name, kind, created_by, created_at, last_message_id) VALUES "
        "(1, 'general', 'public', 1, 0, 120), (2, 'secret', 'private', 2, 0, 0);"
        "INSERT INTO memberships(channel_id, user_id, joined_at) VALUES (1, 1, 0), (2, 2, 0);");
    db.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120) "
        "INSERT INTO messages(channel_id, id, user_id, sender, text, ts) "
        "SELECT 1, i, 1, 'frank', 'msg ' || i, 1700000000000 + i FROM n");
  }
  r = f.get("/api/channels", bearer(token));
  REQUIRE(r.status == 200);
  auto list = r.json().at("channels").as_array();
  REQUIRE(list.size() == 1);
  CHECK(list[0].at("name").as_string() == "general");
  CHECK(list[0].at("private").as_bool() == false);
  CHECK(list[0].at("members").as_int64() == 1);
  list = f.get("/api/channels", bearer(other)).json().at("channels").as_array();
  REQUIRE(list.size() == 2);
  CHECK(list[1].at("name").as_string() == "secret");
  CHECK(list[1].at("private").as_bool() == true);

  r = f.get("/api/channels/general/messages", bearer(token));
  REQUIRE(r.status == 200);
  auto page = r.json().as_object();
  auto msgs = page.at("messages").as_array();
  REQUIRE(msgs.size() == 50);
  CHECK(msgs.front().at("id").as_int64() == 71);  // newest 50, oldest first
  CHECK(msgs.back().at("id").as_int64() == 120);
  CHECK(msgs.back().at("type").as_string() == "message");
  CHECK(msgs.back().at("channel").as_string() == "general");
  CHECK(msgs.back().at("from").as_string() == "frank");
  CHECK(msgs.back().at("text").as_string() == "msg 120");
  CHECK(msgs.back().at("ts").as_int64() == 1700000000120);
  CHECK(page.at("has_more").as_bool());

  page =
      f.get("/api/channels/general/messages?before=71&limit=100", bearer(token)).json().as_object();
  msgs = page.at("messages").as_array();
  REQUIRE(msgs.size() == 70);
  CHECK(msgs.front().at("id").as_int64() == 1);
  CHECK(msgs.back().at("id").as_int64() == 70);
  CHECK_FALSE(page.at("has_more").as_bool());
  page = f.get("/api/channels/general/messages?before=3&limit=1", bearer(token)).json().as_object();
  REQUIRE(page.at("messages").as_array().size() == 1);
  CHECK(page.at("messages").as_array()[0].at("id").as_int64() == 2);
  CHECK(page.at("has_more").as_bool());

  // A public channel's history needs no membership.
  CHECK(f.get("/api/channels/general/messages", bearer(other)).status == 200);
  check_error(f.get("/api/channels/secret/messages", bearer(token)), 403, "forbidden");
  CHECK(f.get("/api/channels/secret/messages", bearer(other)).status == 200);
  check_error(f.get("/api/channels/nope/messages", bearer(token)), 404, "not_found");
  check_error(f.get("/api/channels/general/messages"), 401, "unauthorized");
  for (const char* q : {"limit=0", "limit=101", "limit=abc", "limit=-1", "before=x", "before=1.5",
                        "limit=10&before="}) {
    INFO(q);
    check_error(f.get(std::string("/api/channels/general/messages?") + q, bearer(token)), 400,
                "bad_request");
  }
}

TEST_CASE("routing errors: 404 before 405 before 401") {
  fixture f;
  check_error(f.get("/api/nope"), 404, "not_found");
  check_error(http_call(f.port(), verb::delete_, "/api/nope"), 404, "not_found");
  auto r = f.get("/api/signup");
  check_error(r, 405, "method_not_allowed");
  CHECK(r.header("allow") == "POST");
  r = f.post("/api/me", "");
  check_error(r, 405, "method_not_allowed");
  CHECK(r.header("allow") == "GET");
  r = f.post("/api/channels/general/messages", "");  // 405 even without a token
  check_error(r, 405, "method_not_allowed");
  r = f.post("/healthz", "");
  check_error(r, 405, "method_not_allowed");
  r = f.post("/index.html", "");
  check_error(r, 405, "method_not_allowed");
  CHECK(r.header("allow") == "GET, HEAD");
}

TEST_CASE("health and metrics") {
  fixture f;
  auto r = f.get("/healthz");
  CHECK(r.status == 200);
  CHECK(r.json() == json::parse(R"({"status":"ok"})"));
  signup_and_login(f.port(), "henry");
  f.get("/api/nope");
  r = f.get("/metrics");
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type").starts_with("text/plain"));
  for (const char* name :
       {"parley_connections ", "parley_ws_sessions ", "parley_channels ", "parley_messages_total ",
        "parley_deliveries_total ", "parley_slow_consumer_closes_total ",
        "parley_rate_limited_total ", "process_resident_memory_bytes "}) {
    INFO(name);
    CHECK(r.body.find(std::string("\n") + name) != std::string::npos);
  }
  CHECK(r.body.find(R"(parley_http_requests_total{route="/api/signup",status="201"} 1)") !=
        std::string::npos);
  CHECK(r.body.find(R"(parley_http_requests_total{route="/api/login",status="200"} 1)") !=
        std::string::npos);
  CHECK(r.body.find(R"(parley_http_requests_total{route="unmatched",status="404"} 1)") !=
        std::string::npos);
  CHECK(r.body.find("parley_redis_connected") == std::string::npos);  // standalone
  std::smatch m;
  REQUIRE(std::regex_search(r.body, m, std::regex(R"(\nprocess_resident_memory_bytes (\d+))")));
  CHECK(std::stoull(m[1].str()) > 1'000'000);
  // This connection is open while /metrics renders.
  REQUIRE(std::regex_search(r.body, m, std::regex(R"(\nparley_connections (\d+))")));
  CHECK(std::stoll(m[1].str()) >= 1);
}

TEST_CASE("static files: types, index, HEAD and no escape") {
  fixture f;
  auto r = f.get("/");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "text/html; charset=utf-8");
  CHECK(r.body == "<!doctype html><title>t</title>");
  r = f.get("/app.js");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "text/javascript");
  CHECK(f.get("/style.css").header("content-type") == "text/css");
  CHECK(f.get("/data.bin").header("content-type") == "application/octet-stream");
  r = http_call(f.port(), verb::head, "/app.js");
  CHECK(r.status == 200);
  CHECK(r.header("content-length") == "14");
  CHECK(r.body.empty());
  check_error(f.get("/missing.html"), 404, "not_found");
  // Raw targets: an HTTP client library would normalise these away.
  for (const char* target : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                             "/static/../../secret.txt", "/..%2fsecret.txt"}) {
    INFO(target);
    const auto raw =
        raw_exchange(f.port(), std::string("GET ") + target +
                                   " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(raw.starts_with("HTTP/1.1 404"));
    CHECK(raw.find("do not serve") == std::string::npos);
  }
}

TEST_CASE("oversized bodies get 413 and malformed HTTP gets 400 and a close") {
  fixture f;
  const std::string big(64 * 1024 + 1, 'x');
  check_error(f.post("/api/signup", big), 413, "too_large");
  // Exactly 64 KiB is allowed (and then rejected as bad JSON, not as too large).
  check_error(f.post("/api/signup", std::string(64 * 1024, ' ')), 400, "bad_request");

  auto raw = raw_exchange(f.port(), "THIS IS NOT HTTP\r\n\r\n");
  CHECK(raw.starts_with("HTTP/1.1 400"));
  CHECK(raw.find("bad_request") != std::string::npos);
  raw = raw_exchange(f.port(), "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n");
  CHECK(raw.starts_with("HTTP/1.1 400"));
  // raw_exchange returns only once the server has closed the connection.
  raw = raw_exchange(f.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n");
  CHECK(raw.starts_with("HTTP/1.1 200"));
  CHECK(raw.find("HTTP/1.1 400") != std::string::npos);
  // The server is still healthy.
  CHECK(f.get("/healthz").status == 200);
}

TEST_CASE("keep-alive serves several requests on one connection") {
  fixture f;
  const auto raw = raw_exchange(f.port(),
                                "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                "GET /api/me HTTP/1.1\r\nHost: x\r\n\r\n"
                                "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::size_t count = 0;
  for (auto pos = raw.find("HTTP/1.1 "); pos != std::string::npos;
       pos = raw.find("HTTP/1.1 ", pos + 1)) {
    ++count;
  }
  CHECK(count == 3);
  CHECK(raw.find("HTTP/1.1 401") != std::string::npos);
}

TEST_CASE("SIGTERM stops the server with exit code 0") {
  fixture f;
  signup_and_login(f.port(), "ivan");
  CHECK(f.server->terminate() == 0);
  CHECK(f.server->log().find("stopped") != std::string::npos);
}

TEST_CASE("/metrics names the version parley --version prints and the instance") {
  temp_dir dir;
  const auto printed = run_to_exit(dir.path(), {"--version"});
  REQUIRE(printed.exit_code == 0);
  // "parley 0.1.0", then "+g<revision>" when built from a clone.
  std::smatch m;
  const std::regex shape("parley (" PARLEY_VERSION_TEXT R"((?:\+g[0-9a-f]{7,40}(?:\.dirty)?)?)\n)");
  REQUIRE(std::regex_match(printed.output, m, shape));
  const std::string version = m[1];
  auto args = default_server_args(dir.path());
  args.insert(args.end(), {"--instance-id", "eu-1.b"});
  server_process server(dir.path(), args);
  const auto r = http_call(server.port(), verb::get, "/metrics");
  REQUIRE(r.status == 200);
  CHECK(r.body.find("# TYPE parley_build_info gauge\n") != std::string::npos);
  CHECK(r.body.find(R"(parley_build_info{version=")" + version + R"(",instance="eu-1.b"} 1)") !=
        std::string::npos);
}
