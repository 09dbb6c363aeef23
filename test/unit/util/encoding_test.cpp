#include <catch2/catch.hpp>

#include "parley/http/url.hpp"
#include "parley/util/base64url.hpp"
#include "parley/util/utf8.hpp"

using namespace parley;

TEST_CASE("base64url round-trips every length and rejects junk") {
  std::string bytes;
  for (int i = 0; i < 64; ++i) {
    bytes += static_cast<char>(i * 37);
    const auto enc = util::base64url_encode(bytes);
    CHECK(enc.find_first_of("+/=") == std::string::npos);
    CHECK(util::base64url_decode(enc) == bytes);
  }
  CHECK(util::base64url_encode("hi?") == "aGk_");
  CHECK_FALSE(util::base64url_decode("a"));
  CHECK_FALSE(util::base64url_decode("ab+c"));
  CHECK_FALSE(util::base64url_decode("ab=="));
  CHECK_FALSE(util::base64url_decode("aGl"));  // non-zero leftover bits: not canonical
}

TEST_CASE("UTF-8 length counts code points and rejects invalid sequences") {
  CHECK(util::utf8_length("") == 0u);
  CHECK(util::utf8_length("abc") == 3u);
  CHECK(util::utf8_length("héllo") == 5u);
  CHECK(util::utf8_length("😀") == 1u);
  CHECK_FALSE(util::utf8_length("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(util::utf8_length("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(util::utf8_length("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(util::utf8_length("\xe2\x82"));          // truncated
  CHECK_FALSE(util::utf8_length("\x80"));
}

TEST_CASE("percent decoding and query strings") {
  CHECK(http::percent_decode("a%20b+c") == "a b+c");
  CHECK_FALSE(http::percent_decode("%4"));
  CHECK_FALSE(http::percent_decode("%zz"));
  const auto q = http::parse_query("limit=10&before=5&x=a+b%21&flag&limit=99");
  REQUIRE(q);
  CHECK(q->at("limit") == "10");
  CHECK(q->at("before") == "5");
  CHECK(q->at("x") == "a b!");
  CHECK(q->at("flag").empty());
  CHECK_FALSE(http::parse_query("a=%"));
  const auto parts = http::split_target("/p/a?x=1");
  CHECK(parts.path == "/p/a");
  CHECK(parts.query == "x=1");
}
