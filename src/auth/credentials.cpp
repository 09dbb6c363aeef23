#include "parley/auth/credentials.hpp"

#include "parley/util/utf8.hpp"

namespace parley::auth {

bool valid_password(std::string_view password) {
  const auto n = util::utf8_length(password);
  return n && *n >= min_password_length && *n <= max_password_length;
}

}  // namespace parley::auth
