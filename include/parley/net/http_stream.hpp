#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <memory>
#include <optional>

#include "parley/tls/stream.hpp"
#include "parley/ws/connection.hpp"

namespace parley::net {

/// The byte stream an HTTP connection reads and writes: plain TCP, or TLS over it when the
/// server has a certificate. One type for both, so the HTTP code (and Beast's parser and
/// serializer under it) is compiled once; the choice costs a branch per read or write.
class http_stream {
 public:
  using executor_type = boost::asio::any_io_executor;

  /// Plain TCP.
  explicit http_stream(boost::asio::ip::tcp::socket socket);
  /// TLS made with `context`; the handshake is still to do.
  http_stream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& context);

  executor_type get_executor() { return tcp().get_executor(); }

  /// The TCP layer, whose deadlines bound every read and write above it.
  boost::beast::tcp_stream& tcp() { return tls_ ? tls_->next_layer() : *plain_; }
  bool is_tls() const { return tls_ != nullptr; }

  /// The server side of the TLS handshake (nothing for plain TCP), within the current deadline.
  boost::asio::awaitable<boost::beast::error_code> handshake();

  /// Hands the connection to a WebSocket connection: the TCP socket, or the whole TLS stream.
  /// This stream is unusable afterwards.
  ws::transport release();

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& b) {
          if (tls_) {
            tls_->async_read_some(b, std::move(handler));
          } else {
            plain_->async_read_some(b, std::move(handler));
          }
        },
        token, buffers);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& b) {
          if (tls_) {
            tls_->async_write_some(b, std::move(handler));
          } else {
            plain_->async_write_some(b, std::move(handler));
          }
        },
        token, buffers);
  }

 private:
  std::optional<boost::beast::tcp_stream> plain_;
  std::unique_ptr<tls::stream> tls_;
};

}  // namespace parley::net
