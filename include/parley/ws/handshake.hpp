#pragma once

#include <string>
#include <string_view>

#include "parley/http/responses.hpp"

namespace parley::ws {

/// The Sec-WebSocket-Accept value answering a client's Sec-WebSocket-Key (RFC 6455 4.2.2).
std::string accept_key(std::string_view client_key);

/// The server's answer to a WebSocket upgrade request: 101 Switching Protocols, or 426 (with
/// the supported version) for another protocol version, or 400 for a missing or malformed key.
http::response handshake_response(const http::request& req);

}  // namespace parley::ws
