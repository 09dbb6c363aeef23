#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

namespace parley::test {

/// A real server on a temp dir for WebSocket tests, with helpers to log users in and connect.
struct chat_server {
  explicit chat_server(std::vector<std::string> extra_args = {});

  std::uint16_t port() const { return process->port(); }
  /// Signs the user up (once) and logs in; tokens are cached per user.
  std::string token(const std::string& username);
  /// A new WebSocket session of the user.
  std::unique_ptr<ws_client> connect(const std::string& username);
  /// Restarts the server on the same database and directory.
  void restart();

  temp_dir dir;
  std::vector<std::string> args;
  std::unique_ptr<server_process> process;
  std::map<std::string, std::string> tokens;
};

}  // namespace parley::test
