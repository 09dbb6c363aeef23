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

/// The 101 Switching Protocols answer to an accepted handshake.
boost::beast::http::response<boost::beast::http::string_body> switching_protocols(
    unsigned http_version, std::string_view client_key);

}  // namespace parley::ws
