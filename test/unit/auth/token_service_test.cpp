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

TEST_CASE("a remembered token still answers to revocation, expiry and its exact text") {
  token_service tokens("secret", 100);
  const auto [token, c] = tokens.issue(7, "bob", 1000);
  REQUIRE(tokens.verify(token, 1010));  // now remembered

  auto tampered = token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(tokens.verify(tampered, 1010));
  CHECK_FALSE(tokens.verify(token.substr(0, token.size() - 1), 1010));

  tokens.load({{c.jti, c.expires_at}});  // revoked on another instance, heard at start-up
  CHECK_FALSE(tokens.verify(token, 1010));
  tokens.load({});
  const auto again = tokens.verify(token, 1010);
  REQUIRE(again);
  CHECK(again->user_id == 7);
  CHECK(again->jti == c.jti);
  CHECK_FALSE(tokens.verify(token, 1100));  // expired, though remembered
}

TEST_CASE("the memory of verified tokens stays bounded and forgets nothing that matters") {
  token_service tokens("secret", 100);
  const auto [first, c] = tokens.issue(1, "user", 1000);
  REQUIRE(tokens.verify(first, 1000));
  for (std::size_t i = 0; i < token_service::max_verified + 10; ++i) {
    const auto [t, _] = tokens.issue(2, "other", 1000);
    REQUIRE(tokens.verify(t, 1000));
  }
  // Forgotten or not, the first token verifies again from its signature.
  const auto again = tokens.verify(first, 1000);
  REQUIRE(again);
  CHECK(again->username == "user");
}
