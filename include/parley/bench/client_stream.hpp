#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <string>
#include <utility>
#include <variant>

// Private to the bench module: the byte stream under a benchmark session, plain or TLS.
namespace parley::bench {

using tls_stream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

/// A client's connection to a ws:// or wss:// server. One type for both so the scenarios and
/// Beast's WebSocket code are compiled once; the plain path costs one branch per read or write,
/// no allocation and no call through a pointer (the server's net::http_stream is the same idea,
/// but the bench may not depend on the server's modules).
class client_stream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;

  /// Plain TCP.
  explicit client_stream(const executor_type& ex) : stream_(std::in_place_type<plain>, ex) {}
  /// TLS made with `context`; the handshake is still to do.
  client_stream(const executor_type& ex, boost::asio::ssl::context& context)
      : stream_(std::in_place_type<tls_stream>, ex, context) {}

  executor_type get_executor() { return next_layer().get_executor(); }

  /// The TCP layer under either kind: its deadlines and its socket. Named `next_layer` so that
  /// beast::get_lowest_layer reaches it through a websocket::stream.
  boost::beast::tcp_stream& next_layer() {
    if (auto* tls = std::get_if<tls_stream>(&stream_)) {
      return tls->next_layer();
    }
    return std::get<plain>(stream_);
  }

  /// The TLS layer, or null for plain TCP.
  tls_stream* tls() { return std::get_if<tls_stream>(&stream_); }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& b) {
          if (auto* tls = std::get_if<tls_stream>(&stream_)) {
            tls->async_read_some(b, std::move(handler));
          } else {
            std::get<plain>(stream_).async_read_some(b, std::move(handler));
          }
        },
        token, buffers);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& b) {
          if (auto* tls = std::get_if<tls_stream>(&stream_)) {
            tls->async_write_some(b, std::move(handler));
          } else {
            std::get<plain>(stream_).async_write_some(b, std::move(handler));
          }
        },
        token, buffers);
  }

 private:
  using plain = boost::beast::tcp_stream;
  std::variant<plain, tls_stream> stream_;
};

/// Ends the connection after a WebSocket close (found by Beast through ADL): Beast's teardown of
/// the TCP layer, over TLS too. Beast's TLS teardown would send a close_notify and wait for the
/// server's, but parley closes TCP right after the close handshake without one, so that wait
/// ends in "stream truncated", or in a reset when ours reaches a socket already closed. The
/// WebSocket close frames, inside TLS records, have already marked the authenticated end of the
/// data.
template <class Handler>
void async_teardown(boost::beast::role_type role, client_stream& stream, Handler&& handler) {
  boost::beast::async_teardown(role, stream.next_layer(), std::forward<Handler>(handler));
}

/// The context of every wss:// connection of a run: TLS 1.2 or later, and no certificate check,
/// since parley-bench loads test servers with self-signed certificates. Never point it at a
/// server whose identity matters.
boost::asio::ssl::context make_tls_context();

/// Names `host` in the handshake (SNI) unless it is an IP address, which SNI may not carry.
void name_server(tls_stream::native_handle_type ssl, const std::string& host);

}  // namespace parley::bench
