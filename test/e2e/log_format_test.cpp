// PARLEY_LOG_FORMAT: the real server's log, on stderr and in the log file, line by line.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>

#include "support/files.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

std::string text(const boost::json::value& v) {
  return std::string(v.as_string());
}

/// Parses every line as a log object and checks its shape; returns them in order.
std::vector<boost::json::object> parse_log(const std::string& log, const std::string& instance) {
  static const std::regex iso_millis(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error"};
  std::vector<boost::json::object> out;
  for (const auto& line : lines_of(log)) {
    INFO(line);
    boost::system::error_code ec;
    auto value = boost::json::parse(line, ec);
    REQUIRE_FALSE(ec);
    REQUIRE(value.is_object());
    const auto& o = value.as_object();
    CHECK(o.size() == 5);
    CHECK(std::regex_match(text(o.at("time")), iso_millis));
    CHECK(levels.count(text(o.at("level"))) == 1);
    CHECK_FALSE(text(o.at("component")).empty());
    CHECK(o.at("message").is_string());
    CHECK(text(o.at("fields").at("instance")) == instance);
    out.push_back(o);
  }
  return out;
}

}  // namespace

TEST_CASE("json log format: every line a JSON object, the listening line with the bound port") {
  temp_dir dir;
  auto args = default_server_args(dir.path());
  args.insert(args.end(),
              {"--instance-id", "json-node", "--log-file", (dir / "parley.log").string()});
  // The environment key, as a deployment would set it; the ready pattern still finds the port
  // inside the JSON message.
  server_process s(dir.path(), args, {{"PARLEY_LOG_FORMAT", "json"}});
  REQUIRE(s.port() != 0);
  CHECK(http_call(s.port(), boost::beast::http::verb::get, "/healthz").status == 200);
  REQUIRE(s.terminate() == 0);

  const auto logged = parse_log(s.log(), "json-node");
  const auto find = [&](const std::string& start) -> const boost::json::object* {
    for (const auto& o : logged) {
      if (text(o.at("message")).starts_with(start)) {
        return &o;
      }
    }
    return nullptr;
  };
  const auto* listening = find("listening on ");
  REQUIRE(listening != nullptr);
  CHECK(text(listening->at("component")) == "server");
  CHECK(text(listening->at("level")) == "info");
  const auto& fields = listening->at("fields").as_object();
  CHECK(fields.at("port").as_int64() == s.port());
  CHECK(text(fields.at("address")) == "127.0.0.1");
  CHECK(text(listening->at("message"))
            .starts_with("listening on 127.0.0.1:" + std::to_string(s.port()) + " ("));
  const auto* stopping = find("signal ");
  REQUIRE(stopping != nullptr);
  CHECK(stopping->at("fields").at("signal").as_int64() == SIGTERM);
  REQUIRE(find("stopped") != nullptr);

  // The file holds the same lines, in the same format.
  const auto in_file = parse_log(read_file(dir / "parley.log"), "json-node");
  CHECK(in_file == logged);
}

TEST_CASE("text log format: today's lines with the fields appended") {
  temp_dir dir;
  auto args = default_server_args(dir.path());
  args.insert(args.end(), {"--log-format", "text", "--instance-id", "text-node"});
  server_process s(dir.path(), args);
  const auto log = s.log();
  const std::regex listening(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info server: listening on )"
      R"(127\.0\.0\.1:(\d+) \(instance text-node, .*\) address=127\.0\.0\.1 )"
      R"(port=(\d+) threads=\d+)");
  std::smatch m;
  REQUIRE(std::regex_search(log, m, listening));
  CHECK(m[1] == std::to_string(s.port()));
  CHECK(m[2] == std::to_string(s.port()));
  CHECK(log.find("{\"time\"") == std::string::npos);
}

TEST_CASE("an unknown log format stops the start with exit 2") {
  temp_dir dir;
  const auto r = run_to_exit(dir.path(), {"--log-format", "yaml"});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("option --log-format: bad value 'yaml': expected text or json") !=
        std::string::npos);
  const auto env =
      run_to_exit(dir.path(), default_server_args(dir.path()), {{"PARLEY_LOG_FORMAT", ""}});
  CHECK(env.exit_code == 2);
  CHECK(env.output.find("PARLEY_LOG_FORMAT") != std::string::npos);
}
