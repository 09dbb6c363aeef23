#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::auth {

/// scrypt cost parameters; stored inside each hash so they can be raised later.
struct scrypt_params {
  std::uint64_t n = 1u << 14;  ///< 16 MiB with r = 8; with p = 5 this is one of OWASP's settings
  std::uint64_t r = 8;
  std::uint64_t p = 5;
};

/// Hashes with a fresh 16-byte salt: "scrypt$N$r$p$salt$hash" (base64url parts). Deliberately
/// slow: call it off the I/O threads.
std::string hash_password(std::string_view password, const scrypt_params& params = {});

/// Constant-time check of a password against a stored hash; false for a malformed hash.
bool verify_password(std::string_view password, std::string_view stored);

}  // namespace parley::auth
