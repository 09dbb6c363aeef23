#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "parley/net/connection_registry.hpp"
#include "parley/net/io_pool.hpp"
#include "parley/net/services.hpp"

namespace parley::net {

/// Accepts connections on one endpoint and spreads them over the I/O contexts.
class listener {
 public:
  /// Binds and listens at once so a bad address or a port in use fails the start.
  /// Throws boost::system::system_error.
  listener(io_pool& pool, const boost::asio::ip::tcp::endpoint& endpoint, services& svc,
           connection_registry& connections);

  /// Starts the accept loop.
  void start();
  /// Stops accepting (thread-safe).
  void stop();

  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

 private:
  boost::asio::awaitable<void> accept_loop();

  io_pool& pool_;
  boost::asio::ip::tcp::acceptor acceptor_;
  services& svc_;
  connection_registry& connections_;
};

}  // namespace parley::net
