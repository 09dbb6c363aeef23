#include <catch2/catch.hpp>

#include "parley/auth/credentials.hpp"
#include "parley/auth/password.hpp"

using namespace parley::auth;

TEST_CASE("a password verifies against its own hash only") {
  const auto hash = hash_password("correct horse");
  CHECK(hash.starts_with("scrypt$16384$8$5$"));
  CHECK(verify_password("correct horse", hash));
  CHECK_FALSE(verify_password("correct horsE", hash));
  CHECK_FALSE(verify_password("", hash));
}

TEST_CASE("each hash has its own salt") {
  const scrypt_params cheap{1024, 8, 1};
  const auto a = hash_password("same password", cheap);
  const auto b = hash_password("same password", cheap);
  CHECK(a != b);
  CHECK(verify_password("same password", a));
  CHECK(verify_password("same password", b));
}

TEST_CASE("malformed stored hashes never verify") {
  CHECK_FALSE(verify_password("x", ""));
  CHECK_FALSE(verify_password("x", "plain"));
  CHECK_FALSE(verify_password("x", "scrypt$16384$8$1$salt"));
  CHECK_FALSE(verify_password("x", "bcrypt$1$2$3$4$5"));
  CHECK_FALSE(verify_password("x", "scrypt$3$8$1$AAAA$AAAA"));
}

TEST_CASE("password rules") {
  CHECK(valid_password("12345678"));
  CHECK_FALSE(valid_password("1234567"));
  CHECK(valid_password(std::string(128, 'x')));
  CHECK_FALSE(valid_password(std::string(129, 'x')));
  // Code points, not bytes: 8 two-byte characters are 8 characters.
  CHECK(valid_password("éééééééé"));
  CHECK_FALSE(valid_password("ééé"));
  CHECK_FALSE(valid_password("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"));
}
