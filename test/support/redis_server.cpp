#include "support/redis_server.hpp"

#include <stdexcept>

namespace parley::test {

redis_server::redis_server(const std::filesystem::path& dir) : dir_(dir) {
  // The port was free when chosen; another process may take it before Redis binds it.
  for (int attempt = 0;; ++attempt) {
    port_ = free_loopback_port();
    try {
      start();
      return;
    } catch (const std::runtime_error&) {
      if (attempt == 2) {
        throw;
      }
    }
  }
}

std::string redis_server::url(int db) const {
  return "redis://127.0.0.1:" + std::to_string(port_) + (db != 0 ? "/" + std::to_string(db) : "");
}

void redis_server::kill() {
  process_.reset();
}

void redis_server::start() {
  process_.reset();
  process_ = std::make_unique<server_process>(
      dir_,
      std::vector<std::string>{"--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--daemonize", "no"},
      std::map<std::string, std::string>{}, PARLEY_REDIS_SERVER, "Ready to accept connections");
}

}  // namespace parley::test
