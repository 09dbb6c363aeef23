#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "parley/config/config.hpp"
#include "parley/config/dotenv.hpp"
#include "parley/config/parse.hpp"
#include "parley/config/redis_url.hpp"

using namespace parley::config;
using env_map = std::map<std::string, std::string>;

TEST_CASE("defaults match the contract's table") {
  const auto r = load({}, {}, std::nullopt);
  CHECK(r.cfg.listen_host == "127.0.0.1");
  CHECK(r.cfg.listen_port == 8080);
  CHECK(r.cfg.db_path == "parley.db");
  CHECK(r.cfg.redis.empty());
  CHECK(r.cfg.token_ttl_s == 86400);
  CHECK(r.cfg.static_dir.empty());  // the built-in web client
  CHECK(r.cfg.threads >= 1);
  CHECK(r.cfg.log_level == parley::log::level::info);
  CHECK(r.cfg.rate_limit == 100);
  CHECK(r.cfg.rate_burst == 200);
  CHECK(r.cfg.max_queue_bytes == 1048576);
  CHECK(r.cfg.idle_timeout_s == 60);
  CHECK(r.cfg.max_connections == 0);
  CHECK(r.cfg.instance_id.size() == 8);
  // An empty secret becomes a random one, with a warning.
  CHECK(r.cfg.jwt_secret.size() == 32);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("PARLEY_JWT_SECRET") != std::string::npos);
}

TEST_CASE("later sources win: defaults, .env, environment, flags") {
  const std::string dotenv = "PARLEY_DB=from-dotenv.db\nPARLEY_THREADS=3\nPARLEY_RATE_LIMIT=7\n";
  const env_map env{{"PARLEY_THREADS", "5"}, {"PARLEY_RATE_LIMIT", "9"}, {"HOME", "/root"}};
  const auto r = load({"--rate-limit", "11"}, env, dotenv);
  CHECK(r.cfg.db_path == "from-dotenv.db");  // only .env sets it
  CHECK(r.cfg.threads == 5);                 // environment beats .env
  CHECK(r.cfg.rate_limit == 11);             // flag beats environment
  CHECK(r.cfg.listen_port == 8080);          // untouched default
}

TEST_CASE("flags take --key value and --key=value") {
  const auto r = load({"--listen=[::1]:9000", "--log-level", "debug", "--instance-id=node-1"}, {},
                      std::nullopt);
  CHECK(r.cfg.listen_host == "::1");
  CHECK(r.cfg.listen_port == 9000);
  CHECK(r.cfg.log_level == parley::log::level::debug);
  CHECK(r.cfg.instance_id == "node-1");
}

TEST_CASE("the --help flag is reported, not an error") {
  CHECK(load({"--help"}, {}, std::nullopt).help);
  const auto text = usage();
  for (const auto& o : options()) {
    CHECK(text.find(o.flag) != std::string::npos);
    CHECK(text.find(o.env_key) != std::string::npos);
  }
}

TEST_CASE("bad values stop the start with one clear message") {
  const auto fails_with = [](std::vector<std::string> args, const env_map& env,
                             std::optional<std::string> dotenv, const std::string& needle) {
    try {
      load(args, env, dotenv);
      FAIL("expected config_error containing " << needle);
    } catch (const config_error& e) {
      const std::string what = e.what();
      CHECK(what.find(needle) != std::string::npos);
      CHECK(what.find('\n') == std::string::npos);
    }
  };
  fails_with({"--listen", "127.0.0.1:70000"}, {}, {}, "--listen");
  fails_with({"--listen", "localhost"}, {}, {}, "--listen");
  fails_with({"--threads", "abc"}, {}, {}, "--threads");
  fails_with({"--threads", "0"}, {}, {}, "--threads");
  fails_with({"--log-level", "loud"}, {}, {}, "--log-level");
  fails_with({"--frobnicate", "1"}, {}, {}, "unknown option '--frobnicate'");
  fails_with({"--db"}, {}, {}, "needs a value");
  fails_with({}, {{"PARLEY_TOKEN_TTL", "-5"}}, {}, "PARLEY_TOKEN_TTL");
  fails_with({}, {{"PARLEY_REDIS_URL", "http://x:1"}}, {}, "PARLEY_REDIS_URL");
  fails_with({}, {}, "PARLEY_RATE_BURST=many\n", "PARLEY_RATE_BURST");
  fails_with({}, {}, "PARLEY_TYPO=1\n", "unknown key PARLEY_TYPO");
  fails_with({"--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"}, {}, {},
             "cannot read");
  fails_with({"--tls-cert", "/nonexistent/cert.pem"}, {}, {}, "both");
}

TEST_CASE("unknown PARLEY_ variables in the environment are warned about, not fatal") {
  const auto r = load({"--jwt-secret", "s"}, {{"PARLEY_NOPE", "1"}}, std::nullopt);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("PARLEY_NOPE") != std::string::npos);
}

