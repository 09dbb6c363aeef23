#include "parley/auth/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>
#include <vector>

#include "parley/config/parse.hpp"
#include "parley/util/base64url.hpp"
#include "parley/util/random.hpp"

namespace parley::auth {
namespace {

constexpr std::size_t salt_bytes = 16;
constexpr std::size_t key_bytes = 32;
constexpr std::uint64_t max_memory = 256ull << 20;

bool derive(std::string_view password, std::string_view salt, const scrypt_params& p,
            std::string& out) {
  out.assign(key_bytes, '\0');
  return EVP_PBE_scrypt(password.data(), password.size(),
                        reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), p.n, p.r,
                        p.p, max_memory, reinterpret_cast<unsigned char*>(out.data()),
                        out.size()) == 1;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const auto pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) {
      return parts;
    }
    start = pos + 1;
  }
}

}  // namespace

std::string hash_password(std::string_view password, const scrypt_params& params) {
  const auto salt = util::random_bytes(salt_bytes);
  std::string key;
  if (!derive(password, salt, params, key)) {
    throw std::runtime_error("scrypt failed");
  }
  return "scrypt$" + std::to_string(params.n) + "$" + std::to_string(params.r) + "$" +
         std::to_string(params.p) + "$" + util::base64url_encode(salt) + "$" +
         util::base64url_encode(key);
}

bool verify_password(std::string_view password, std::string_view stored) {
  const auto parts = split(stored, '$');
  if (parts.size() != 6 || parts[0] != "scrypt") {
    return false;
  }
  const auto n = config::parse_uint(parts[1], 2, 1u << 20);
  const auto r = config::parse_uint(parts[2], 1, 64);
  const auto p = config::parse_uint(parts[3], 1, 64);
  const auto salt = util::base64url_decode(parts[4]);
  const auto expected = util::base64url_decode(parts[5]);
  if (!n || !r || !p || !salt || !expected || expected->size() != key_bytes) {
    return false;
  }
  std::string key;
  if (!derive(password, *salt, scrypt_params{*n, *r, *p}, key)) {
    return false;
  }
  return CRYPTO_memcmp(key.data(), expected->data(), key_bytes) == 0;
}

}  // namespace parley::auth
