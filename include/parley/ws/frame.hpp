#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace parley::ws {

/// RFC 6455 section 5.2 opcodes.
enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// The close codes parley sends (RFC 6455 section 7.4.1).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unknown_data = 1003;
inline constexpr std::uint16_t bad_payload = 1007;
inline constexpr std::uint16_t policy_error = 1008;
inline constexpr std::uint16_t too_big = 1009;
}  // namespace close_code

/// Appends one unmasked, final server frame.
void append_frame(std::string& out, opcode op, std::string_view payload);
/// Appends a close frame with `code` and `reason` (cut to fit a control frame).
void append_close(std::string& out, std::uint16_t code, std::string_view reason);

/// What frame_reader::next found at the front of the bytes it was given.
struct frame_event {
  enum class kind {
    incomplete,  ///< more bytes are needed
    text,        ///< a complete text message in `payload`
    binary,      ///< a complete binary message
    ping,
    pong,
    close,  ///< the peer's close frame: `code` (1005 when it carried none) and `payload` (reason)
    error,  ///< a protocol violation: close with `code`, reason in `payload`
  };
  kind what = kind::incomplete;
  std::size_t consumed = 0;  ///< bytes of input this event used up
  std::string_view payload;  ///< into the input (unmasked in place) or into the reader
  std::uint16_t code = 0;
};

/// Decodes client-to-server frames (masked, no extensions) and assembles fragmented messages.
/// Pure logic: the caller owns the bytes, drops each event's `consumed` bytes and calls next()
/// again until it reports `incomplete` having consumed nothing (a non-final fragment is
/// `incomplete` with bytes consumed).
class frame_reader {
 public:
  explicit frame_reader(std::size_t max_message) : max_message_(max_message) {}

  /// Decodes the next event from `bytes`, unmasking its payload in place. A message or control
  /// payload stays valid until the next call or until the caller drops the consumed bytes.
  frame_event next(std::span<char> bytes);

 private:
  std::size_t max_message_;
  opcode fragmented_ = opcode::continuation;  ///< the opcode of a message in progress
  std::string assembled_;                     ///< its payload so far
};

}  // namespace parley::ws
