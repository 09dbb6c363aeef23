#include "parley/net/http_stream.hpp"

#include <boost/asio/use_awaitable.hpp>

#include "parley/util/with_error.hpp"

namespace parley::net {
namespace asio = boost::asio;

http_stream::http_stream(asio::ip::tcp::socket socket) : plain_(std::in_place, std::move(socket)) {}

http_stream::http_stream(asio::ip::tcp::socket socket, asio::ssl::context& context)
    : tls_(std::make_unique<tls::stream>(boost::beast::tcp_stream(std::move(socket)), context)) {}

ws::transport http_stream::release() {
  if (tls_) {
    asio::ip::tcp::socket placeholder(tls_->get_executor());
    return {std::move(placeholder), std::move(tls_)};
  }
  return {plain_->release_socket(), nullptr};
}

asio::awaitable<boost::beast::error_code> http_stream::handshake() {
  if (!tls_) {
    co_return boost::beast::error_code{};
  }
  auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::server, util::with_error);
  co_return ec;
}

}  // namespace parley::net
