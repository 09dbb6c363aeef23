#include <catch2/catch.hpp>

#include "parley/model/channel_name.hpp"

using namespace parley::model;

TEST_CASE("channel names") {
  CHECK(valid_user_channel_name("general"));
  CHECK(valid_user_channel_name("A-b_c.9"));
  CHECK(valid_user_channel_name(std::string(64, 'x')));
  CHECK_FALSE(valid_user_channel_name(""));
  CHECK_FALSE(valid_user_channel_name(std::string(65, 'x')));
  CHECK_FALSE(valid_user_channel_name("a:b"));
  CHECK_FALSE(valid_user_channel_name("a/b"));
  CHECK(valid_channel_reference("dm:alice:bob"));
  CHECK(valid_channel_reference("match:42"));
  CHECK_FALSE(valid_channel_reference("dm:bob:alice"));  // not sorted
  CHECK_FALSE(valid_channel_reference("dm:Alice:bob"));  // not lower-cased
  CHECK_FALSE(valid_channel_reference("dm:alice"));
  CHECK(is_server_made("dm:a:b"));
  CHECK_FALSE(is_server_made("general"));
  CHECK(dm_channel_name("Bob", "alice") == "dm:alice:bob");
  CHECK(dm_channel_name("alice", "BOB") == "dm:alice:bob");
  const auto p = dm_participants("dm:alice:bob");
  REQUIRE(p);
  CHECK(p->first == "alice");
  CHECK(p->second == "bob");
}
