#include "support/redis_server.hpp"

#include <stdexcept>

namespace parley::test {

redis_server::redis_server(const std::filesystem::path& dir, std::string password,
                           std::vector<std::string> more_addresses)
    : dir_(dir), password_(std::move(password)), addresses_(std::move(more_addresses)) {
  port_ = start_on_free_port([this](std::uint16_t port) {
    port_ = port;
    start();
  });
}

std::string redis_server::url(int db) const {
  return url_with_password(password_, db);
}

std::string redis_server::url_at(const std::string& host) const {
  return "redis://" + (password_.empty() ? "" : ":" + password_ + "@") + host + ":" +
         std::to_string(port_);
}

std::string redis_server::url_with_password(const std::string& password, int db) const {
  return "redis://" + (password.empty() ? "" : ":" + password + "@") +
         "127.0.0.1:" + std::to_string(port_) + (db != 0 ? "/" + std::to_string(db) : "");
}

void redis_server::kill() {
  process_.reset();
}

void redis_server::start() {
  process_.reset();
  std::vector<std::string> args{"--port", std::to_string(port_), "--save", "",       "--appendonly",
                                "no",     "--daemonize",         "no",     "--bind", "127.0.0.1"};
  args.insert(args.end(), addresses_.begin(), addresses_.end());
  if (!addresses_.empty()) {
    // Protected mode refuses every client off loopback when there is no password; these
    // addresses are links the test made to its own network namespaces.
    args.insert(args.end(), {"--protected-mode", "no"});
  }
  if (!password_.empty()) {
    args.insert(args.end(), {"--requirepass", password_});
  }
  process_ = std::make_unique<server_process>(dir_, args, std::map<std::string, std::string>{},
                                              PARLEY_REDIS_SERVER, "Ready to accept connections");
}

}  // namespace parley::test
