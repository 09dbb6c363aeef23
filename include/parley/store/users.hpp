#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/store/database.hpp"

namespace parley::store {

/// A registered user as shown to clients.
struct user {
  std::int64_t id = 0;
  std::string username;  ///< as registered
};

/// A user with the stored password hash, for login.
struct user_credentials {
  user account;
  std::string password_hash;
};

/// Inserts a user; nullopt when the name is taken regardless of case.
std::optional<user> create_user(database& db, std::string_view username,
                                std::string_view password_hash, std::int64_t now_s);

/// Looks a user up by name regardless of case.
std::optional<user_credentials> find_credentials(database& db, std::string_view username);

/// Looks a user up by name regardless of case.
std::optional<user> find_user_by_name(database& db, std::string_view username);

/// At most `limit` users whose lower-cased name starts with `key_prefix` (already lower-cased),
/// sorted by that key: a range over its unique index, not a scan.
std::vector<user> find_users_by_prefix(database& db, std::string_view key_prefix, int limit);

}  // namespace parley::store
