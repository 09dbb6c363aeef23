#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "support/http_client.hpp"

namespace parley::test {

using namespace std::chrono_literals;

/// A self-signed certificate and its key, made with the openssl command in `dir`.
struct test_certificate {
  std::filesystem::path cert;
  std::filesystem::path key;
};
test_certificate make_certificate(const std::filesystem::path& dir, const std::string& name,
                                  const std::string& common_name);

/// What a TLS client saw of the server.
struct tls_peer {
  std::string common_name;  ///< of the server's certificate
  std::string protocol;     ///< "TLSv1.3", ...
};

/// The client side: trusts any certificate (tests make their own) and speaks TLS 1.2 and 1.3,
/// or only up to `max_version` (an OpenSSL TLS1_x_VERSION) to check the server refuses it.
boost::asio::ssl::context client_context(int max_version = 0);

/// One HTTPS request on a fresh connection to 127.0.0.1:port (10 s deadline); throws when the
/// connection or the handshake fails. `peer`, if given, gets what the handshake showed.
http_reply https_call(std::uint16_t port, boost::beast::http::verb method,
                      const std::string& target, const std::string& body = {},
                      const std::map<std::string, std::string>& headers = {},
                      tls_peer* peer = nullptr, int max_version = 0);

/// A WebSocket client over TLS (wss://) authenticated by a query token.
class wss_client {
 public:
  wss_client(std::uint16_t port, const std::string& token);
  wss_client(const wss_client&) = delete;
  wss_client& operator=(const wss_client&) = delete;

  void send(const boost::json::object& frame);
  /// The next frame of `type` (others are skipped); throws at the deadline.
  boost::json::object read_type(const std::string& type, std::chrono::milliseconds deadline = 5s);
  /// Sends a frame with a fresh ref and returns the answer with that ref.
  boost::json::object request(boost::json::object frame, std::chrono::milliseconds deadline = 5s);

 private:
  /// The next frame; throws at the deadline (the client is then closed).
  boost::json::object read_any(std::chrono::milliseconds deadline);

  boost::asio::io_context ioc_;
  boost::asio::ssl::context ctx_;
  boost::beast::websocket::stream<boost::asio::ssl::stream<boost::beast::tcp_stream>> ws_;
  int next_ref_ = 1;
};

}  // namespace parley::test
