#include "parley/util/random.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace parley::util {

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

std::string random_hex(std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  const auto bytes = random_bytes(n);
  std::string out;
  out.reserve(2 * n);
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

}  // namespace parley::util
