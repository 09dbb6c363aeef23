#pragma once

#include <boost/asio/thread_pool.hpp>

#include <memory>

#include "parley/auth/token_service.hpp"
#include "parley/config/config.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/net/connection_registry.hpp"
#include "parley/net/io_pool.hpp"
#include "parley/net/listener.hpp"
#include "parley/server/services.hpp"
#include "parley/store/store.hpp"

namespace parley::server {

/// The whole process: store, workers, I/O threads and listener, in start and stop order.
class server {
 public:
  /// Opens the database, binds the listener; throws with a one-line message on any failure.
  explicit server(config::config cfg);
  ~server();

  /// Serves until SIGTERM or SIGINT, then shuts down gracefully. Returns the exit code.
  int run();

 private:
  void shutdown();

  config::config cfg_;
  metrics::registry metrics_;
  std::unique_ptr<store::store> store_;
  boost::asio::thread_pool hash_pool_;
  auth::token_service tokens_;
  std::unique_ptr<services> services_;
  net::connection_registry connections_;
  net::io_pool io_;
  std::unique_ptr<chat::hub> hub_;
  std::unique_ptr<chat::message_log> messages_;
  std::unique_ptr<cluster::bus> bus_;  ///< only with PARLEY_REDIS_URL
  std::unique_ptr<net::listener> listener_;
};

/// Raises the open-files soft limit to the hard limit; returns the new soft limit.
std::uint64_t raise_open_files_limit();

}  // namespace parley::server
