#include "parley/postgres/connection_url.hpp"

namespace parley::postgres {

bool is_postgres_url(std::string_view db) {
  return db.starts_with("postgres://") || db.starts_with("postgresql://");
}

std::string without_password(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::string(url);
  }
  const auto authority = scheme_end + 3;
  // The user information ends at the last '@' before the path: a password may contain '@'.
  const auto path = url.find_first_of("/?", authority);
  const auto at = url.substr(0, path).rfind('@');
  if (at == std::string_view::npos || at < authority) {
    return std::string(url);
  }
  const auto colon = url.substr(0, at).find(':', authority);
  if (colon == std::string_view::npos) {
    return std::string(url);
  }
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

}  // namespace parley::postgres
