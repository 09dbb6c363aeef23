#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "support/http_client.hpp"

namespace parley::test {

using namespace std::chrono_literals;

/// A real WebSocket client on its own io_context. Every wait has a deadline; nothing sleeps.
class ws_client {
 public:
  /// Connects to ws://127.0.0.1:port/ws?token=... and completes the handshake (throws on
  /// failure). Reads the hello frame into hello().
  ws_client(std::uint16_t port, const std::string& token);
  /// The same to any address.
  ws_client(const endpoint& to, const std::string& token);
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;
  ~ws_client();

  const boost::json::object& hello() const { return hello_; }

  void send(const boost::json::object& frame);
  void send_text(const std::string& text);
  void send_binary(const std::string& bytes);

  /// The next frame; throws on timeout or close.
  boost::json::object read(std::chrono::milliseconds deadline = 5s);
  /// The next frame within the deadline, or nullopt.
  std::optional<boost::json::object> try_read(std::chrono::milliseconds deadline);
  /// Skips frames (at most 10,000) until one of `type` arrives; throws on timeout.
  boost::json::object read_type(const std::string& type, std::chrono::milliseconds deadline = 5s);
  /// Sends a frame with a fresh ref and returns the reply carrying that ref (skipping others).
  boost::json::object request(boost::json::object frame, std::chrono::milliseconds deadline = 5s);
  /// Reads (discarding frames) until the server closes; returns the close code.
  int read_close(std::chrono::milliseconds deadline = 10s);
  /// The reason of the close frame read_close() saw.
  std::string close_reason() const {
    const auto& r = ws_.reason().reason;
    return std::string(r.data(), r.size());
  }
  /// The code of the close frame the server sent (after a read failed on it).
  int close_code() const { return ws_.reason().code; }
  /// Closes politely (1000) if still open.
  void close();

 private:
  bool run_read(std::chrono::milliseconds deadline);

  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  boost::json::object hello_;
  bool read_pending_ = false;
  bool read_done_ = false;
  boost::beast::error_code read_ec_;
  std::uint64_t next_ref_ = 1;
};

/// The server's answer to a /ws upgrade attempt with this target and these extra request
/// headers (status 101 when it upgraded; 0 when no answer came within 10 s).
http_reply ws_upgrade(std::uint16_t port, const std::string& target,
                      const std::map<std::string, std::string>& headers = {});

/// The HTTP status of a /ws upgrade attempt with this target (101 when it upgraded).
unsigned ws_upgrade_status(std::uint16_t port, const std::string& target,
                           const std::string& cookie = {}, const std::string& origin = {});

}  // namespace parley::test
