#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "parley/ws/frame.hpp"
#include "support/raw_ws.hpp"

using namespace parley;
using parley::test::masked_frame;
using kind = ws::frame_event::kind;

namespace {

struct decoded {
  kind what;
  std::string payload;
  std::uint16_t code;
};

/// Feeds `bytes` one byte at a time (the worst split a socket can produce) and collects events.
std::vector<decoded> decode_bytewise(const std::string& bytes, std::size_t max_message = 1000) {
  ws::frame_reader reader(max_message);
  std::string buffer;
  std::vector<decoded> out;
  for (char c : bytes) {
    buffer += c;
    for (int guard = 0; guard < 100; ++guard) {
      const auto e = reader.next({buffer.data(), buffer.size()});
      if (e.what != kind::incomplete) {
        out.push_back({e.what, std::string(e.payload), e.code});
        if (e.what == kind::error) {
          return out;
        }
      }
      buffer.erase(0, e.consumed);
      if (e.consumed == 0) {
        break;
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("server frames use the shortest length encoding and no mask") {
  std::string out;
  ws::append_frame(out, ws::opcode::text, "hi");
  CHECK(out == std::string("\x81\x02hi", 4));

  out.clear();
  ws::append_frame(out, ws::opcode::text, std::string(126, 'x'));
  REQUIRE(out.size() == 4 + 126);
  CHECK(std::uint8_t(out[1]) == 126);
  CHECK(std::uint8_t(out[2]) == 0);
  CHECK(std::uint8_t(out[3]) == 126);

  out.clear();
  ws::append_frame(out, ws::opcode::text, std::string(70000, 'x'));
  REQUIRE(out.size() == 10 + 70000);
  CHECK(std::uint8_t(out[1]) == 127);
  CHECK(std::uint8_t(out[7]) == 0x01);  // 70000 = 0x011170
  CHECK(std::uint8_t(out[8]) == 0x11);
  CHECK(std::uint8_t(out[9]) == 0x70);

  out.clear();
  ws::append_close(out, ws::close_code::policy_error, "slow consumer");
  CHECK(out == std::string("\x88\x0f\x03\xf0slow consumer", 17));

  out.clear();
  ws::append_close(out, ws::close_code::normal, {});  // the echo of a close without a reason
  CHECK(out == std::string("\x88\x02\x03\xe8", 4));

  out.clear();
  ws::append_close(out, 1000, std::string(300, 'r'));  // a control frame holds 125 bytes
  CHECK(std::uint8_t(out[1]) == 125);
  CHECK(out.size() == 127);
}

TEST_CASE("masked client messages decode whole, whatever the split") {
  const std::string medium(300, 'm');
  const auto bytes = masked_frame(0x81, "hello") + masked_frame(0x81, medium) +
                     masked_frame(0x89, "are you there") + masked_frame(0x8A, "") +
                     masked_frame(0x88, std::string("\x03\xe8", 2) + "bye");
  const auto events = decode_bytewise(bytes);
  REQUIRE(events.size() == 5);
  CHECK(events[0].what == kind::text);
  CHECK(events[0].payload == "hello");
  CHECK(events[1].payload == medium);
  CHECK(events[2].what == kind::ping);
  CHECK(events[2].payload == "are you there");
  CHECK(events[3].what == kind::pong);
  CHECK(events[4].what == kind::close);
  CHECK(events[4].code == 1000);
  CHECK(events[4].payload == "bye");
}

TEST_CASE("fragments assemble into one message, with control frames in between") {
  const auto bytes = masked_frame(0x01, "frag") + masked_frame(0x89, "p") +
                     masked_frame(0x00, "men") + masked_frame(0x80, "ted") +
                     masked_frame(0x81, "next");
  const auto events = decode_bytewise(bytes);
  REQUIRE(events.size() == 3);
  CHECK(events[0].what == kind::ping);
  CHECK(events[1].what == kind::text);
  CHECK(events[1].payload == "fragmented");
  CHECK(events[2].payload == "next");
}

TEST_CASE("binary messages and an empty close are reported as such") {
  const auto events = decode_bytewise(masked_frame(0x82, "\x01\x02") + masked_frame(0x88, ""));
  REQUIRE(events.size() == 2);
  CHECK(events[0].what == kind::binary);
  CHECK(events[0].payload == "\x01\x02");
  CHECK(events[1].what == kind::close);
  CHECK(events[1].code == 1005);
}

TEST_CASE("protocol violations name the close code") {
  auto first_error = [](const std::string& bytes, std::size_t max = 1000) -> std::uint16_t {
    const auto events = decode_bytewise(bytes, max);
    return !events.empty() && events.back().what == kind::error ? events.back().code : 0;
  };
  std::string unmasked = masked_frame(0x81, "x");
  unmasked[1] = static_cast<char>(unmasked[1] & 0x7F);
  CHECK(first_error(unmasked) == ws::close_code::protocol_error);
  CHECK(first_error(masked_frame(0xC1, "x")) == ws::close_code::protocol_error);  // RSV1
  CHECK(first_error(masked_frame(0x83, "x")) == ws::close_code::protocol_error);  // opcode 3
  CHECK(first_error(masked_frame(0x09, "x")) == ws::close_code::protocol_error);  // fragmented ping
  CHECK(first_error(masked_frame(0x89, std::string(126, 'p'))) ==
        ws::close_code::protocol_error);  // long ping
  CHECK(first_error(masked_frame(0x80, "x")) ==
        ws::close_code::protocol_error);  // stray continuation
  CHECK(first_error(masked_frame(0x01, "a") + masked_frame(0x81, "b")) ==
        ws::close_code::protocol_error);
  CHECK(first_error(masked_frame(0x88, "\x03")) == ws::close_code::protocol_error);
  CHECK(first_error(masked_frame(0x88, std::string("\x03\xed", 2))) ==
        ws::close_code::protocol_error);  // 1005 may not be sent
  CHECK(first_error(masked_frame(0x81, "\xff\xfe")) == ws::close_code::bad_payload);
  CHECK(first_error(masked_frame(0x81, std::string(1001, 'b'))) == ws::close_code::too_big);
  CHECK(first_error(masked_frame(0x01, std::string(600, 'b')) +
                    masked_frame(0x80, std::string(600, 'b'))) == ws::close_code::too_big);
}

TEST_CASE("an oversized message is refused from its header, before its payload arrives") {
  ws::frame_reader reader(1000);
  auto bytes = masked_frame(0x81, std::string(70000, 'x')).substr(0, 14);
  const auto e = reader.next({bytes.data(), bytes.size()});
  CHECK(e.what == kind::error);
  CHECK(e.code == ws::close_code::too_big);
}
