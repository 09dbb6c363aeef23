#include <catch2/catch.hpp>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "parley/ws/handshake.hpp"

using namespace parley;

TEST_CASE("the handshake answers RFC 6455's sample key and refuses bad requests") {
  CHECK(ws::accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  CHECK(ws::check_handshake("13", "dGhlIHNhbXBsZSBub25jZQ==") == ws::handshake_verdict::accept);
  CHECK(ws::check_handshake("8", "dGhlIHNhbXBsZSBub25jZQ==") ==
        ws::handshake_verdict::wrong_version);
  CHECK(ws::check_handshake("", "dGhlIHNhbXBsZSBub25jZQ==") ==
        ws::handshake_verdict::wrong_version);
  CHECK(ws::check_handshake("13", "short") == ws::handshake_verdict::bad_key);
  CHECK(ws::check_handshake("13", "") == ws::handshake_verdict::bad_key);
  CHECK(ws::check_handshake("13", "dGhlIHNhbXBsZSBub25jZQ=!") == ws::handshake_verdict::bad_key);

  const auto ok = ws::switching_protocols("dGhlIHNhbXBsZSBub25jZQ==");
  boost::beast::http::response_parser<boost::beast::http::empty_body> parser;
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(ok), ec);
  REQUIRE_FALSE(ec);
  REQUIRE(parser.is_header_done());
  const auto& res = parser.get();
  CHECK(res.result_int() == 101);
  CHECK(res.version() == 11);
  CHECK(res[boost::beast::http::field::upgrade] == "websocket");
  CHECK(res[boost::beast::http::field::connection] == "Upgrade");
  CHECK(res[boost::beast::http::field::sec_websocket_accept] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}
