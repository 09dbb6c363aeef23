#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>

namespace parley::ws {

/// The Sec-WebSocket-Accept value answering a client's Sec-WebSocket-Key (RFC 6455 4.2.2).
std::string accept_key(std::string_view client_key);

/// What an upgrade request's WebSocket headers allow.
enum class handshake_verdict {
  accept,         ///< version 13 with a well-formed key: answer 101
  wrong_version,  ///< answer 426 with `Sec-WebSocket-Version: 13`
  bad_key,        ///< missing or malformed Sec-WebSocket-Key: answer 400
};

/// Judges the Sec-WebSocket-Version and Sec-WebSocket-Key header values.
handshake_verdict check_handshake(std::string_view version, std::string_view key);

/// The bytes of the 101 Switching Protocols answer to an accepted handshake (HTTP/1.1, the only
/// version that can upgrade). Bytes rather than a Beast message, so the connection queues them
/// with its first frames and one write carries the answer and `hello`.
std::string switching_protocols(std::string_view client_key);

}  // namespace parley::ws
