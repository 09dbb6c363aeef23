#include <catch2/catch.hpp>

#include "parley/config/config.hpp"

using namespace parley::config;

TEST_CASE("no command: the server, with no backup request") {
  const auto r = load({"--db", "x.db"}, {}, std::nullopt);
  CHECK_FALSE(r.backup);
  CHECK(r.cfg.db_path == "x.db");
}

TEST_CASE("backup takes its file among the usual options") {
  const auto r =
      load({"--db", "live.db", "backup", "copy.db", "--log-level", "warn"}, {}, std::nullopt);
  REQUIRE(r.backup);
  CHECK(r.backup->target == "copy.db");
  CHECK_FALSE(r.backup->force);
  // The usual configuration still applies: the database to copy comes from it.
  CHECK(r.cfg.db_path == "live.db");
  CHECK(r.cfg.log_level == parley::log::level::warn);
  // The server's warning about an empty JWT secret means nothing to a backup.
  CHECK(r.warnings.empty());

  const auto forced = load({"backup", "--force", "copy.db"}, {{"PARLEY_DB", "env.db"}}, {});
  REQUIRE(forced.backup);
  CHECK(forced.backup->force);
  CHECK(forced.backup->target == "copy.db");
  CHECK(forced.cfg.db_path == "env.db");
}

TEST_CASE("bad use of the backup command is one clear message") {
  CHECK_THROWS_WITH(load({"backup"}, {}, std::nullopt),
                    Catch::Contains("backup needs the file to write"));
  CHECK_THROWS_WITH(load({"backup", "a.db", "b.db"}, {}, std::nullopt),
                    Catch::Contains("not also 'b.db'"));
  CHECK_THROWS_WITH(load({"restore", "a.db"}, {}, std::nullopt),
                    Catch::Contains("unknown command 'restore'"));
  CHECK_THROWS_WITH(load({"--force"}, {}, std::nullopt),
                    Catch::Contains("--force belongs to the backup command"));
  CHECK_THROWS_AS(load({"backup", "--db"}, {}, std::nullopt), config_error);
}

TEST_CASE("log format: text by default, json, nothing else") {
  CHECK(load({}, {}, std::nullopt).cfg.log_format == parley::log::format::text);
  CHECK(load({"--log-format", "json"}, {}, std::nullopt).cfg.log_format ==
        parley::log::format::json);
  CHECK(load({}, {{"PARLEY_LOG_FORMAT", "json"}}, std::nullopt).cfg.log_format ==
        parley::log::format::json);
  CHECK(load({"--log-format=text"}, {}, "PARLEY_LOG_FORMAT=json\n").cfg.log_format ==
        parley::log::format::text);
  CHECK_THROWS_WITH(load({"--log-format", "JSON"}, {}, std::nullopt),
                    Catch::Contains("expected text or json"));
  CHECK_THROWS_WITH(load({}, {{"PARLEY_LOG_FORMAT", "xml"}}, std::nullopt),
                    Catch::Contains("PARLEY_LOG_FORMAT"));
}

TEST_CASE("usage names the backup command") {
  const auto text = usage();
  CHECK(text.find("parley backup [options] [--force] FILE") != std::string::npos);
  CHECK(text.find("--log-format") != std::string::npos);
}
