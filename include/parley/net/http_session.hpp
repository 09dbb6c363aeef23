#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <memory>

#include "parley/net/connection_registry.hpp"
#include "parley/net/http_stream.hpp"
#include "parley/net/services.hpp"

namespace parley::net {

/// Limits on what one HTTP request may send.
inline constexpr std::size_t max_header_bytes = 16 * 1024;
inline constexpr std::size_t max_body_bytes = 64 * 1024;
/// How long a new connection may take to finish its TLS handshake and send its first request's
/// header, and how long a kept-alive one may take (idle time included) to send the next header:
/// a client dribbling its header byte by byte (slowloris) is cut off here, holding no thread.
inline constexpr std::chrono::seconds http_header_timeout{10};
/// How long a request's body may take to arrive, and how long an upload may pause.
inline constexpr std::chrono::seconds http_read_timeout{30};
inline constexpr std::chrono::seconds http_write_timeout{30};
/// How long, and for how many bytes, a refused upload's body is read and dropped before the
/// connection closes.
inline constexpr std::chrono::seconds linger_timeout{2};
inline constexpr std::size_t max_linger_bytes = 16 * 1024 * 1024;

/// One HTTP/1.1 connection: reads requests in a loop, answers each, honours keep-alive; hands
/// the socket over when a request upgrades to a WebSocket.
class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(boost::asio::ip::tcp::socket socket, std::size_t thread, services& svc,
               connection_registry& connections);

  /// Spawns the session's coroutine on the socket's executor.
  void start();

 private:
  boost::asio::awaitable<void> run();
  /// Reads and drops what the client still sends, then lets run() close (a refused upload).
  boost::asio::awaitable<void> linger();
  /// Runs on the session's executor: stop after the current request, or now if idle.
  void request_close();

  http_stream stream_;
  boost::asio::ip::address peer_;  ///< the TCP peer, before any proxy header
  boost::beast::flat_buffer buffer_;
  std::size_t thread_;
  services& svc_;
  connection_registry& connections_;
  bool idle_ = false;
  bool stopping_ = false;
};

}  // namespace parley::net
