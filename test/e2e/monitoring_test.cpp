// Monitoring as operators run it: Debian's Prometheus scrapes a real parley with the alerting
// rules of deploy/ loaded, and every query of the Grafana dashboard and of those rules names
// series parley exports and is valid PromQL.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support/chat_server.hpp"
#include "support/eventually.hpp"
#include "support/files.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"
#include "support/redis_server.hpp"
#include "support/server_process.hpp"

using namespace parley::test;
namespace json = boost::json;
using boost::beast::http::verb;

namespace {

/// Every sample and family name in a Prometheus text exposition (a labelled family with no
/// series yet, such as errors before the first one, shows in its TYPE line).
std::set<std::string> exported_names(const std::string& exposition) {
  std::set<std::string> names;
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("# TYPE ")) {
      names.insert(line.substr(7, line.find(' ', 7) - 7));
    } else if (!line.empty() && line[0] != '#') {
      names.insert(line.substr(0, line.find_first_of("{ ")));
    }
  }
  return names;
}

/// The dashboard's panel queries, with Grafana's variables given values Prometheus accepts.
std::vector<std::string> dashboard_queries() {
  const auto dashboard =
      json::parse(read_file(source_path("deploy/grafana/parley-dashboard.json")));
  std::vector<std::string> out;
  for (const auto& panel : dashboard.at("panels").as_array()) {
    if (!panel.as_object().contains("targets")) {
      continue;
    }
    for (const auto& target : panel.at("targets").as_array()) {
      std::string expr(target.at("expr").as_string());
      expr = std::regex_replace(expr, std::regex(R"(\$instance)"), ".*");
      expr = std::regex_replace(expr, std::regex(R"(\$__rate_interval)"), "15s");
      out.push_back(expr);
    }
  }
  return out;
}

const std::string alert_rules = source_path("deploy/prometheus/parley-alerts.yml").string();

/// The `expr:` of every rule in the alerting rules file (each written on one line).
std::vector<std::string> alert_queries() {
  std::ifstream in(alert_rules);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (const auto at = line.find("expr: "); at != std::string::npos) {
      out.push_back(line.substr(at + 6));
    }
  }
  return out;
}

/// The metric names a query reads (parley's and the process's own).
std::vector<std::string> names_in(const std::string& expr) {
  static const std::regex name(R"(\b(?:parley|process)_[a-z_]+\b)");
  std::vector<std::string> out;
  for (std::sregex_iterator it(expr.begin(), expr.end(), name), end; it != end; ++it) {
    out.push_back(it->str());
  }
  return out;
}

std::string url_encoded(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

struct prometheus_server {
  std::unique_ptr<server_process> process;
  std::uint16_t port = 0;
};

/// A real Prometheus scraping 127.0.0.1:`target` every second, its data in `dir`.
prometheus_server start_prometheus(const std::filesystem::path& dir, std::uint16_t target) {
  {
    std::ofstream config(dir / "prometheus.yml");
    config << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
           << "rule_files: ['" << alert_rules << "']\n"
           << "scrape_configs:\n  - job_name: parley\n    static_configs:\n"
           << "      - targets: ['127.0.0.1:" << target << "']\n";
  }
  prometheus_server prometheus;
  prometheus.port = start_on_free_port([&](std::uint16_t port) {
    prometheus.process = std::make_unique<server_process>(
        dir,
        std::vector<std::string>{"--config.file=" + (dir / "prometheus.yml").string(),
                                 "--storage.tsdb.path=" + (dir / "tsdb").string(),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port)},
        std::map<std::string, std::string>{}, PARLEY_PROMETHEUS_BINARY,
        R"(msg="Server is ready to receive web requests.")");
  });
  return prometheus;
}

/// The `data.result` of a Prometheus instant query; fails the test on an API error.
json::array query(std::uint16_t port, const std::string& promql) {
  const auto r = http_call(port, verb::get, "/api/v1/query?query=" + url_encoded(promql));
  INFO(promql << " -> " << r.status << ' ' << r.body);
  REQUIRE(r.status == 200);
  const auto answer = r.json();
  REQUIRE(answer.at("status") == "success");
  return answer.at("data").at("result").as_array();
}

}  // namespace

TEST_CASE("every query of the Grafana dashboard names a metric parley exports") {
  temp_dir redis_dir;
  redis_server redis(redis_dir.path());
  chat_server s({"--redis-url", "redis://127.0.0.1:" + std::to_string(redis.port())});
  auto alice = s.connect("alice");
  alice->request({{"type", "join"}, {"channel", "ops"}});
  alice->request({{"type", "send"}, {"channel", "ops"}, {"text", "hello"}});
  const auto exported = exported_names(http_call(s.port(), verb::get, "/metrics").body);
  const auto queries = dashboard_queries();
  REQUIRE(queries.size() >= 20);
  std::size_t names = 0;
  for (const auto& expr : queries) {
    const auto read = names_in(expr);
    CHECK_FALSE(read.empty());
    for (const auto& name : read) {
      INFO(expr);
      CHECK(exported.contains(name));
      ++names;
    }
  }
  CHECK(names >= queries.size());
}

