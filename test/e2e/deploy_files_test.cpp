// deploy/docker-compose.yml cannot run here (no Docker engine): its consistency with the files
// it builds and configures parley from is checked instead.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

std::string read(const std::string& relative) {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/" + relative);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::set<std::string> all(const std::string& text, const std::string& pattern) {
  std::set<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

/// The configuration after its leading comment block.
std::string without_header(const std::string& conf) {
  return conf.substr(conf.find("worker_processes"));
}

}  // namespace

TEST_CASE("deploy: docker-compose builds parley with the project's Dockerfile and CI's commands",
          "[deploy]") {
  const auto compose = read("deploy/docker-compose.yml");
  CHECK(compose.find("context: ..") != std::string::npos);
  CHECK(compose.find("dockerfile: Dockerfile") != std::string::npos);
  const auto dockerfile = read("Dockerfile");
  CHECK(dockerfile.find("bash scripts/install-deps.sh") != std::string::npos);
  CHECK(dockerfile.find("bash scripts/build.sh") != std::string::npos);
  // The same two scripts are CI's (scripts/test.sh, run by .ci/run).
  const auto ci = read("scripts/test.sh");
  CHECK(ci.find("scripts/install-deps.sh") != std::string::npos);
  CHECK(ci.find("scripts/build.sh") != std::string::npos);
}

TEST_CASE("deploy: docker-compose sets only documented keys, PostgreSQL and two Redis servers",
          "[deploy]") {
  const auto compose = read("deploy/docker-compose.yml");
  const auto documented = all(read(".env.example"), R"((PARLEY_[A-Z_]+)=)");
  for (const auto& key : all(compose, R"((PARLEY_[A-Z_]+):)")) {
    INFO(key);
    CHECK(documented.contains(key));
  }
  CHECK(std::regex_search(
      compose, std::regex(R"(PARLEY_DB: postgres://parley:parley@postgres:5432/parley)")));
  CHECK(std::regex_search(
      compose, std::regex(R"(PARLEY_REDIS_URL: redis://redis-a:6379,redis://redis-b:6379)")));
  CHECK(all(compose, R"(\n  (parley-[a-z]):)") ==
        std::set<std::string>{"parley-a", "parley-b", "parley-c"});
  CHECK(all(compose, R"(PARLEY_INSTANCE_ID: ([a-z]))") == std::set<std::string>{"a", "b", "c"});
  CHECK(compose.find("PARLEY_LISTEN: 0.0.0.0:8080") != std::string::npos);
  CHECK(compose.find("PARLEY_TRUSTED_PROXIES: 172.28.0.10") != std::string::npos);
  CHECK(compose.find("ipv4_address: 172.28.0.10") != std::string::npos);
}

TEST_CASE("deploy: the compose nginx configuration is the tested one but for its upstreams",
          "[deploy]") {
  const auto compose = read("deploy/docker-compose.yml");
  const auto tested = without_header(read("deploy/nginx.conf"));
  const auto composed = without_header(read("deploy/compose/nginx.conf"));
  CHECK(all(composed, R"(server (parley-[a-z]):8080 )") ==
        std::set<std::string>{"parley-a", "parley-b", "parley-c"});
  const auto normalise = [](std::string conf) {
    conf = std::regex_replace(conf, std::regex(R"( *server [^ ]+:[0-9]+ max_fails[^\n]*\n)"), "");
    return std::regex_replace(conf, std::regex(R"(listen [0-9.:]*8080;)"), "listen 8080;");
  };
  CHECK(normalise(tested) == normalise(composed));
  CHECK(compose.find("./compose/nginx.conf:/etc/nginx/nginx.conf") != std::string::npos);
}
