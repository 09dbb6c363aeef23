// Start-up behaviour of the real binary: configuration errors, .env, --help.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "parley/store/sqlite_database.hpp"

#include "support/files.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

using namespace parley::test;

namespace {
std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}
}  // namespace

TEST_CASE("bad configuration stops the start with one line and a non-zero exit") {
  temp_dir dir;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--listen", "127.0.0.1:99999"},
           {"--log-level", "chatty"},
           {"--no-such-flag"},
           {"--threads", "many"},
           {"--redis-url", "localhost:6379"},
           {"--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.pem"}}) {
    INFO(args[0]);
    const auto r = run_to_exit(dir.path(), args);
    CHECK(r.exit_code != 0);
    CHECK(lines(r.output) == 1);
    CHECK(r.output.starts_with("parley: "));
  }
  const auto env_bad = run_to_exit(dir.path(), {}, {{"PARLEY_TOKEN_TTL", "soon"}});
  CHECK(env_bad.exit_code != 0);
  CHECK(env_bad.output.find("PARLEY_TOKEN_TTL") != std::string::npos);
}

TEST_CASE("a port in use stops the start with a clear error") {
  temp_dir dir;
  server_process first(dir.path(), default_server_args(dir.path()));
  auto args = default_server_args(dir.path());
  args[1] = "127.0.0.1:" + std::to_string(first.port());
  args[3] = (dir / "second.db").string();
  const auto r = run_to_exit(dir.path(), args);
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())) !=
        std::string::npos);
  CHECK(r.output.find("in use") != std::string::npos);
}

TEST_CASE("a port held with SO_REUSEPORT by another program still stops the start") {
  // parley's own listening sockets use SO_REUSEPORT (one per I/O thread); without its check it
  // would silently share the port with this one.
  const int other = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(other >= 0);
  const int on = 1;
  REQUIRE(::setsockopt(other, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) == 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(other, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(other, 16) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(other, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const auto port = std::to_string(ntohs(addr.sin_port));

  temp_dir dir;
  auto args = default_server_args(dir.path());
  args[1] = "127.0.0.1:" + port;
  const auto r = run_to_exit(dir.path(), args);
  ::close(other);
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("cannot listen on 127.0.0.1:" + port) != std::string::npos);
}

TEST_CASE("parley --help lists every option and exits 0") {
  temp_dir dir;
  const auto r = run_to_exit(dir.path(), {"--help"});
  CHECK(r.exit_code == 0);
  for (const char* flag :
       {"--listen", "--db", "--redis-url", "--jwt-secret", "--token-ttl", "--static-dir",
        "--threads", "--log-level", "--log-file", "--tls-cert", "--tls-key", "--instance-id",
        "--rate-limit", "--rate-burst", "--max-queue-bytes", "--idle-timeout", "--max-connections",
        "--allowed-origins"}) {
    INFO(flag);
    CHECK(r.output.find(flag) != std::string::npos);
  }
}

TEST_CASE(".env in the working directory is read, the environment and flags override it") {
  temp_dir dir;
  std::filesystem::create_directories(dir / "static");
  std::ofstream(dir / ".env") << "PARLEY_LISTEN=127.0.0.1:0\nPARLEY_DB=from-env-file.db\n"
                                 "PARLEY_JWT_SECRET=dotenv-secret\nPARLEY_LOG_LEVEL=error\n"
                                 "PARLEY_INSTANCE_ID=from-dotenv\n";
  server_process s(dir.path(), {"--log-level", "info"},
                   {{"PARLEY_INSTANCE_ID", "from-environment"}});
  CHECK(std::filesystem::exists(dir / "from-env-file.db"));
  CHECK(s.log().find("instance from-environment") != std::string::npos);
  // No warning about the secret: it came from .env.
  CHECK(s.log().find("PARLEY_JWT_SECRET is empty") == std::string::npos);
}

TEST_CASE("the log file option also writes the log to a file") {
  temp_dir dir;
  auto args = default_server_args(dir.path());
  args.push_back("--log-file");
  args.push_back((dir / "parley.log").string());
  server_process s(dir.path(), args);
  REQUIRE(s.terminate() == 0);
  const auto text = read_file(dir / "parley.log");
  CHECK(text.find("listening on 127.0.0.1:") != std::string::npos);
  CHECK(text.find(" info server: ") != std::string::npos);
}

TEST_CASE("a database from a newer binary is refused at start") {
  temp_dir dir;
  const auto args = default_server_args(dir.path());
  {
    server_process s(dir.path(), args);
    REQUIRE(s.terminate() == 0);
  }
  {
    parley::store::sqlite_database db((dir / "parley.db").string());
    db.exec("INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, 'future', 0)");
  }
  const auto r = run_to_exit(dir.path(), args);
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("newer than this binary") != std::string::npos);
}
