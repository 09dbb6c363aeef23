#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace parley::test {

/// One HTTP response as the tests look at it.
struct http_reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;

  /// The body parsed as JSON (throws if it is not).
  boost::json::value json() const;
  /// A header's value, empty when absent.
  std::string header(const std::string& lower_name) const;
};

/// Where a test server listens: loopback, unless it runs in a network namespace of its own.
struct endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
};

/// Sends one request to 127.0.0.1:port on a fresh connection (10 s deadline for everything).
http_reply http_call(std::uint16_t port, boost::beast::http::verb method, const std::string& target,
                     const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {});
/// The same to any address.
http_reply http_call(const endpoint& to, boost::beast::http::verb method, const std::string& target,
                     const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {});

/// The request http_call sends: Host, the headers, a JSON content type for a body.
boost::beast::http::request<boost::beast::http::string_body> build_request(
    std::uint16_t port, boost::beast::http::verb method, const std::string& target,
    const std::string& body, const std::map<std::string, std::string>& headers);
http_reply to_reply(const boost::beast::http::response<boost::beast::http::string_body>& response);

/// Writes raw bytes and reads until the server closes (or the deadline); returns what came back.
std::string raw_exchange(std::uint16_t port, const std::string& bytes);

/// The Authorization header for a token.
std::map<std::string, std::string> bearer(const std::string& token);

/// Checks (Catch2 CHECKs) that `r` is an error answer of the contract: this status, a JSON body
/// with this `error.code` and a non-empty `error.message`.
void check_error(const http_reply& r, unsigned status, const std::string& code);

/// POST /api/signup then /api/login; returns the token.
std::string signup_and_login(std::uint16_t port, const std::string& username,
                             const std::string& password = "correct horse");
std::string signup_and_login(const endpoint& to, const std::string& username,
                             const std::string& password = "correct horse");

}  // namespace parley::test
