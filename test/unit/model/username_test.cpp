#include <catch2/catch.hpp>

#include "parley/model/username.hpp"

using namespace parley::model;

TEST_CASE("username rules") {
  CHECK(valid_username("abc"));
  CHECK(valid_username("Alice_1.2-3"));
  CHECK(valid_username(std::string(32, 'a')));
  CHECK_FALSE(valid_username("ab"));
  CHECK_FALSE(valid_username(std::string(33, 'a')));
  CHECK_FALSE(valid_username("has space"));
  CHECK_FALSE(valid_username("colon:name"));
  CHECK_FALSE(valid_username("\xc3\xbcn\xc3\xaf"));
  CHECK(username_key("AlIcE") == "alice");
}
