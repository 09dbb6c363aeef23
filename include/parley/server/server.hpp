#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <memory>

#include "parley/auth/token_service.hpp"
#include "parley/chat/bus.hpp"
#include "parley/chat/hub.hpp"
#include "parley/chat/message_log.hpp"
#include "parley/chat/session.hpp"
#include "parley/config/config.hpp"
#include "parley/http/api_context.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/net/connection_registry.hpp"
#include "parley/net/io_pool.hpp"
#include "parley/net/listener.hpp"
#include "parley/net/services.hpp"
#include "parley/net/token_sessions.hpp"
#include "parley/store/store.hpp"
#include "parley/tls/context_store.hpp"

namespace parley::server {

/// The whole process: store, workers, I/O threads and listener, in start and stop order.
class server {
 public:
  /// Opens the database, binds the listener; throws with a one-line message on any failure.
  explicit server(config::config cfg);
  ~server();

  /// Serves until SIGTERM or SIGINT, then shuts down gracefully; SIGHUP reloads the TLS
  /// certificate and key. Returns the exit code.
  int run();

 private:
  void shutdown();
  void reload_tls();
  /// Every sweep interval: deletes uploads never attached (and their files when no other
  /// upload shares them), on the store thread, where uploads are placed.
  void schedule_sweep();

  config::config cfg_;
  metrics::registry metrics_;
  std::unique_ptr<store::store> store_;
  boost::asio::thread_pool hash_pool_;
  boost::asio::thread_pool file_pool_;  ///< upload file I/O
  auth::token_service tokens_;
  net::connection_registry connections_;
  net::io_pool io_;
  std::unique_ptr<net::token_sessions> token_sessions_;  ///< uses io_'s contexts
  std::unique_ptr<chat::hub> hub_;
  std::unique_ptr<chat::message_log> messages_;
  chat::membership_cache memberships_;
  std::unique_ptr<chat::bus> bus_;  ///< Redis with PARLEY_REDIS_URL, else local
  std::unique_ptr<http::api_context> api_;
  std::unique_ptr<chat::session_services> sessions_;
  std::unique_ptr<tls::context_store> tls_;
  auth::attempt_limiter sign_ins_;
  std::unique_ptr<net::services> services_;
  std::unique_ptr<net::listener> listener_;
  std::unique_ptr<boost::asio::steady_timer> sweep_timer_;  ///< on io_'s first context
};

}  // namespace parley::server