TEST_CASE(".env parsing") {
  const auto kv = parse_dotenv(
      "# comment\n\nPARLEY_A=1\nexport PARLEY_B = two words \nPARLEY_C=\"quoted # not comment\"\n"
      "PARLEY_D='single'\nPARLEY_E=value # trailing comment\nPARLEY_F=\r\n");
  REQUIRE(kv.size() == 6);
  CHECK(kv[0] == std::pair<std::string, std::string>{"PARLEY_A", "1"});
  CHECK(kv[1] == std::pair<std::string, std::string>{"PARLEY_B", "two words"});
  CHECK(kv[2].second == "quoted # not comment");
  CHECK(kv[3].second == "single");
  CHECK(kv[4].second == "value");
  CHECK(kv[5].second.empty());
  CHECK_THROWS_WITH(parse_dotenv("A=1\nnot a pair\n"), Catch::Contains("line 2"));
  CHECK_THROWS_WITH(parse_dotenv("A=\"open\n"), Catch::Contains("quote"));
}

TEST_CASE("Redis URLs") {
  auto u = parse_redis_url("redis://127.0.0.1:6380");
  REQUIRE(u);
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == 6380);
  CHECK(u->password.empty());
  CHECK(u->db == 0);
  u = parse_redis_url("redis://:s3cret@cache:6379/2");
  REQUIRE(u);
  CHECK(u->host == "cache");
  CHECK(u->password == "s3cret");
  CHECK(u->db == 2);
  u = parse_redis_url("redis://localhost");
  REQUIRE(u);
  CHECK(u->port == 6379);
  CHECK_FALSE(parse_redis_url("redis://"));
  CHECK_FALSE(parse_redis_url("rediss://h:1"));
  CHECK_FALSE(parse_redis_url("redis://h:99999"));
  CHECK_FALSE(parse_redis_url("redis://h:1/x"));
  CHECK_FALSE(parse_redis_url("redis://nopassword@h:1"));
  // Found by fuzz_url: a bracketed host without a port was taken whole as a host name.
  CHECK_FALSE(parse_redis_url("redis://user:pw@[7]9"));
  CHECK_FALSE(parse_redis_url("redis://[h]"));
  CHECK_FALSE(parse_redis_url("redis://h]"));
  u = parse_redis_url("redis://[::1]:6379");
  REQUIRE(u);
  CHECK(u->host == "::1");
}

TEST_CASE("Redis URL lists: comma-separated, in order, each server once") {
  auto urls = parse_redis_urls("redis://a:1, redis://:pw@b:2/3 ,redis://a:3");
  REQUIRE(urls);
  REQUIRE(urls->size() == 3);
  CHECK((*urls)[0].host == "a");
  CHECK((*urls)[1].host == "b");
  CHECK((*urls)[1].password == "pw");
  CHECK((*urls)[1].db == 3);
  CHECK((*urls)[2].port == 3);
  urls = parse_redis_urls("redis://only:6379");
  REQUIRE(urls);
  CHECK(urls->size() == 1);
  CHECK_FALSE(parse_redis_urls("redis://a:1,"));
  CHECK_FALSE(parse_redis_urls("redis://a:1,,redis://b:1"));
  CHECK_FALSE(parse_redis_urls("redis://a:1,redis://a:1/2"));
  CHECK_FALSE(parse_redis_urls("redis://a:1,http://b:1"));
}

TEST_CASE("host:port parsing") {
  auto hp = parse_host_port("0.0.0.0:0");
  REQUIRE(hp);
  CHECK(hp->port == 0);
  hp = parse_host_port("[::1]:8080");
  REQUIRE(hp);
  CHECK(hp->host == "::1");
  CHECK_FALSE(parse_host_port("::1:8080"));
  CHECK_FALSE(parse_host_port(":8080"));
  CHECK_FALSE(parse_host_port("host:"));
  CHECK_FALSE(parse_host_port("host:8x"));
}

TEST_CASE(".env.example documents every key") {
  std::ifstream in(PARLEY_SOURCE_DIR "/.env.example");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  // It must also parse as a valid .env with no unknown keys.
  const auto kv = parse_dotenv(text.str());
  for (const auto& o : options()) {
    INFO(o.env_key);
    CHECK(text.str().find(std::string(o.env_key) + "=") != std::string::npos);
  }
  CHECK_NOTHROW(load({}, {}, text.str()));
}

TEST_CASE("sign-in limit and trusted proxies: defaults, values, bad values") {
  const auto defaults = load({}, {}, std::nullopt).cfg;
  CHECK(defaults.auth_rate == 30);
  CHECK(defaults.trusted_proxies.empty());
  const auto set =
      load({"--auth-rate", "0", "--trusted-proxies", "::ffff:10.0.0.2, 2001:DB8::1,127.0.0.1"}, {},
           std::nullopt)
          .cfg;
  CHECK(set.auth_rate == 0);
  // Mapped IPv4 is kept in IPv4 form, the form connections are compared in.
  CHECK(set.trusted_proxies == std::vector{boost::asio::ip::make_address("10.0.0.2"),
                                           boost::asio::ip::make_address("2001:db8::1"),
                                           boost::asio::ip::make_address("127.0.0.1")});
  CHECK_THROWS_WITH(load({"--trusted-proxies", "10.0.0.2,proxy.example"}, {}, std::nullopt),
                    Catch::Contains("IP addresses"));
  CHECK_THROWS_WITH(load({"--auth-rate", "-1"}, {}, std::nullopt), Catch::Contains("--auth-rate"));
}
