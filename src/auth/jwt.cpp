#include "parley/auth/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include "parley/util/base64url.hpp"

namespace parley::auth {
namespace json = boost::json;
namespace {

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::optional<json::object> decode_object(std::string_view part, json::storage_ptr memory) {
  const auto raw = util::base64url_decode(part);
  if (!raw) {
    return std::nullopt;
  }
  json::error_code ec;
  auto v = json::parse(*raw, ec, std::move(memory));
  if (ec || !v.is_object()) {
    return std::nullopt;
  }
  return std::move(v.as_object());
}

std::optional<std::int64_t> int_claim(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (v->is_int64()) {
    return v->as_int64();
  }
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  return std::nullopt;
}

}  // namespace

std::string sign_jwt(const claims& c, std::string_view secret) {
  static const std::string header = util::base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  const json::object payload{{"sub", std::to_string(c.user_id)},
                             {"name", c.username},
                             {"iat", c.issued_at},
                             {"exp", c.expires_at},
                             {"jti", c.jti}};
  std::string token = header + "." + util::base64url_encode(json::serialize(payload));
  const auto sig = hmac_sha256(secret, token);
  token += '.';
  token += util::base64url_encode(sig);
  return token;
}

jwt_result verify_jwt(std::string_view token, std::string_view secret, std::int64_t now_s) {
  jwt_result r;
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    r.error = jwt_error::malformed;
    return r;
  }
  // Header and payload are parsed into stack memory; only the claims kept are copied out.
  unsigned char buffer[2048];
  json::monotonic_resource scratch(buffer, sizeof buffer);
  const auto header = decode_object(token.substr(0, dot1), &scratch);
  if (!header) {
    r.error = jwt_error::malformed;
    return r;
  }
  const auto* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->as_string() != "HS256") {
    r.error = jwt_error::bad_algorithm;
    return r;
  }
  const auto sig = util::base64url_decode(token.substr(dot2 + 1));
  const auto expected = hmac_sha256(secret, token.substr(0, dot2));
  if (!sig || sig->size() != expected.size() ||
      CRYPTO_memcmp(sig->data(), expected.data(), expected.size()) != 0) {
    r.error = jwt_error::bad_signature;
    return r;
  }
  const auto payload = decode_object(token.substr(dot1 + 1, dot2 - dot1 - 1), &scratch);
  if (!payload) {
    r.error = jwt_error::malformed;
    return r;
  }
  const auto* sub = payload->if_contains("sub");
  const auto* name = payload->if_contains("name");
  const auto* jti = payload->if_contains("jti");
  const auto exp = int_claim(*payload, "exp");
  const auto iat = int_claim(*payload, "iat");
  const auto nbf = int_claim(*payload, "nbf");
  // A time claim that is present but not a whole number cannot be checked: not trusted either.
  if (sub == nullptr || !sub->is_string() || name == nullptr || !name->is_string() ||
      jti == nullptr || !jti->is_string() || !exp || (payload->contains("iat") && !iat) ||
      (payload->contains("nbf") && !nbf)) {
    r.error = jwt_error::missing_claim;
    return r;
  }
  try {
    std::size_t used = 0;
    const std::string sub_text(sub->as_string());
    r.value.user_id = std::stoll(sub_text, &used);
    if (used != sub_text.size() || r.value.user_id <= 0) {
      r.error = jwt_error::missing_claim;
      return r;
    }
  } catch (const std::exception&) {
    r.error = jwt_error::missing_claim;
    return r;
  }
  if (*exp <= now_s) {
    r.error = jwt_error::expired;
    return r;
  }
  // RFC 7519 4.1.5: not before nbf. A token issued in the future was made by a forger holding
  // the key or by an issuer whose clock is wrong; the allowance covers instances' clock skew.
  if ((nbf && *nbf > now_s + max_clock_skew_s) || (iat && *iat > now_s + max_clock_skew_s)) {
    r.error = jwt_error::not_yet_valid;
    return r;
  }
  r.value.username = std::string(name->as_string());
  r.value.jti = std::string(jti->as_string());
  r.value.expires_at = *exp;
  r.value.issued_at = iat.value_or(0);
  return r;
}

}  // namespace parley::auth
