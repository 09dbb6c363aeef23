#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley::http {

/// The contract's rule for cookie-authenticated requests (`PARLEY_ALLOWED_ORIGINS`): a request
/// without an Origin header (not a browser's cross-site request), one from the server's own
/// origin (the Origin's host and port equal the Host header), or from a listed origin is
/// allowed; any other origin, `null` included, is not.
bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed);

/// True when a request authenticates with the cookie (no Authorization header): only those
/// are what a foreign page can make a browser send.
bool uses_cookie_auth(std::string_view authorization, std::string_view cookie);

}  // namespace parley::http
