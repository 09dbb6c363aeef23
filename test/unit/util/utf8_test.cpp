#include <catch2/catch.hpp>

#include "parley/util/utf8.hpp"

using namespace parley;

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
