#include <catch2/catch.hpp>

#include "parley/auth/token_service.hpp"

using namespace parley::auth;

TEST_CASE("issued tokens verify until revoked or expired") {
  token_service tokens("secret", 100);
  const auto [token, c] = tokens.issue(7, "bob", 1000);
  CHECK(c.expires_at == 1100);
  CHECK(c.jti.size() == 32);
  REQUIRE(tokens.verify(token, 1050));
  CHECK(tokens.verify(token, 1050)->username == "bob");
  CHECK_FALSE(tokens.verify(token, 1100));
  const auto [second, c2] = tokens.issue(7, "bob", 1000);
  CHECK(c2.jti != c.jti);
  tokens.revoke(c.jti, c.expires_at, 1050);
  CHECK_FALSE(tokens.verify(token, 1050));
  CHECK(tokens.verify(second, 1050));
}

TEST_CASE("revocations loaded at start apply") {
  token_service tokens("secret", 100);
  const auto [token, c] = tokens.issue(7, "bob", 1000);
  tokens.load({{c.jti, c.expires_at}});
  CHECK_FALSE(tokens.verify(token, 1050));
}
