#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <vector>

#include "parley/net/connection_registry.hpp"
#include "parley/net/io_pool.hpp"
#include "parley/net/services.hpp"

namespace parley::net {

/// Accepts connections on one endpoint: one listening socket per I/O context, joined with
/// SO_REUSEPORT, so the kernel spreads connections over the threads and each is accepted on the
/// thread that serves it (no hand-off between threads per connection).
class listener {
 public:
  /// Binds and listens at once so a bad address or a port in use fails the start, also when
  /// the port is held by another process that uses SO_REUSEPORT itself.
  /// Throws boost::system::system_error.
  listener(io_pool& pool, const boost::asio::ip::tcp::endpoint& endpoint, services& svc,
           connection_registry& connections);

  /// Starts the accept loops.
  void start();
  /// Stops accepting (thread-safe).
  void stop();

  boost::asio::ip::tcp::endpoint local_endpoint() const {
    return acceptors_.front()->local_endpoint();
  }

 private:
  boost::asio::awaitable<void> accept_loop(std::size_t thread);

  services& svc_;
  connection_registry& connections_;
  /// One per I/O context, in the pool's order.
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
};

}  // namespace parley::net
