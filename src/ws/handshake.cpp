#include "parley/ws/handshake.hpp"

#include <openssl/evp.h>

#include <array>

namespace parley::ws {
namespace beast_http = boost::beast::http;

namespace {

constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// A Sec-WebSocket-Key must be 16 random bytes in padded base64: exactly 24 characters.
bool well_formed_key(std::string_view key) {
  if (key.size() != 24 || !key.ends_with("==")) {
    return false;
  }
  std::array<unsigned char, 18> decoded{};
  return EVP_DecodeBlock(decoded.data(), reinterpret_cast<const unsigned char*>(key.data()),
                         static_cast<int>(key.size())) == 18;
}

}  // namespace

std::string accept_key(std::string_view client_key) {
  std::string input(client_key);
  input.append(guid);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &digest_size, EVP_sha1(), nullptr);
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded{};
  const int n = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest_size));
  return {reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(n)};
}

handshake_verdict check_handshake(std::string_view version, std::string_view key) {
  if (version != "13") {
    return handshake_verdict::wrong_version;
  }
  return well_formed_key(key) ? handshake_verdict::accept : handshake_verdict::bad_key;
}

std::string switching_protocols(std::string_view client_key) {
  std::string out =
      "HTTP/1.1 101 Switching Protocols\r\nServer: parley\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Accept: ";
  out += accept_key(client_key);
  out += "\r\n\r\n";
  return out;
}

}  // namespace parley::ws
