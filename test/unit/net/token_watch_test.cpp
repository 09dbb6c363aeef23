#include <catch2/catch.hpp>

#include "parley/net/token_watch.hpp"

using parley::net::token_watch;
using ids = std::vector<std::uint64_t>;

TEST_CASE("token watch: expiry in order, revocation by jti, removal on close") {
  token_watch w;
  w.add(1, "jti-a", 100);
  w.add(2, "jti-a", 100);
  w.add(3, "jti-b", 50);
  w.add(4, "jti-c", 200);
  CHECK(w.next_expiry() == 50);
  CHECK(w.take_expired(49).empty());
  CHECK(w.take_expired(50) == ids{3});
  CHECK(w.next_expiry() == 100);

  auto revoked = w.take_revoked("jti-a");
  std::sort(revoked.begin(), revoked.end());
  CHECK(revoked == ids{1, 2});
  CHECK(w.take_revoked("jti-a").empty());
  CHECK(w.next_expiry() == 200);

  w.remove(4);
  CHECK(w.size() == 0);
  CHECK_FALSE(w.next_expiry());
  CHECK(w.take_expired(1000).empty());

  w.add(5, "jti-d", 10);
  w.add(5, "jti-e", 20);  // the same session again: replaced, not doubled
  CHECK(w.size() == 1);
  CHECK(w.take_revoked("jti-d").empty());
  CHECK(w.take_expired(20) == ids{5});
}
