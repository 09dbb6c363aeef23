// The WebSocket layer byte by byte: what browsers and odd clients send that a client library
// hides (frames pipelined with the upgrade, fragments, control frames, protocol errors).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/chat_server.hpp"
#include "support/raw_ws.hpp"

using namespace parley::test;

TEST_CASE("raw WebSocket: pipelined frame, pings, fragments and the close handshake") {
  chat_server s;
  // A frame sent in the same write as the upgrade request must not be lost.
  raw_ws c(s.port(), s.token("alice"), masked_frame(0x81, R"({"type":"ping","ref":"early"})"));
  REQUIRE(c.read_until([&](const std::string&) { return c.has_frame(0x1, R"("ref":"early")"); }));
  CHECK(c.received().starts_with("HTTP/1.1 101"));
  CHECK(c.received().find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") !=
        std::string::npos);
  REQUIRE(!c.frames().empty());
  CHECK(c.frames().front().payload.find(R"("type":"hello")") != std::string::npos);

  // A client ping is answered with a pong carrying the same payload.
  c.write(masked_frame(0x89, "are you there"));
  CHECK(c.read_until([&](const std::string&) { return c.has_frame(0xA, "are you there"); }));

  // A message in three fragments, with a ping between them, is one command.
  c.write(masked_frame(0x01, R"({"type":"pi)") + masked_frame(0x89, "mid") +
          masked_frame(0x00, R"(ng","ref")") + masked_frame(0x80, R"(:"frag"})"));
  CHECK(c.read_until([&](const std::string&) { return c.has_frame(0x1, R"("ref":"frag")"); }));
  CHECK(c.has_frame(0xA, "mid"));

  // Many messages in one write are all answered, in order.
  std::string burst;
  for (int i = 0; i < 50; ++i) {
    burst += masked_frame(0x81, R"({"type":"ping","ref":"b)" + std::to_string(i) + R"("})");
  }
  c.write(burst);
  CHECK(c.read_until([&](const std::string&) { return c.has_frame(0x1, R"("ref":"b49")"); }));
  std::vector<std::string> refs;
  for (const auto& f : c.frames()) {
    if (const auto at = f.payload.find(R"("ref":"b)"); at != std::string::npos) {
      refs.push_back(f.payload.substr(at + 8, f.payload.find('"', at + 8) - at - 8));
    }
  }
  REQUIRE(refs.size() == 50);
  for (int i = 0; i < 50; ++i) {
    CHECK(refs[static_cast<std::size_t>(i)] == std::to_string(i));
  }

  // Our close is echoed with its code, then the server ends the TCP connection.
  c.write(masked_frame(0x88, std::string("\x03\xe8", 2) + "bye"));
  CHECK(c.read_until([&](const std::string&) { return c.eof(); }));
  const auto frames = c.frames();
  REQUIRE(!frames.empty());
  CHECK(frames.back().opcode == 0x8);
  CHECK(close_code_of(frames.back()) == 1000);
}

TEST_CASE("raw WebSocket: protocol errors close with their code, other versions get 426") {
  chat_server s;
  const auto token = s.token("alice");

  std::string unmasked = masked_frame(0x81, R"({"type":"ping"})");
  unmasked[1] = static_cast<char>(unmasked[1] & 0x7F);
  raw_ws a(s.port(), token, unmasked);
  CHECK(a.read_close_code() == 1002);
  // The server shuts its side after its close; the connection ends without our answer.
  CHECK(a.read_until([&](const std::string&) { return a.eof(); }, std::chrono::seconds(10)));

  raw_ws b(s.port(), token, masked_frame(0x83, "x"));  // reserved opcode
  CHECK(b.read_close_code() == 1002);

  raw_ws old(s.port(), token, {}, "8");
  REQUIRE(
      old.read_until([](const std::string& r) { return r.find("\r\n\r\n") != std::string::npos; }));
  CHECK(old.received().starts_with("HTTP/1.1 426"));
  CHECK(old.received().find("Sec-WebSocket-Version: 13") != std::string::npos);

  // The server still serves everyone else.
  auto d = s.connect("bob");
  CHECK(d->request({{"type", "ping"}}).at("type").as_string() == "pong");
}
