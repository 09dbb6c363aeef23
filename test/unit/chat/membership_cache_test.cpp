#include <catch2/catch.hpp>

#include "parley/chat/membership_cache.hpp"

using parley::chat::membership_cache;
using parley::model::channel_row;

TEST_CASE("a remembered membership is known for that user and channel only", "[memberships]") {
  membership_cache cache;
  const channel_row general{7, "general", "public"};
  CHECK_FALSE(cache.member_channel("general", 1));

  cache.remember(general, 1, cache.generation());
  const auto known = cache.member_channel("general", 1);
  REQUIRE(known);
  CHECK(known->id == 7);
  CHECK(known->kind == "public");

  CHECK_FALSE(cache.member_channel("general", 2));  // another user of a known channel
  CHECK_FALSE(cache.member_channel("General", 1));  // names are case-sensitive
  cache.remember({8, "secret", "private"}, 2, cache.generation());
  CHECK_FALSE(cache.member_channel("secret", 1));
  CHECK(cache.member_channel("secret", 2)->kind == "private");
}

TEST_CASE("the cache starts again empty instead of passing its capacity", "[memberships]") {
  membership_cache cache(10);
  for (std::int64_t user = 1; user <= 4; ++user) {
    cache.remember({1, "a", "public"}, user, cache.generation());
  }
  // 1 channel + 4 members: under the bound, all kept.
  CHECK(cache.size() == 4);
  for (std::int64_t user = 5; user <= 20; ++user) {
    cache.remember({1, "a", "public"}, user, cache.generation());
    CHECK(cache.size() <= 9);
  }
  CHECK(cache.member_channel("a", 20));  // the newest one is always kept
  CHECK_FALSE(cache.member_channel("a", 1));
}

TEST_CASE("forget ends a membership, an answer older than a forget is not remembered",
          "[memberships]") {
  membership_cache cache;
  const channel_row secret{8, "secret", "private"};
  REQUIRE(cache.remember(secret, 1, cache.generation()));
  REQUIRE(cache.remember(secret, 2, cache.generation()));
  const auto asked_at = cache.generation();  // a join asks the store ...
  cache.forget("secret", 1);                 // ... while another session forgets
  CHECK_FALSE(cache.member_channel("secret", 1));
  CHECK(cache.member_channel("secret", 2));
  CHECK_FALSE(cache.remember(secret, 1, asked_at));  // stale: the caller must ask again
  CHECK_FALSE(cache.member_channel("secret", 1));
  CHECK(cache.remember(secret, 1, cache.generation()));
  cache.clear();
  CHECK_FALSE(cache.member_channel("secret", 2));
}
