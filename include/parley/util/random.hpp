#pragma once

#include <cstddef>
#include <string>

namespace parley::util {

/// `n` bytes from OpenSSL's CSPRNG; throws if it cannot deliver.
std::string random_bytes(std::size_t n);

/// `n` random bytes as 2n lower-case hex digits.
std::string random_hex(std::size_t n);

}  // namespace parley::util
