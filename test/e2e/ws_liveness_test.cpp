// Guarantee 6: idle connections are pinged and dead ones closed.
#include <catch2/catch.hpp>

#include <boost/asio.hpp>
#include <boost/json.hpp>

#include "support/chat_server.hpp"

using namespace parley::test;
namespace asio = boost::asio;

TEST_CASE("a silent connection is pinged at half the idle timeout and closed at all of it") {
  chat_server s({"--idle-timeout", "2"});
  const auto token = s.token("alice");
  asio::io_context ioc;
  asio::ip::tcp::socket sock(ioc);
  sock.connect({asio::ip::make_address("127.0.0.1"), s.port()});
  const std::string upgrade =
      "GET /ws?token=" + token +
      " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  asio::write(sock, asio::buffer(upgrade));

  // Read everything the server sends, never answering, until it closes the connection.
  std::string received;
  std::array<char, 4096> chunk{};
  bool closed = false;
  const auto started = std::chrono::steady_clock::now();
  std::function<void(boost::system::error_code, std::size_t)> on_read =
      [&](boost::system::error_code ec, std::size_t n) {
        received.append(chunk.data(), n);
        if (ec) {
          closed = true;
          return;
        }
        sock.async_read_some(asio::buffer(chunk), on_read);
      };
  sock.async_read_some(asio::buffer(chunk), on_read);
  ioc.run_for(std::chrono::seconds(15));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(closed);
  CHECK(received.starts_with("HTTP/1.1 101"));
  // A server-to-client ping frame is FIN + opcode 9: byte 0x89.
  CHECK(received.find('\x89') != std::string::npos);
  CHECK(elapsed >= std::chrono::milliseconds(1500));
  CHECK(elapsed < std::chrono::seconds(10));
}

TEST_CASE("a client that answers pings outlives the idle timeout") {
  chat_server s({"--idle-timeout", "2"});
  auto c = s.connect("alice");
  // Reading lets the client answer the server's pings; no frame is expected for 3 s.
  CHECK_FALSE(c->try_read(std::chrono::milliseconds(3000)).has_value());
  CHECK(c->request({{"type", "ping"}}).at("type").as_string() == "pong");
}
