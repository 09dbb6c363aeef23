#pragma once

#include <cstddef>
#include <string_view>

namespace parley::auth {

inline constexpr std::size_t min_password_length = 8;    ///< code points
inline constexpr std::size_t max_password_length = 128;  ///< code points

/// 8-128 Unicode code points of valid UTF-8.
bool valid_password(std::string_view password);

}  // namespace parley::auth
