#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "support/server_process.hpp"

namespace parley::test {

/// A real redis-server on a free loopback port, without persistence, that a test can kill and
/// start again on the same port (a Redis outage).
class redis_server {
 public:
  explicit redis_server(const std::filesystem::path& dir);

  std::uint16_t port() const { return port_; }
  /// redis://127.0.0.1:<port>, optionally with a database number.
  std::string url(int db = 0) const;
  /// SIGKILL.
  void kill();
  /// Starts it again on the same port.
  void start();

 private:
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<server_process> process_;
};

}  // namespace parley::test
