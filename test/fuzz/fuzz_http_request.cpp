// The HTTP request path without sockets: bytes are parsed as the connection parses them (same
// limits), routed, and answered by the real handlers against a real store; every response must
// be well-formed (http_response_check.hpp). Static paths are answered twice, from the built-in
// web client and from a directory on disk, and the disk one must never serve a file from outside
// its root. Up to four pipelined requests per input, as on one keep-alive connection.

#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "check.hpp"
#include "http_fuzz_server.hpp"
#include "http_response_check.hpp"
#include "parley/http/router.hpp"
#include "parley/http/url.hpp"

namespace {

namespace beast_http = boost::beast::http;
namespace http = parley::http;
using parley::fuzz::http_fuzz_server;

// net::http_session's limits (net is not linked: it would bring the whole server along).
constexpr std::size_t max_header_bytes = 16 * 1024;
constexpr std::size_t max_body_bytes = 64 * 1024;
constexpr int max_requests = 4;

/// Requests the connection answers itself, never through handle_request: the upgrade, and the
/// uploads whose bodies stream.
bool answered_by_connection(const http::request& req, const http::routing& routed) {
  if (boost::beast::websocket::is_upgrade(req) && http::split_target(req.target()).path == "/ws") {
    return true;
  }
  return routed.result == http::routing::outcome::found &&
         (routed.route == http::route::upload || routed.route == http::route::upload_file);
}

void answer_and_check(http_fuzz_server& server, const http::request& req, bool from_disk) {
  const auto written = server.answer(req, from_disk);
  parley::fuzz::check_response(req, written);
  PARLEY_FUZZ_CHECK(written.find(http_fuzz_server::outside_marker) == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static http_fuzz_server server;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < max_requests && !bytes.empty(); ++i) {
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(max_header_bytes);
    parser.body_limit(max_body_bytes);
    parser.eager(true);
    boost::beast::error_code ec;
    const auto used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    // A malformed request is answered by the connection, an incomplete one waits for more bytes.
    if (ec || !parser.is_done()) {
      return 0;
    }
    bytes.remove_prefix(used);
    const auto req = parser.release();
    const auto routed = http::route_request(req.method(), http::split_target(req.target()).path);
    if (answered_by_connection(req, routed)) {
      return 0;
    }
    answer_and_check(server, req, false);
    if (routed.result == http::routing::outcome::found &&
        routed.route == http::route::static_file) {
      answer_and_check(server, req, true);
    }
    if (!req.keep_alive()) {
      return 0;
    }
  }
  return 0;
}
