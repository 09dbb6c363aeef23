#pragma once

#include <string>
#include <string_view>

namespace parley::auth {

inline constexpr std::size_t min_username_length = 3;
inline constexpr std::size_t max_username_length = 32;
inline constexpr std::size_t min_password_length = 8;    ///< code points
inline constexpr std::size_t max_password_length = 128;  ///< code points

/// 3-32 characters from A-Z a-z 0-9 _ . -
bool valid_username(std::string_view name);

/// 8-128 Unicode code points of valid UTF-8.
bool valid_password(std::string_view password);

/// The case-insensitive identity of a username: usernames are unique, and matched, by this key.
std::string username_key(std::string_view name);

}  // namespace parley::auth
