#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace parley::util {

/// Number of Unicode code points in `text`; nullopt when it is not valid UTF-8
/// (overlong forms, surrogates and values above U+10FFFF are invalid).
std::optional<std::size_t> utf8_length(std::string_view text);

}  // namespace parley::util
