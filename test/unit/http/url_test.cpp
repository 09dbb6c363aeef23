#include <catch2/catch.hpp>

#include "parley/http/url.hpp"

using namespace parley;

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
