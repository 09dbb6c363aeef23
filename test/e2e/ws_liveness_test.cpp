// Guarantee 6: idle connections are pinged and dead ones closed.
#include <catch2/catch.hpp>

#include <thread>

#include <boost/json.hpp>

#include "support/chat_server.hpp"
#include "support/raw_ws.hpp"

using namespace parley::test;

TEST_CASE("a silent connection is pinged at half the idle timeout and closed at all of it") {
  chat_server s({"--idle-timeout", "2"});
  raw_ws c(s.port(), s.token("alice"));
  const auto started = std::chrono::steady_clock::now();
  // Read everything the server sends, never answering, until it closes the connection.
  const bool closed = c.read_until([&](const std::string&) { return c.eof(); }, 15s);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(closed);
  CHECK(c.received().starts_with("HTTP/1.1 101"));
  // A server-to-client ping frame is FIN + opcode 9: byte 0x89.
  CHECK(c.received().find('\x89') != std::string::npos);
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

TEST_CASE(
    "the idle ping comes half the timeout after the client's last frame, the close all of it") {
  chat_server s({"--idle-timeout", "4"});
  raw_ws c(s.port(), s.token("alice"));
  REQUIRE(c.read_until([](const std::string& r) { return r.find("\"hello\"") != r.npos; }));
  // Activity shortly after connecting must restart the silence count from that moment.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  c.write(masked_frame(0x81, R"({"type":"ping"})"));
  const auto last_sent = std::chrono::steady_clock::now();
  REQUIRE(c.read_until([](const std::string& r) { return r.find('\x89') != r.npos; }, 10s));
  const auto pinged = std::chrono::steady_clock::now() - last_sent;
  CHECK(pinged >= std::chrono::milliseconds(1800));
  CHECK(pinged < std::chrono::milliseconds(3000));
  REQUIRE(c.read_until([&](const std::string&) { return c.eof(); }, 10s));
  const auto closed = std::chrono::steady_clock::now() - last_sent;
  CHECK(closed >= std::chrono::milliseconds(3800));
  CHECK(closed < std::chrono::milliseconds(5500));
}
