#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parley::model {

inline constexpr std::size_t min_username_length = 3;
inline constexpr std::size_t max_username_length = 32;

/// 3-32 characters from A-Z a-z 0-9 _ . -
bool valid_username(std::string_view name);

/// The case-insensitive identity of a username: usernames are unique, and matched, by this key.
std::string username_key(std::string_view name);

}  // namespace parley::model
