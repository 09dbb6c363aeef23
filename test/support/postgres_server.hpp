#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/server_process.hpp"

namespace parley::test {

/// A real PostgreSQL (Debian's) with its own data directory under `dir`, run as the `postgres`
/// user on a free port, trusting every local client as the superuser `parley`; stopped and
/// started again on the same port for outages. The data directory is a copy of one initdb run
/// per test process.
class postgres_server {
 public:
  /// Listens on 127.0.0.1 and on `more_addresses` (which must exist already).
  explicit postgres_server(const std::filesystem::path& dir,
                           std::vector<std::string> more_addresses = {});
  postgres_server(const postgres_server&) = delete;
  postgres_server& operator=(const postgres_server&) = delete;
  ~postgres_server();

  std::uint16_t port() const { return port_; }
  /// postgres://parley@<host>:<port>/<database>
  std::string url(const std::string& database = "postgres",
                  const std::string& host = "127.0.0.1") const;
  /// A new empty database; returns its URL.
  std::string create_database(const std::string& name);
  /// Runs SQL with psql and returns its unaligned, tuples-only output (throws on failure).
  std::string query(const std::string& sql, const std::string& database = "postgres") const;

  /// Fast shutdown: every connection is closed, and the server is gone when this returns.
  void stop();
  /// Starts it again on the same port and data.
  void start();

 private:
  std::filesystem::path data_;
  std::vector<std::string> addresses_;
  std::uint16_t port_ = 0;
  std::unique_ptr<server_process> process_;
};

}  // namespace parley::test
