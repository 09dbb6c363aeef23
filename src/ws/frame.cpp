#include "parley/ws/frame.hpp"

#include <algorithm>
#include <cstring>

#include "parley/util/utf8.hpp"

namespace parley::ws {
namespace {

constexpr std::size_t max_control_payload = 125;

frame_event error(std::uint16_t code, std::string_view reason) {
  return {frame_event::kind::error, 0, reason, code};
}

bool is_control(opcode op) {
  return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}

bool is_known(std::uint8_t op) {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

/// Close codes a peer may send (RFC 6455 section 7.4).
bool is_valid_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) {
    return true;
  }
  return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
}

void unmask(char* data, std::size_t size, const std::uint8_t (&key)[4]) {
  for (std::size_t i = 0; i < size; ++i) {
    data[i] = static_cast<char>(static_cast<std::uint8_t>(data[i]) ^ key[i & 3]);
  }
}

}  // namespace

void append_frame(std::string& out, opcode op, std::string_view payload) {
  char header[10];
  header[0] = static_cast<char>(0x80 | static_cast<std::uint8_t>(op));
  std::size_t header_size = 2;
  const auto size = payload.size();
  if (size < 126) {
    header[1] = static_cast<char>(size);
  } else if (size <= 0xFFFF) {
    header[1] = 126;
    header[2] = static_cast<char>(size >> 8);
    header[3] = static_cast<char>(size);
    header_size = 4;
  } else {
    header[1] = 127;
    for (int i = 0; i < 8; ++i) {
      header[2 + i] = static_cast<char>(static_cast<std::uint64_t>(size) >> (56 - 8 * i));
    }
    header_size = 10;
  }
  out.append(header, header_size);
  out.append(payload);
}

void append_close(std::string& out, std::uint16_t code, std::string_view reason) {
  char body[max_control_payload];
  body[0] = static_cast<char>(code >> 8);
  body[1] = static_cast<char>(code);
  const auto n = std::min(reason.size(), max_control_payload - 2);
  if (n > 0) {
    std::memcpy(body + 2, reason.data(), n);  // an empty view may hold a null pointer
  }
  append_frame(out, opcode::close, {body, n + 2});
}

frame_event frame_reader::next(std::span<char> bytes) {
  if (fragmented_ == opcode::continuation && !assembled_.empty()) {
    assembled_ = std::string();  // the last fragmented message was handed out; free it
  }
  if (bytes.size() < 2) {
    return {};
  }
  const auto b0 = static_cast<std::uint8_t>(bytes[0]);
  const auto b1 = static_cast<std::uint8_t>(bytes[1]);
  const bool fin = (b0 & 0x80) != 0;
  const auto raw_op = static_cast<std::uint8_t>(b0 & 0x0F);
  if ((b0 & 0x70) != 0) {
    return error(close_code::protocol_error, "reserved bits set");
  }
  if (!is_known(raw_op)) {
    return error(close_code::protocol_error, "unknown opcode");
  }
  if ((b1 & 0x80) == 0) {
    return error(close_code::protocol_error, "client frames must be masked");
  }
  const auto op = static_cast<opcode>(raw_op);
  std::uint64_t length = b1 & 0x7F;
  std::size_t header_size = 2;
  if (length == 126) {
    header_size = 4;
  } else if (length == 127) {
    header_size = 10;
  }
  header_size += 4;  // the mask
  if (bytes.size() < header_size) {
    return {};
  }
  if (length == 126) {
    length = (std::uint64_t(std::uint8_t(bytes[2])) << 8) | std::uint8_t(bytes[3]);
  } else if (length == 127) {
    length = 0;
    for (int i = 0; i < 8; ++i) {
      length = (length << 8) | std::uint8_t(bytes[2 + i]);
    }
  }

  if (is_control(op)) {
    if (!fin || length > max_control_payload) {
      return error(close_code::protocol_error, "bad control frame");
    }
  } else {
    if (op == opcode::continuation && fragmented_ == opcode::continuation) {
      return error(close_code::protocol_error, "continuation without a message");
    }
    if (op != opcode::continuation && fragmented_ != opcode::continuation) {
      return error(close_code::protocol_error, "new message inside a fragmented one");
    }
    const std::uint64_t so_far = op == opcode::continuation ? assembled_.size() : 0;
    if (length > max_message_ || so_far + length > max_message_) {
      return error(close_code::too_big, "message too big");
    }
  }
  if (bytes.size() - header_size < length) {
    return {};
  }

  std::uint8_t key[4];
  std::memcpy(key, bytes.data() + header_size - 4, 4);
  char* data = bytes.data() + header_size;
  const auto size = static_cast<std::size_t>(length);
  unmask(data, size, key);
  const std::size_t consumed = header_size + size;
  const std::string_view payload(data, size);

  switch (op) {
    case opcode::ping:
      return {frame_event::kind::ping, consumed, payload};
    case opcode::pong:
      return {frame_event::kind::pong, consumed, payload};
    case opcode::close: {
      if (size == 1) {
        return error(close_code::protocol_error, "bad close frame");
      }
      std::uint16_t code = 1005;
      std::string_view reason;
      if (size >= 2) {
        code = static_cast<std::uint16_t>((std::uint8_t(data[0]) << 8) | std::uint8_t(data[1]));
        reason = payload.substr(2);
        if (!is_valid_close_code(code)) {
          return error(close_code::protocol_error, "bad close code");
        }
        if (!util::utf8_length(reason)) {
          return error(close_code::bad_payload, "close reason is not UTF-8");
        }
      }
      return {frame_event::kind::close, consumed, reason, code};
    }
    default:
      break;
  }

  std::string_view message = payload;
  opcode kind = op;
  if (op == opcode::continuation) {
    assembled_.append(payload);
    if (!fin) {
      return {frame_event::kind::incomplete, consumed, {}};
    }
    kind = fragmented_;
    fragmented_ = opcode::continuation;
    message = assembled_;
  } else if (!fin) {
    fragmented_ = op;
    assembled_.assign(payload);
    return {frame_event::kind::incomplete, consumed, {}};
  }
  if (kind == opcode::binary) {
    return {frame_event::kind::binary, consumed, message};
  }
  if (!util::utf8_length(message)) {
    return error(close_code::bad_payload, "text is not UTF-8");
  }
  return {frame_event::kind::text, consumed, message};
}

}  // namespace parley::ws
