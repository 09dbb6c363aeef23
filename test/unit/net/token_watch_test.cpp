#include <catch2/catch.hpp>

#include <algorithm>

#include "parley/net/token_watch.hpp"

using watch = parley::net::token_watch<int>;
using owners = std::vector<int*>;

TEST_CASE("token watch: expiry in order, revocation by jti, removal on close") {
  int s1 = 1, s2 = 2, s3 = 3, s4 = 4, s5 = 5;
  watch w;
  w.add(&s1, "jti-a", 100);
  w.add(&s2, "jti-a", 100);
  w.add(&s3, "jti-b", 50);
  const auto h4 = w.add(&s4, "jti-c", 200);
  CHECK(w.next_expiry() == 50);
  CHECK(w.take_expired(49).empty());
  CHECK(w.take_expired(50) == owners{&s3});
  CHECK(w.next_expiry() == 100);

  auto revoked = w.take_revoked("jti-a");
  std::sort(revoked.begin(), revoked.end());
  auto expected = owners{&s1, &s2};
  std::sort(expected.begin(), expected.end());
  CHECK(revoked == expected);
  CHECK(w.take_revoked("jti-a").empty());
  CHECK(w.next_expiry() == 200);

  w.remove(h4);
  CHECK(w.size() == 0);
  CHECK_FALSE(w.next_expiry());
  CHECK(w.take_expired(1000).empty());

  w.add(&s5, "jti-d", 20);
  CHECK(w.take_revoked("jti-e").empty());  // another token: untouched
  CHECK(w.take_expired(20) == owners{&s5});
}
