#include <catch2/catch.hpp>

#include <string>

#include "parley/http/responses.hpp"

using namespace parley;
namespace beast_http = boost::beast::http;

namespace {

/// The bytes a socket write of the reply sends.
std::string written(http::reply r) {
  std::string out;
  while (!r.message.is_done()) {
    boost::beast::error_code ec;
    const auto buffers = r.message.prepare(ec);
    REQUIRE_FALSE(ec);
    std::size_t n = 0;
    for (const auto& b : buffers) {
      out.append(static_cast<const char*>(b.data()), b.size());
      n += b.size();
    }
    r.message.consume(n);
  }
  return out;
}

http::request request_for(beast_http::verb method) {
  http::request req(method, "/missing", 11);
  req.keep_alive(true);
  return req;
}

}  // namespace

// Found by fuzz_http_request: a 404 or 405 answer to HEAD carried its JSON body, which a
// keep-alive client reads as the start of the next response.
TEST_CASE("an error answer to HEAD has the GET's length and no body") {
  const auto get = written(http::make_reply(http::error_response(
      request_for(beast_http::verb::get), beast_http::status::not_found, error::code::not_found)));
  const auto head = written(http::make_reply(http::error_response(
      request_for(beast_http::verb::head), beast_http::status::not_found, error::code::not_found)));
  const auto get_body = get.substr(get.find("\r\n\r\n") + 4);
  REQUIRE_FALSE(get_body.empty());
  CHECK(head.ends_with("\r\n\r\n"));
  CHECK(head.find("\r\n\r\n") == head.size() - 4);
  CHECK(head.find("Content-Length: " + std::to_string(get_body.size()) + "\r\n") !=
        std::string::npos);
}

TEST_CASE("make_reply sets the length of a response that has none") {
  http::response res(beast_http::status::ok, 11);
  res.body() = "four";
  const auto out = written(http::make_reply(std::move(res)));
  CHECK(out.find("Content-Length: 4\r\n") != std::string::npos);
  CHECK(out.ends_with("\r\n\r\nfour"));
}
