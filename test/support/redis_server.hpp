#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/server_process.hpp"

namespace parley::test {

/// A real redis-server on a free loopback port, without persistence, that a test can kill and
/// start again on the same port (a Redis outage).
class redis_server {
 public:
  /// With a password, clients must AUTH (`requirepass`). Listens on 127.0.0.1 and on
  /// `more_addresses` (which must exist already).
  explicit redis_server(const std::filesystem::path& dir, std::string password = {},
                        std::vector<std::string> more_addresses = {});

  std::uint16_t port() const { return port_; }
  /// redis://[:password@]127.0.0.1:<port>[/db]; `password` defaults to the server's own.
  std::string url(int db = 0) const;
  std::string url_with_password(const std::string& password, int db = 0) const;
  /// redis://[:password@]<host>:<port>
  std::string url_at(const std::string& host) const;
  /// SIGKILL.
  void kill();
  /// Starts it again on the same port.
  void start();

 private:
  std::filesystem::path dir_;
  std::string password_;
  std::vector<std::string> addresses_;
  std::uint16_t port_ = 0;
  std::unique_ptr<server_process> process_;
};

}  // namespace parley::test
