// deploy/docker-compose.yml and the Dockerfile cannot run here (no Docker engine): their
// consistency with the files they build and configure parley from is checked instead.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/files.hpp"

namespace {

std::string read(const std::string& relative) {
  const auto path = parley::test::source_path(relative);
  REQUIRE(std::filesystem::is_regular_file(path));
  return parley::test::read_file(path);
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

/// One instruction of a Dockerfile: its keyword and its arguments, continuation lines joined and
/// runs of blanks made one space.
struct instruction {
  std::string keyword;
  std::string args;
};

/// The stages of a Dockerfile (each starts with its FROM), without comment lines, which Docker
/// also drops inside a continued instruction.
std::vector<std::vector<instruction>> dockerfile_stages(const std::string& text) {
  std::vector<std::vector<instruction>> stages;
  std::istringstream in(text);
  std::string line;
  std::string pending;
  const auto finish = [&stages](std::string joined) {
    joined = std::regex_replace(joined, std::regex(R"(\s+)"), " ");
    joined = std::regex_replace(joined, std::regex(R"(^ | $)"), "");
    if (joined.empty()) {
      return;
    }
    const auto space = joined.find(' ');
    instruction i{joined.substr(0, space),
                  space == std::string::npos ? std::string() : joined.substr(space + 1)};
    if (i.keyword == "FROM") {
      stages.emplace_back();
    }
    REQUIRE_FALSE(stages.empty());  // nothing but comments and ARG before the first FROM
    stages.back().push_back(std::move(i));
  };
  while (std::getline(in, line)) {
    if (std::regex_search(line, std::regex(R"(^\s*#)"))) {
      continue;
    }
    if (!line.empty() && line.back() == '\\') {
      pending += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    finish(pending + line);
    pending.clear();
  }
  finish(pending);
  return stages;
}

std::vector<std::string> args_of(const std::vector<instruction>& stage,
                                 const std::string& keyword) {
  std::vector<std::string> out;
  for (const auto& i : stage) {
    if (i.keyword == keyword) {
      out.push_back(i.args);
    }
  }
  return out;
}

/// Index of the first instruction `keyword` whose arguments match `pattern`; -1 if none.
long index_of(const std::vector<instruction>& stage, const std::string& keyword,
              const std::string& pattern) {
  for (std::size_t n = 0; n < stage.size(); ++n) {
    if (stage[n].keyword == keyword && std::regex_search(stage[n].args, std::regex(pattern))) {
      return static_cast<long>(n);
    }
  }
  return -1;
}

/// packaging/runtime-packages: one package per line, comments and blank lines aside.
std::set<std::string> runtime_packages() {
  std::set<std::string> out;
  std::istringstream in(read("packaging/runtime-packages"));
  std::string line;
  while (std::getline(in, line)) {
    line = std::regex_replace(line, std::regex(R"(#.*|\s+)"), "");
    if (!line.empty()) {
      out.insert(line);
    }
  }
  return out;
}

/// The packages scripts/install-deps.sh always installs (its `packages=( ... )` list): the
/// build's and the tests' dependencies.
std::set<std::string> build_packages() {
  const auto script = read("scripts/install-deps.sh");
  std::smatch m;
  REQUIRE(std::regex_search(script, m, std::regex(R"(\npackages=\(([^)]*)\))")));
  std::set<std::string> out;
  std::istringstream words(m[1].str());
  for (std::string word; words >> word;) {
    out.insert(word);
  }
  return out;
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

TEST_CASE(
    "deploy: the Dockerfile builds with the setup script and build command of the README and CI",
    "[deploy]") {
  const auto stages = dockerfile_stages(read("Dockerfile"));
  REQUIRE(stages.size() == 2);
  CHECK(stages[0].front().args == "debian:12 AS build");
  CHECK(stages[1].front().args == "debian:12");
  const auto& build = stages[0];

  // The same invocations as the README's first command (scripts/serve.sh) and CI's
  // (scripts/test.sh): install-deps.sh with the build's packages, build.sh without tests.
  const auto runs = args_of(build, "RUN");
  REQUIRE(runs.size() == 2);
  CHECK(runs[0] == "bash scripts/install-deps.sh");
  CHECK(std::regex_search(runs[1],
                          std::regex(R"((^|&& )bash scripts/build\.sh -DPARLEY_TESTS=OFF$)")));
  const auto serve = read("scripts/serve.sh");
  CHECK(serve.find("\nbash scripts/build.sh -DPARLEY_TESTS=OFF\n") != std::string::npos);
  const auto ci = read("scripts/test.sh");
  CHECK(std::regex_search(ci, std::regex(R"(\nbash scripts/install-deps\.sh( |\n))")));
  CHECK(std::regex_search(ci, std::regex(R"( bash scripts/build\.sh )")));
  // No CMake command of its own, and none of build.sh's defaults overridden: the README's
  // Release build in ./build.
  for (const auto& i : build) {
    INFO(i.keyword << ' ' << i.args);
    CHECK_FALSE(
        std::regex_search(i.args, std::regex(R"(\bcmake\b|CMAKE_BUILD_TYPE|PARLEY_BUILD_)")));
    CHECK(i.keyword != "ENV");
    CHECK(i.keyword != "ARG");
  }
  const auto build_script = read("scripts/build.sh");
  CHECK(build_script.find("build_dir=${PARLEY_BUILD_DIR:-build}") != std::string::npos);
  CHECK(build_script.find("-DCMAKE_BUILD_TYPE=${PARLEY_BUILD_TYPE:-Release}") != std::string::npos);

  // The runtime stage copies the binaries from where build.sh leaves them.
  const auto workdirs = args_of(build, "WORKDIR");
  REQUIRE(workdirs.size() == 1);
  const auto built = workdirs[0] + "/build/";
  const auto copies = args_of(stages[1], "COPY");
  CHECK(std::ranges::find(copies, "--from=build " + built + "parley " + built +
                                      "parley-bench /usr/bin/") != copies.end());
  CHECK(args_of(stages[1], "ENTRYPOINT") == std::vector<std::string>{R"(["/usr/bin/parley"])"});
}

TEST_CASE(
    "deploy: the Dockerfile's runtime stage installs packaging/runtime-packages, no build package",
    "[deploy]") {
  const auto runtime = dockerfile_stages(read("Dockerfile")).at(1);
  const auto listed = runtime_packages();
  const auto build = build_packages();
  REQUIRE(listed.size() >= 5);
  REQUIRE(build.size() >= 10);
  for (const auto& p : listed) {
    INFO(p);
    CHECK_FALSE(p.ends_with("-dev"));
    CHECK_FALSE(build.contains(p));
  }

  // The list is read from the file itself (comments stripped), plus literal names.
  CHECK(index_of(runtime, "COPY", R"(^packaging/runtime-packages /tmp/runtime-packages$)") >= 0);
  std::vector<std::string> installs;
  for (const auto& run : args_of(runtime, "RUN")) {
    for (const auto& command : all(run, R"((apt-get install [^&;]*))")) {
      installs.push_back(command);
    }
  }
  REQUIRE(installs.size() == 1);
  const std::string from_file = "$(sed 's/#.*//' /tmp/runtime-packages)";
  const auto at = installs[0].find(from_file);
  REQUIRE(at != std::string::npos);
  auto literal_part = installs[0];
  literal_part.erase(at, from_file.size());
  std::set<std::string> literal;
  std::istringstream words(literal_part.substr(std::string("apt-get install").size()));
  for (std::string word; words >> word;) {
    if (!word.starts_with('-')) {
      literal.insert(word);
    }
  }
  // curl, only for the HEALTHCHECK: not something parley loads, so not in runtime-packages.
  CHECK(literal == std::set<std::string>{"curl"});
  CHECK(installs[0].find("--no-install-recommends") != std::string::npos);
  const auto healthcheck = args_of(runtime, "HEALTHCHECK");
  REQUIRE(healthcheck.size() == 1);
  CHECK(healthcheck[0].find(" curl ") != std::string::npos);
}

TEST_CASE("deploy: the container runs as a non-root user, data in a volume, health on /readyz",
          "[deploy]") {
  const auto runtime = dockerfile_stages(read("Dockerfile")).at(1);

  const auto users = args_of(runtime, "USER");
  REQUIRE(users.size() == 1);
  std::smatch ids;
  REQUIRE(std::regex_match(users[0], ids, std::regex(R"(([0-9]+):([0-9]+))")));
  CHECK(ids[1].str() != "0");
  CHECK(ids[2].str() != "0");
  // The numeric USER is the user and group the stage makes, who own the volume's directory.
  CHECK(index_of(runtime, "RUN", "groupadd --gid " + ids[2].str() + " parley ") >= 0);
  CHECK(index_of(runtime, "RUN", "useradd --uid " + ids[1].str() + " --gid parley ") >= 0);

  const auto volumes = args_of(runtime, "VOLUME");
  REQUIRE(volumes.size() == 1);
  const auto& volume = volumes[0];
  CHECK(volume == "/var/lib/parley");
  // Docker discards what a later instruction changes inside a declared volume: the directory
  // must be made and given to parley before VOLUME.
  const auto owned = index_of(runtime, "RUN", "install -d -o parley -g parley -m 0750 " + volume);
  CHECK(owned >= 0);
  CHECK(owned < index_of(runtime, "VOLUME", "."));
  CHECK(args_of(runtime, "WORKDIR") == std::vector<std::string>{volume});

  const auto env = args_of(runtime, "ENV");
  REQUIRE(env.size() == 1);
  std::map<std::string, std::string> values;
  const std::regex assignment(R"((\S+)=(\S*))");
  for (auto it = std::sregex_iterator(env[0].begin(), env[0].end(), assignment);
       it != std::sregex_iterator(); ++it) {
    values[(*it)[1].str()] = (*it)[2].str();
  }
  CHECK(values.size() == 3);
  CHECK(values["PARLEY_DB"] == volume + "/parley.db");
  CHECK(values["PARLEY_UPLOAD_DIR"] == volume + "/uploads");
  // The upload directory is made with the volume's, for a volume mounted on it alone.
  CHECK(index_of(runtime, "RUN",
                 "install -d -o parley -g parley -m 0750 " + volume + " " +
                     values["PARLEY_UPLOAD_DIR"]) == owned);
  const auto exposed = args_of(runtime, "EXPOSE");
  REQUIRE(exposed.size() == 1);
  CHECK(values["PARLEY_LISTEN"] == "0.0.0.0:" + exposed[0]);

  const auto healthcheck = args_of(runtime, "HEALTHCHECK");
  REQUIRE(healthcheck.size() == 1);
  CHECK(std::regex_search(healthcheck[0],
                          std::regex(R"(CMD .*://127\.0\.0\.1:\$\{PARLEY_LISTEN##\*:\}/readyz")")));
  CHECK(std::regex_search(healthcheck[0], std::regex(R"(--timeout=[0-9]+s )")));
  CHECK(args_of(runtime, "STOPSIGNAL") == std::vector<std::string>{"SIGTERM"});
}

TEST_CASE("deploy: the Dockerfile sets only documented keys", "[deploy]") {
  const auto documented = all(read(".env.example"), R"((PARLEY_[A-Z_]+)=)");
  REQUIRE(documented.size() >= 20);
  std::size_t keys = 0;
  for (const auto& stage : dockerfile_stages(read("Dockerfile"))) {
    for (const auto& env : args_of(stage, "ENV")) {
      for (const auto& key : all(env, R"((?:^| )([A-Z_]+)=)")) {
        INFO(key);
        CHECK(documented.contains(key));
        ++keys;
      }
    }
  }
  CHECK(keys == 3);
}
