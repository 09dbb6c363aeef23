#include <catch2/catch.hpp>

#include "parley/auth/attempt_limiter.hpp"

using parley::auth::attempt_limiter;
using namespace std::chrono_literals;

namespace {
const auto t0 = attempt_limiter::clock::time_point{} + 1000h;
}

TEST_CASE(
    "attempt_limiter: at most the limit in any window, then the wait until the oldest leaves") {
  attempt_limiter limiter(3, 60s);
  CHECK_FALSE(limiter.attempt("1.2.3.4", t0));
  CHECK_FALSE(limiter.attempt("1.2.3.4", t0 + 10s));
  CHECK_FALSE(limiter.attempt("1.2.3.4", t0 + 20s));
  CHECK(limiter.attempt("1.2.3.4", t0 + 30s) == 30s);
  CHECK(limiter.attempt("1.2.3.4", t0 + 59s + 500ms) == 1s);  // rounded up, never 0
  // Refused attempts are not counted: at 60 s the first has left, one more fits.
  CHECK_FALSE(limiter.attempt("1.2.3.4", t0 + 60s));
  CHECK(limiter.attempt("1.2.3.4", t0 + 61s) == 9s);  // now the oldest is the one at 10 s
  // Other addresses have their own count.
  CHECK_FALSE(limiter.attempt("5.6.7.8", t0 + 61s));
}

TEST_CASE("attempt_limiter: a sliding window, not a fixed minute") {
  attempt_limiter limiter(2, 60s);
  CHECK_FALSE(limiter.attempt("a", t0 + 59s));
  CHECK_FALSE(limiter.attempt("a", t0 + 59s));
  // A fixed window starting at 60 s would allow this; the span 59..61 s already has two.
  CHECK(limiter.attempt("a", t0 + 61s) == 58s);
  CHECK_FALSE(limiter.attempt("a", t0 + 119s));
}

TEST_CASE("attempt_limiter: limit 0 is unlimited and remembers nothing") {
  attempt_limiter limiter(0);
  for (int i = 0; i < 1000; ++i) {
    REQUIRE_FALSE(limiter.attempt("a", t0));
  }
  CHECK(limiter.size() == 0);
}

TEST_CASE("attempt_limiter: the address table stays bounded, the least recently seen goes first") {
  attempt_limiter limiter(1, 60s, 3);
  CHECK_FALSE(limiter.attempt("a", t0));
  CHECK_FALSE(limiter.attempt("b", t0));
  CHECK_FALSE(limiter.attempt("c", t0));
  CHECK(limiter.attempt("a", t0 + 1s) == 59s);  // a is now the most recently seen
  CHECK_FALSE(limiter.attempt("d", t0 + 1s));   // b goes
  CHECK(limiter.size() == 3);
  CHECK(limiter.attempt("a", t0 + 2s) == 58s);  // still remembered
  CHECK_FALSE(limiter.attempt("b", t0 + 2s));   // forgotten, so counted afresh
  for (int i = 0; i < 10000; ++i) {
    limiter.attempt("spray-" + std::to_string(i), t0 + 3s);
  }
  CHECK(limiter.size() == 3);
}
