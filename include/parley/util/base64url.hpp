#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::util {

/// Base64url without padding (RFC 4648 section 5), as JWT uses.
std::string base64url_encode(std::string_view bytes);

/// Decodes unpadded base64url; nullopt on any character outside the alphabet or a bad length.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace parley::util
