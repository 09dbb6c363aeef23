// Invalid UTF-8 wherever text comes in: a WebSocket text message is closed with 1007, whole or
// in fragments; an HTTP JSON body is 400 bad_request; a query value that must be text is 400.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/chat_server.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"
#include "support/raw_ws.hpp"

using namespace parley::test;
using boost::beast::http::verb;
namespace json = boost::json;

namespace {

struct bad_utf8 {
  const char* what;
  std::string bytes;
};

/// Byte sequences no UTF-8 decoder may accept (RFC 3629), each a way decoders have been fooled.
const std::vector<bad_utf8>& bad_sequences() {
  static const std::vector<bad_utf8> all = {
      {"overlong '/'", "\xC0\xAF"},
      {"overlong NUL", "\xC0\x80"},
      {"overlong '.' in three bytes", "\xE0\x80\xAE"},
      {"overlong '/' in four bytes", "\xF0\x80\x80\xAF"},
      {"high surrogate U+D800", "\xED\xA0\x80"},
      {"low surrogate U+DFFF", "\xED\xBF\xBF"},
      {"surrogate pair encoded as two characters (CESU-8)", "\xED\xA0\xBD\xED\xB8\x80"},
      {"truncated three-byte sequence at the end", "\xE2\x82"},
      {"truncated four-byte sequence before ASCII",
       "\xF0\x9F\x98"
       "A"},
      {"U+110000, past the last code point", "\xF4\x90\x80\x80"},
      {"lead byte F5", "\xF5\x80\x80\x80"},
      {"five-byte form", "\xF8\x88\x80\x80\x80"},
      {"byte FF", "\xFF"},
      {"lone continuation byte", "\x80"},
  };
  return all;
}

std::string ping_with_ref(const std::string& ref) {
  return R"({"type":"ping","ref":")" + ref + R"("})";
}

}  // namespace

TEST_CASE("invalid UTF-8 in a WebSocket text message closes it with 1007") {
  chat_server s;
  const auto token = s.token("alice");
  for (const auto& [what, bytes] : bad_sequences()) {
    INFO(what);
    raw_ws c(s.port(), token, masked_frame(0x81, ping_with_ref("x" + bytes + "y")));
    CHECK(c.read_close_code() == 1007);
    CHECK(c.has_frame(0x8, "text is not UTF-8"));
    CHECK_FALSE(c.has_frame(0x1, R"("type":"pong")"));
  }
  // Outside any JSON string too: the bytes are checked before they are parsed.
  raw_ws bare(s.port(), token, masked_frame(0x81, "\xC0\xAF"));
  CHECK(bare.read_close_code() == 1007);
  // And in a close frame's reason.
  raw_ws reason(s.port(), token, masked_frame(0x88, std::string("\x03\xe8", 2) + "\xED\xA0\x80"));
  CHECK(reason.read_close_code() == 1007);

  auto other = s.connect("bob");
  CHECK(str(other->request({{"type", "ping"}}), "type") == "pong");
}

TEST_CASE("UTF-8 split across fragments: whole characters pass, broken ones close with 1007") {
  chat_server s;
  const auto token = s.token("alice");
  const std::string head = R"({"type":"ping","ref":"a)";
  // U+1F600's four bytes cut in the middle: valid once the message is whole.
  raw_ws ok(s.port(), token,
            masked_frame(0x01, head + "\xF0\x9F") + masked_frame(0x00, "\x98\x80") +
                masked_frame(0x80, R"("})"));
  REQUIRE(
      ok.read_until([&](const std::string&) { return ok.has_frame(0x1, "a\xF0\x9F\x98\x80"); }));
  CHECK_FALSE(ok.has_frame(0x8, ""));

  const std::vector<std::pair<const char*, std::string>> broken = {
      {"truncated at the end of a fragment, ASCII next",
       masked_frame(0x01, head + "\xF0\x9F") + masked_frame(0x80, R"(A"})")},
      {"surrogate in the last fragment",
       masked_frame(0x01, head) + masked_frame(0x80, "\xED\xA0\x80\"}")},
      {"overlong split over three fragments", masked_frame(0x01, head + "\xE0") +
                                                  masked_frame(0x00, "\x80") +
                                                  masked_frame(0x80, "\xAE\"}")},
      {"message ends inside a character",
       masked_frame(0x01, head) + masked_frame(0x80, "\xE2\x82")},
  };
  for (const auto& [what, frames] : broken) {
    INFO(what);
    raw_ws c(s.port(), token, frames);
    CHECK(c.read_close_code() == 1007);
  }
}

TEST_CASE("invalid UTF-8 in HTTP JSON bodies and text query values is 400 bad_request") {
  chat_server s;
  const auto token = s.token("alice");
  for (const auto& [what, bytes] : bad_sequences()) {
    INFO(what);
    const auto name = R"({"username":"al)" + bytes + R"(ice","password":"correct horse"})";
    const auto pass = R"({"username":"alice","password":"correct)" + bytes + R"(horse"})";
    check_error(http_call(s.port(), verb::post, "/api/signup", name), 400, "bad_request");
    check_error(http_call(s.port(), verb::post, "/api/signup", pass), 400, "bad_request");
    check_error(http_call(s.port(), verb::post, "/api/login", pass), 400, "bad_request");
  }
  // Escapes that name no character are no better than the bytes.
  check_error(http_call(s.port(), verb::post, "/api/signup",
                        R"({"username":"bobby","password":"\ud800\ud800\ud800\ud800\ud800"})"),
              400, "bad_request");
  // A file name is text: percent-escapes of bytes that are not UTF-8 are refused.
  for (const char* name : {"%C0%AE%C0%AE.txt", "a%FF.txt", "%ED%A0%80.txt", "%F4%90%80%80"}) {
    INFO(name);
    auto headers = bearer(token);
    headers["Content-Type"] = "text/plain";
    check_error(
        http_call(s.port(), verb::post, std::string("/api/uploads?name=") + name, "hello", headers),
        400, "bad_request");
  }
  // Nothing above created an account or broke the server.
  check_error(http_call(s.port(), verb::post, "/api/login",
                        R"({"username":"bobby","password":"correct horse"})"),
              401, "invalid_credentials");
  CHECK(http_call(s.port(), verb::get, "/api/me", "", bearer(token)).status == 200);
}
