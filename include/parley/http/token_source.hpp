#pragma once

#include <string>
#include <string_view>

namespace parley::http {

/// The token a request carries: `Authorization: Bearer`, then the `parley_token` cookie, then
/// (only when `allow_query`, i.e. on /ws) the `token` query parameter. Empty when none.
std::string extract_token(std::string_view authorization, std::string_view cookie,
                          std::string_view target, bool allow_query);

}  // namespace parley::http
