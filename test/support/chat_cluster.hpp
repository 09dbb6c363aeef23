#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/redis_server.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

namespace parley::test {

/// Several real parley instances sharing one database file and JWT secret, joined by a real
/// redis-server: the cluster of contract guarantee 3, on loopback.
struct chat_cluster {
  explicit chat_cluster(int instances);

  std::uint16_t port(int instance) const { return instances.at(instance)->port(); }
  /// Signs the user up (once, on instance 0) and logs in; cached.
  std::string token(const std::string& username);
  /// A new WebSocket session of the user on one instance.
  std::unique_ptr<ws_client> connect(const std::string& username, int instance);
  /// SIGKILLs one instance.
  void kill(int instance);

  temp_dir dir;
  redis_server redis;
  std::vector<std::unique_ptr<server_process>> instances;
  std::map<std::string, std::string> tokens;
};

}  // namespace parley::test
