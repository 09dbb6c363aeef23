#include "parley/net/listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

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
}  // namespace

listener::listener(io_pool& pool, const tcp::endpoint& endpoint, services& svc,
                   connection_registry& connections)
    : pool_(pool), acceptor_(pool.at(0)), svc_(svc), connections_(connections) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  if (endpoint.address().is_v6()) {
    acceptor_.set_option(asio::ip::v6_only(true));
  }
  // Accepted sockets inherit TCP_NODELAY from the listening one (Linux): no call per connection.
  acceptor_.set_option(tcp::no_delay(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void listener::start() {
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
}

void listener::stop() {
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
}

asio::awaitable<void> listener::accept_loop() {
  asio::steady_timer backoff(acceptor_.get_executor());
  while (acceptor_.is_open()) {
    const auto thread = pool_.next_index();
    auto [ec, socket] = co_await acceptor_.async_accept(pool_.at(thread), with_error);
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
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
