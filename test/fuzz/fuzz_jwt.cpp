// JWT verification. The first input byte picks the mode:
//  - even: the rest is a token as a client might send it. Whatever verifies must carry the HS256
//    signature of its first two parts under the server's secret, and no other secret's.
//  - odd: claims drawn from the rest are signed, the token must verify back to them, and then
//    it is mutated; a changed token must never verify.

#include <fuzzer/FuzzedDataProvider.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "check.hpp"
#include "parley/auth/jwt.hpp"
#include "parley/util/base64url.hpp"
#include "parley/util/utf8.hpp"

namespace {

namespace auth = parley::auth;

// The seed corpus holds tokens signed with this secret (docs/fuzzing.md).
constexpr std::string_view secret = "parley-fuzz-secret";
constexpr std::string_view other_secret = "parley-fuzz-other";
constexpr std::int64_t now = 1'700'000'000;

/// The signature part a token signed under `key` must end with, computed apart from the code
/// under test.
std::string expected_signature(std::string_view signed_part, std::string_view key) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), mac,
       &mac_size);
  return parley::util::base64url_encode({reinterpret_cast<const char*>(mac), mac_size});
}

void check_arbitrary_token(std::string_view token) {
  const auto result = auth::verify_jwt(token, secret, now);
  if (!result.ok()) {
    return;
  }
  const auto last_dot = token.rfind('.');
  PARLEY_FUZZ_CHECK(last_dot != std::string_view::npos);
  PARLEY_FUZZ_CHECK(token.substr(last_dot + 1) ==
                    expected_signature(token.substr(0, last_dot), secret));
  PARLEY_FUZZ_CHECK(!auth::verify_jwt(token, other_secret, now).ok());
  PARLEY_FUZZ_CHECK(result.value.expires_at > now);
  PARLEY_FUZZ_CHECK(result.value.user_id > 0);
}

/// One random edit: flip, insert, erase, or cut off the end.
void mutate(std::string& token, FuzzedDataProvider& input) {
  const auto at = input.ConsumeIntegralInRange<std::size_t>(0, token.size());
  switch (input.ConsumeIntegralInRange(0, 3)) {
    case 0:
      if (at < token.size()) {
        token[at] = static_cast<char>(token[at] ^ input.ConsumeIntegralInRange(1, 255));
      }
      break;
    case 1:
      token.insert(at, 1, input.ConsumeIntegral<char>());
      break;
    case 2:
      token.erase(at, input.ConsumeIntegralInRange<std::size_t>(1, 8));
      break;
    default:
      token.resize(at);
      break;
  }
}

void check_signed_then_mutated(FuzzedDataProvider& input) {
  auth::claims claims;
  claims.user_id =
      input.ConsumeIntegralInRange<std::int64_t>(1, std::numeric_limits<std::int64_t>::max());
  claims.issued_at = input.ConsumeIntegral<std::int64_t>();
  claims.expires_at =
      input.ConsumeIntegralInRange<std::int64_t>(now + 1, std::numeric_limits<std::int64_t>::max());
  claims.username = input.ConsumeRandomLengthString(64);
  claims.jti = input.ConsumeRandomLengthString(64);
  const auto token = auth::sign_jwt(claims, secret);

  const auto verified = auth::verify_jwt(token, secret, now);
  // JSON carries only UTF-8: other bytes in a claim cannot round-trip, and parley never puts any
  // there (usernames are ASCII, jtis hex). A token issued further ahead than the allowed clock
  // skew is refused however well it is signed.
  const bool issued_ahead = claims.issued_at > now + auth::max_clock_skew_s;
  if (issued_ahead) {
    PARLEY_FUZZ_CHECK(!verified.ok());
  } else if (parley::util::utf8_length(claims.username) && parley::util::utf8_length(claims.jti)) {
    PARLEY_FUZZ_CHECK(verified.ok());
    PARLEY_FUZZ_CHECK(verified.value.user_id == claims.user_id);
    PARLEY_FUZZ_CHECK(verified.value.username == claims.username);
    PARLEY_FUZZ_CHECK(verified.value.issued_at == claims.issued_at);
    PARLEY_FUZZ_CHECK(verified.value.expires_at == claims.expires_at);
    PARLEY_FUZZ_CHECK(verified.value.jti == claims.jti);
  }
  PARLEY_FUZZ_CHECK(!auth::verify_jwt(token, other_secret, now).ok());

  auto mutated = token;
  const auto edits = input.ConsumeIntegralInRange(1, 4);
  for (int i = 0; i < edits; ++i) {
    mutate(mutated, input);
  }
  if (mutated != token) {
    PARLEY_FUZZ_CHECK(!auth::verify_jwt(mutated, secret, now).ok());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  if ((data[0] & 1) == 0) {
    check_arbitrary_token({reinterpret_cast<const char*>(data) + 1, size - 1});
  } else {
    FuzzedDataProvider input(data + 1, size - 1);
    check_signed_then_mutated(input);
  }
  return 0;
}
