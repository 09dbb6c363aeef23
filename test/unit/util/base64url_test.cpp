#include <catch2/catch.hpp>

#include "parley/util/base64url.hpp"

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
