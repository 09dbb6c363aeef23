#include "support/postgres_server.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <stdexcept>

#include "support/temp_dir.hpp"

namespace parley::test {
namespace fs = std::filesystem;
namespace {

const std::string setpriv = "/usr/bin/setpriv";
const std::vector<std::string> as_postgres{"--reuid=postgres", "--regid=postgres", "--init-groups",
                                           "--"};

/// Lets the postgres user reach `dir` (search permission only) and own `data`.
void hand_to_postgres(const fs::path& dir, const fs::path& data) {
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  const auto r = run_to_exit(dir, {"-R", "postgres:postgres", data.string()}, {},
                             std::chrono::seconds(30), "/usr/bin/chown");
  if (r.exit_code != 0) {
    throw std::runtime_error("chown failed: " + r.output);
  }
}

/// One initdb per test process (it takes seconds); each server copies the result.
const fs::path& template_cluster() {
  static temp_dir dir;
  static std::once_flag once;
  std::call_once(once, [] {
    const auto data = dir / "template";
    fs::create_directories(data);
    hand_to_postgres(dir.path(), data);
    auto args = as_postgres;
    args.insert(args.end(), {PARLEY_POSTGRES_BIN_DIR "/initdb", "-D", data.string(), "-A", "trust",
                             "-U", "parley", "-E", "UTF8", "--locale=C", "--no-sync"});
    const auto r = run_to_exit(dir.path(), args, {}, std::chrono::seconds(120), setpriv);
    if (r.exit_code != 0) {
      throw std::runtime_error("initdb failed:\n" + r.output);
    }
  });
  static const fs::path data = dir / "template";
  return data;
}

}  // namespace

postgres_server::postgres_server(const fs::path& dir, std::vector<std::string> more_addresses)
    : data_(dir / "postgres"), addresses_(std::move(more_addresses)) {
  fs::copy(template_cluster(), data_, fs::copy_options::recursive);
  if (!addresses_.empty()) {
    // Clients on the links the tests add (network namespaces) are trusted too.
    std::ofstream(data_ / "pg_hba.conf", std::ios::app) << "host all all samenet trust\n";
  }
  hand_to_postgres(dir, data_);
  port_ = start_on_free_port([this](std::uint16_t port) {
    port_ = port;
    start();
  });
}

postgres_server::~postgres_server() {
  if (process_) {
    try {
      stop();
    } catch (const std::exception&) {
      process_.reset();
    }
  }
}

std::string postgres_server::url(const std::string& database, const std::string& host) const {
  return "postgres://parley@" + host + ":" + std::to_string(port_) + "/" + database;
}

std::string postgres_server::create_database(const std::string& name) {
  query("CREATE DATABASE \"" + name + "\"");
  return url(name);
}

std::string postgres_server::query(const std::string& sql, const std::string& database) const {
  const auto r = run_to_exit(data_.parent_path(),
                             {"-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "parley", "-d",
                              database, "-v", "ON_ERROR_STOP=1", "-Atc", sql},
                             {}, std::chrono::seconds(30), "/usr/bin/psql");
  if (r.exit_code != 0) {
    throw std::runtime_error("psql failed: " + r.output);
  }
  return r.output;
}

void postgres_server::stop() {
  if (process_) {
    process_->terminate(std::chrono::seconds(30), SIGINT);
    process_.reset();
  }
}

void postgres_server::start() {
  process_.reset();
  std::string listen = "127.0.0.1";
  for (const auto& a : addresses_) {
    listen += "," + a;
  }
  auto args = as_postgres;
  args.insert(args.end(),
              {PARLEY_POSTGRES_BIN_DIR "/postgres", "-D", data_.string(), "-p",
               std::to_string(port_), "-k", data_.string(), "-c", "listen_addresses=" + listen,
               // Test data need not survive a power cut; the server restarts cleanly without.
               "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_connections=200"});
  process_ = std::make_unique<server_process>(data_.parent_path(), args,
                                              std::map<std::string, std::string>{}, setpriv,
                                              "database system is ready to accept connections");
}

}  // namespace parley::test
