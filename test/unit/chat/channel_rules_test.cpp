#include <catch2/catch.hpp>

#include "parley/chat/channel_name.hpp"
#include "parley/chat/rate_limiter.hpp"

using namespace parley::chat;

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

TEST_CASE("token bucket: a burst, then the rate") {
  const auto t0 = rate_limiter::clock::now();
  rate_limiter limiter(10, 3, t0);
  CHECK(limiter.allow(t0));
  CHECK(limiter.allow(t0));
  CHECK(limiter.allow(t0));
  CHECK_FALSE(limiter.allow(t0));
  CHECK_FALSE(limiter.allow(t0 + std::chrono::milliseconds(50)));  // half a token
  CHECK(limiter.allow(t0 + std::chrono::milliseconds(100)));
  CHECK_FALSE(limiter.allow(t0 + std::chrono::milliseconds(100)));
  // Never more than the burst, however long it waited.
  const auto later = t0 + std::chrono::seconds(100);
  int allowed = 0;
  for (int i = 0; i < 10; ++i)
    allowed += limiter.allow(later) ? 1 : 0;
  CHECK(allowed == 3);
  rate_limiter unlimited(0, 1, t0);
  for (int i = 0; i < 1000; ++i)
    REQUIRE(unlimited.allow(t0));
}
