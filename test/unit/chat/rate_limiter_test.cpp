#include <catch2/catch.hpp>

#include "parley/chat/rate_limiter.hpp"

using namespace parley::chat;

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
