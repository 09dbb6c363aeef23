#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::auth {

/// The claims parley puts in every token (contract: "Tokens").
struct claims {
  std::int64_t user_id = 0;  ///< `sub`, a decimal string on the wire
  std::string username;      ///< `name`
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::string jti;
};

/// Why a token was refused.
enum class jwt_error {
  none,
  malformed,
  bad_algorithm,
  bad_signature,
  missing_claim,
  expired,
  not_yet_valid
};

/// How far ahead of this server's clock a token's `nbf` or `iat` may be (clocks of instances
/// differ a little); beyond it the token is not yet valid.
inline constexpr std::int64_t max_clock_skew_s = 60;

/// The outcome of verify(): claims when error == none.
struct jwt_result {
  jwt_error error = jwt_error::none;
  claims value;
  bool ok() const { return error == jwt_error::none; }
};

/// Signs the claims with HS256 under `secret`.
std::string sign_jwt(const claims& c, std::string_view secret);

/// Verifies the signature before reading any claim; HS256 only; `exp` required and > now_s;
/// `nbf` and `iat`, when present, whole numbers at most max_clock_skew_s after now_s.
jwt_result verify_jwt(std::string_view token, std::string_view secret, std::int64_t now_s);

}  // namespace parley::auth
