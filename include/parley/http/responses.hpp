#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include "parley/error/code.hpp"

namespace parley::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

/// A response ready to write, with its status kept for logs and metrics.
struct reply {
  unsigned status;
  boost::beast::http::message_generator message;
};

/// The headers every response carries: Server, and X-Content-Type-Options: nosniff so that no
/// browser guesses a type we did not send.
void common_headers(boost::beast::http::fields& fields);

/// The policy sent with every HTML page: scripts, styles and connections from this server only,
/// images also from data: and blob: URLs (previews), no plugins, no framing.
inline constexpr std::string_view content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'";

/// True when an If-None-Match list names `etag` (or is `*`): the client's copy is current.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

/// A JSON response to `req` (same version and keep-alive), `Cache-Control: no-store`. To a HEAD
/// request it carries the Content-Length a GET would get, but no body: the client reads none, and
/// body bytes would be taken for the start of the next response.
response json_response(const request& req, boost::beast::http::status status,
                       const boost::json::value& body);

/// The contract's error body `{"error":{"code","message"}}`.
response error_response(const request& req, boost::beast::http::status status, error::code code,
                        std::string_view message = {});

/// Wraps a finished response as a reply, setting its Content-Length unless it already has one
/// (json_response's answer to HEAD keeps the length of the body it does not send).
template <class Body>
reply make_reply(boost::beast::http::response<Body>&& res) {
  const auto status = res.result_int();
  if (!res.has_content_length()) {
    res.prepare_payload();
  }
  return {status, boost::beast::http::message_generator(std::move(res))};
}

}  // namespace parley::http
