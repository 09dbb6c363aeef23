#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include "parley/auth/jwt.hpp"
#include "parley/util/base64url.hpp"

using namespace parley::auth;
using parley::util::base64url_encode;

namespace {
const claims sample{42, "alice", 1000, 2000, "abc123"};

std::string with_part(const std::string& token, int index, const std::string& replacement) {
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  std::string parts[3] = {token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1),
                          token.substr(d2 + 1)};
  parts[index] = replacement;
  return parts[0] + "." + parts[1] + "." + parts[2];
}

/// A token with this payload, correctly signed under "secret".
std::string sign(const std::string& payload_json) {
  const std::string input =
      base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(payload_json);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), "secret", 6, reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac, &len);
  return input + "." + base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
}
}  // namespace

TEST_CASE("a signed token verifies and carries its claims") {
  const auto token = sign_jwt(sample, "secret");
  const auto r = verify_jwt(token, "secret", 1500);
  REQUIRE(r.ok());
  CHECK(r.value.user_id == 42);
  CHECK(r.value.username == "alice");
  CHECK(r.value.issued_at == 1000);
  CHECK(r.value.expires_at == 2000);
  CHECK(r.value.jti == "abc123");
  // The payload is the contract's claims, sub as a string.
  const auto payload = parley::util::base64url_decode(
      token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1));
  REQUIRE(payload);
  const auto obj = boost::json::parse(*payload).as_object();
  CHECK(obj.at("sub").as_string() == "42");
  CHECK(obj.at("name").as_string() == "alice");
  CHECK(obj.at("exp").as_int64() == 2000);
}

TEST_CASE("expired tokens are refused, at and after exp") {
  const auto token = sign_jwt(sample, "secret");
  CHECK(verify_jwt(token, "secret", 2000).error == jwt_error::expired);
  CHECK(verify_jwt(token, "secret", 5000).error == jwt_error::expired);
  CHECK(verify_jwt(token, "secret", 1999).ok());
}

TEST_CASE("a wrong secret or a tampered token fails the signature") {
  const auto token = sign_jwt(sample, "secret");
  CHECK(verify_jwt(token, "other", 1500).error == jwt_error::bad_signature);
  auto forged = sample;
  forged.user_id = 1;
  const auto other_payload = sign_jwt(forged, "attacker");
  const auto spliced =
      with_part(token, 1,
                other_payload.substr(other_payload.find('.') + 1,
                                     other_payload.rfind('.') - other_payload.find('.') - 1));
  CHECK(verify_jwt(spliced, "secret", 1500).error == jwt_error::bad_signature);
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(verify_jwt(flipped, "secret", 1500).ok());
}

TEST_CASE("only HS256 is accepted") {
  const auto token = sign_jwt(sample, "secret");
  const auto none = with_part(token, 0, base64url_encode(R"({"alg":"none","typ":"JWT"})"));
  CHECK(verify_jwt(with_part(none, 2, ""), "secret", 1500).error == jwt_error::bad_algorithm);
  const auto hs512 = with_part(token, 0, base64url_encode(R"({"alg":"HS512","typ":"JWT"})"));
  CHECK(verify_jwt(hs512, "secret", 1500).error == jwt_error::bad_algorithm);
  const auto no_alg = with_part(token, 0, base64url_encode(R"({"typ":"JWT"})"));
  CHECK(verify_jwt(no_alg, "secret", 1500).error == jwt_error::bad_algorithm);
}

TEST_CASE("a correctly signed token without exp, or without sub, is refused") {
  // The helper is right: the same payload with exp verifies.
  CHECK(verify_jwt(sign(R"({"sub":"1","name":"a","jti":"x","iat":1,"exp":9999})"), "secret", 1500)
            .ok());
  CHECK(verify_jwt(sign(R"({"sub":"1","name":"a","jti":"x","iat":1})"), "secret", 1500).error ==
        jwt_error::missing_claim);
  CHECK(verify_jwt(sign(R"({"name":"a","jti":"x","exp":9999})"), "secret", 1500).error ==
        jwt_error::missing_claim);
  CHECK(
      verify_jwt(sign(R"({"sub":"1","name":"a","jti":"x","exp":"9999"})"), "secret", 1500).error ==
      jwt_error::missing_claim);
}

TEST_CASE("nbf and iat ahead of the clock, beyond the skew allowance, are not yet valid") {
  const auto at = [](const std::string& extra) {
    return verify_jwt(sign(R"({"sub":"1","name":"a","jti":"x","exp":9999)" + extra + "}"), "secret",
                      1500);
  };
  CHECK(at(R"(,"nbf":1500)").ok());
  CHECK(at(R"(,"nbf":1560,"iat":1560)").ok());
  CHECK(at(R"(,"nbf":1561)").error == jwt_error::not_yet_valid);
  CHECK(at(R"(,"iat":1561)").error == jwt_error::not_yet_valid);
  CHECK(at(R"(,"nbf":"1000")").error == jwt_error::missing_claim);
  CHECK(at(R"(,"iat":1.5)").error == jwt_error::missing_claim);
  CHECK(at(R"(,"iat":null)").error == jwt_error::missing_claim);
}

TEST_CASE("malformed tokens") {
  CHECK(verify_jwt("", "s", 0).error == jwt_error::malformed);
  CHECK(verify_jwt("a.b", "s", 0).error == jwt_error::malformed);
  CHECK(verify_jwt("a.b.c.d", "s", 0).error == jwt_error::malformed);
  CHECK(verify_jwt("!!.??.##", "s", 0).error == jwt_error::malformed);
}