TEST_CASE("the alerting rules pass promtool and read only metrics parley exports") {
  const auto promtool = std::filesystem::path(PARLEY_PROMETHEUS_BINARY).parent_path() / "promtool";
  temp_dir work;
  const auto checked = run_to_exit(work.path(), {"check", "rules", alert_rules}, {},
                                   std::chrono::seconds(30), promtool.string());
  INFO(checked.output);
  CHECK(checked.exit_code == 0);
  const auto queries = alert_queries();
  CHECK(checked.output.find("SUCCESS: " + std::to_string(queries.size()) + " rules found") !=
        std::string::npos);
  REQUIRE(queries.size() >= 10);

  temp_dir redis_dir;
  redis_server redis(redis_dir.path());
  chat_server s({"--redis-url", "redis://127.0.0.1:" + std::to_string(redis.port())});
  const auto exported = exported_names(http_call(s.port(), verb::get, "/metrics").body);
  for (const auto& expr : queries) {
    INFO(expr);
    const auto read = names_in(expr);
    CHECK((!read.empty() || expr.starts_with("up{")));
    for (const auto& name : read) {
      INFO(name);
      CHECK(exported.contains(name));
    }
  }
}

TEST_CASE("Debian's Prometheus scrapes parley and answers the dashboard's queries") {
  chat_server s;
  auto alice = s.connect("alice");
  alice->request({{"type", "join"}, {"channel", "ops"}});
  alice->request({{"type", "send"}, {"channel", "ops"}, {"text", "hello"}});
  alice->request({{"type", "join"}, {"channel", "not a name"}});  // an error, for its series
  const auto version_line = run_to_exit(s.dir.path(), {"--version"}).output;
  const auto version = version_line.substr(7, version_line.size() - 8);  // "parley X\n"

  temp_dir prometheus_dir;
  const auto prometheus = start_prometheus(prometheus_dir.path(), s.port());
  const auto port = prometheus.port;
  // The first scrapes: the target is up and the stored message is in the series.
  REQUIRE(eventually(
      [&] {
        const auto up = query(port, R"(up{job="parley"})");
        return up.size() == 1 && up[0].at("value").at(1) == "1";
      },
      std::chrono::seconds(20)));
  const auto info = query(port, "parley_build_info");
  REQUIRE(info.size() == 1);
  CHECK(info[0].at("metric").at("version").as_string() == version);
  CHECK(info[0].at("metric").at("job").as_string() == "parley");
  REQUIRE(eventually([&] { return query(port, "parley_messages_total").size() == 1; },
                     std::chrono::seconds(10)));
  CHECK(query(port, "parley_messages_total")[0].at("value").at(1) == "1");
  CHECK(query(port, "parley_delivery_seconds_count")[0].at("value").at(1) == "1");

  // Enough scrapes for every rate() window of the dashboard, then each query must evaluate and
  // return series (Redis's are absent standalone, as documented).
  REQUIRE(eventually(
      [&] {
        const auto r = query(port, "count_over_time(parley_messages_total[15s])");
        return r.size() == 1 && std::stoi(std::string(r[0].at("value").at(1).as_string())) >= 3;
      },
      std::chrono::seconds(20)));
  for (const auto& expr : dashboard_queries()) {
    const auto result = query(port, expr);
    if (expr.find("parley_redis_connected") == std::string::npos &&
        expr.find("parley_cluster_peers") == std::string::npos) {
      INFO(expr);
      CHECK_FALSE(result.empty());
    }
  }

  // Prometheus loaded every alerting rule and evaluates it without an error; none fires on an
  // idle, healthy server.
  const auto expected_rules = alert_queries().size();
  json::array rules;
  REQUIRE(eventually(
      [&] {
        const auto r = http_call(port, verb::get, "/api/v1/rules").json();
        const auto& groups = r.at("data").at("groups").as_array();
        if (groups.size() != 1) {
          return false;
        }
        rules = groups[0].at("rules").as_array();
        return std::all_of(rules.begin(), rules.end(),
                           [](const json::value& rule) { return rule.at("health") != "unknown"; });
      },
      std::chrono::seconds(20)));
  CHECK(rules.size() == expected_rules);
  for (const auto& rule : rules) {
    INFO(json::serialize(rule));
    CHECK(rule.at("type") == "alerting");
    CHECK(rule.at("health") == "ok");
    CHECK(rule.at("state") == "inactive");
  }
}
