#include <catch2/catch.hpp>

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

  const auto ok = ws::switching_protocols(11, "dGhlIHNhbXBsZSBub25jZQ==");
  CHECK(ok.result_int() == 101);
  CHECK(ok.version() == 11);
  CHECK(ok[boost::beast::http::field::upgrade] == "websocket");
  CHECK(ok[boost::beast::http::field::sec_websocket_accept] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}
