#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::test {

/// A client frame as a browser sends it: `first_byte` (FIN, opcode), masked payload.
std::string masked_frame(std::uint8_t first_byte, std::string_view payload,
                         std::uint32_t key = 0x37FA213D);

/// A server frame split out of received bytes.
struct server_frame {
  std::uint8_t opcode = 0;
  std::string payload;
};

/// The complete server frames in `bytes` (which start at a frame boundary).
std::vector<server_frame> split_frames(std::string_view bytes);

/// The status code of a close frame's payload (0 when it has none).
std::uint16_t close_code_of(const server_frame& f);

/// A TCP client on 127.0.0.1 that writes and reads raw bytes, in pieces, for what a
/// well-behaved client library never sends (malformed or slowly sent requests).
class raw_tcp {
 public:
  explicit raw_tcp(std::uint16_t port);

  /// Writes all of `bytes` within 10 s (throws when it cannot: the server closed or reset the
  /// connection, or stopped reading).
  void write(const std::string& bytes);
  /// Reads until `done(received)` holds or the server closes or the deadline passes; returns
  /// whether `done` held.
  bool read_until(const std::function<bool(const std::string&)>& done,
                  std::chrono::milliseconds deadline = std::chrono::seconds(5));
  /// Reads until the server closes the connection or the deadline passes; returns eof().
  bool read_to_eof(std::chrono::milliseconds deadline = std::chrono::seconds(10));
  /// Everything received so far.
  const std::string& received() const { return received_; }
  /// True once the server closed (or reset) the TCP connection.
  bool eof() const { return eof_; }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  std::string received_;
  bool eof_ = false;
};

/// A WebSocket client that speaks raw bytes, for what a well-behaved client library never sends.
class raw_ws : public raw_tcp {
 public:
  /// Connects to 127.0.0.1:port and sends the upgrade request (with `version`) immediately
  /// followed by `extra` in the same write.
  raw_ws(std::uint16_t port, const std::string& token, const std::string& extra = {},
         const std::string& version = "13");

  /// The frames received after the HTTP response head.
  std::vector<server_frame> frames() const;
  /// True once a frame with this opcode whose payload contains `payload_part` has arrived.
  bool has_frame(std::uint8_t opcode, std::string_view payload_part) const;
  /// Reads until the server's close frame arrives; its code, or 0 without one by the deadline.
  std::uint16_t read_close_code(std::chrono::milliseconds deadline = std::chrono::seconds(5));
};

}  // namespace parley::test
