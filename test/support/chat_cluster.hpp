#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/host_network.hpp"
#include "support/postgres_server.hpp"
#include "support/redis_server.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

namespace parley::test {

/// How a chat_cluster is laid out.
struct cluster_layout {
  int instances = 2;
  /// False: the instances share one SQLite file and run on loopback (one host). True: they
  /// share a PostgreSQL database, and each runs as a host of its own (host_network), in its own
  /// working directory: no file and no address in common.
  bool separate_hosts = false;
  /// Redis servers the instances spread their topics over (PARLEY_REDIS_URL lists them all).
  int redis_servers = 1;
};

/// `instances` sharing a SQLite file on loopback: one host.
inline cluster_layout one_host(int instances) {
  return {instances, false, 1};
}
/// `instances` on hosts of their own sharing PostgreSQL, over `redis_servers` Redis servers.
inline cluster_layout separate_hosts(int instances, int redis_servers = 1) {
  return {instances, true, redis_servers};
}

/// Several real parley instances sharing one database and JWT secret, joined by a real
/// redis-server: the cluster of contract guarantee 3.
struct chat_cluster {
  explicit chat_cluster(int instances) : chat_cluster(one_host(instances)) {}
  explicit chat_cluster(cluster_layout layout);

  std::uint16_t port(int instance) const { return instances.at(instance)->port(); }
  /// Where the test reaches an instance.
  endpoint at(int instance) const { return {network.address(instance), port(instance)}; }
  /// Signs the user up (once, on instance 0) and logs in; cached.
  std::string token(const std::string& username);
  /// A new WebSocket session of the user on one instance.
  std::unique_ptr<ws_client> connect(const std::string& username, int instance);
  /// SIGKILLs one instance.
  void kill(int instance);

  temp_dir dir;
  cluster_layout layout;
  host_network network;
  std::unique_ptr<postgres_server> postgres;              ///< with separate hosts
  redis_server redis;                                     ///< the first (primary) Redis server
  std::vector<std::unique_ptr<redis_server>> more_redis;  ///< the others, in order
  std::vector<std::unique_ptr<server_process>> instances;
  std::map<std::string, std::string> tokens;
};

/// The layout in words, for INFO; WARNs when separate hosts had to fall back to loopback.
std::string describe(const chat_cluster& c);

}  // namespace parley::test
