#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace parley::store
