#include <catch2/catch.hpp>

#include "parley/http/token_source.hpp"

using namespace parley::http;

TEST_CASE("token sources: bearer, then cookie, then query only where allowed") {
  CHECK(extract_token("Bearer abc", "parley_token=def", "/ws?token=ghi", true) == "abc");
  CHECK(extract_token("", "a=1; parley_token=def; b=2", "/ws?token=ghi", true) == "def");
  CHECK(extract_token("", "", "/ws?x=1&token=ghi", true) == "ghi");
  CHECK(extract_token("", "", "/api/me?token=ghi", false).empty());
  CHECK(extract_token("Basic abc", "other=1", "/", false).empty());
  CHECK(extract_token("Bearer ", "", "/", false).empty());
}
