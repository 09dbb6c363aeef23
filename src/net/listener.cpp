#include "parley/net/listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/socket.h>

#include "parley/log/log.hpp"
#include "parley/net/http_session.hpp"
#include "parley/util/with_error.hpp"

namespace parley::net {
namespace asio = boost::asio;
using asio::ip::tcp;
using util::with_error;

namespace {

/// After EMFILE, wait this long before accepting again instead of spinning.
constexpr std::chrono::milliseconds accept_backoff{50};

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

/// An open, unbound socket for `endpoint`'s protocol with the options every listening socket has.
std::unique_ptr<tcp::acceptor> open_acceptor(asio::io_context& ctx, const tcp::endpoint& endpoint) {
  auto acceptor = std::make_unique<tcp::acceptor>(ctx);
  acceptor->open(endpoint.protocol());
  acceptor->set_option(asio::socket_base::reuse_address(true));
  if (endpoint.address().is_v6()) {
    acceptor->set_option(asio::ip::v6_only(true));
  }
  return acceptor;
}

/// Throws address_in_use when anything listens on `endpoint`: a socket without SO_REUSEPORT
/// cannot bind a port in LISTEN, whatever that socket's own options.
void check_port_free(asio::io_context& ctx, const tcp::endpoint& endpoint) {
  open_acceptor(ctx, endpoint)->bind(endpoint);
}

}  // namespace

listener::listener(io_pool& pool, const tcp::endpoint& endpoint, services& svc,
                   connection_registry& connections)
    : svc_(svc), connections_(connections) {
  if (endpoint.port() != 0) {
    check_port_free(pool.at(0), endpoint);
  }
  auto bound = endpoint;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    auto acceptor = open_acceptor(pool.at(i), endpoint);
    acceptor->set_option(reuse_port(true));
    // Accepted sockets inherit TCP_NODELAY from the listening one (Linux): no call per
    // connection.
    acceptor->set_option(tcp::no_delay(true));
    acceptor->bind(bound);
    acceptor->listen(asio::socket_base::max_listen_connections);
    bound = acceptor->local_endpoint();  // port 0: the others join the port the first got
    acceptors_.push_back(std::move(acceptor));
  }
}

void listener::start() {
  for (std::size_t i = 0; i < acceptors_.size(); ++i) {
    asio::co_spawn(acceptors_[i]->get_executor(), accept_loop(i), asio::detached);
  }
}

void listener::stop() {
  for (auto& acceptor : acceptors_) {
    asio::post(acceptor->get_executor(), [&a = *acceptor] {
      boost::system::error_code ignored;
      a.close(ignored);
    });
  }
}

asio::awaitable<void> listener::accept_loop(std::size_t thread) {
  auto& acceptor = *acceptors_[thread];
  asio::steady_timer backoff(acceptor.get_executor());
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(with_error);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
      break;
    }
    if (ec) {
      PARLEY_LOG(warn, "listener") << "accept failed: " << ec.message();
      if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
          ec.value() == ENFILE) {
        backoff.expires_after(accept_backoff);
        co_await backoff.async_wait(with_error);
      }
      continue;
    }
    // Set once here, before the first asynchronous operation would set it on its own: the
    // WebSocket layer's direct reads need it, and one ioctl per connection is enough.
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    std::make_shared<http_session>(std::move(socket), thread, svc_, connections_)->start();
  }
}

}  // namespace parley::net
