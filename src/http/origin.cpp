#include "parley/http/origin.hpp"

#include <algorithm>

namespace parley::http {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

/// "host[:port]" of "scheme://host[:port]" (empty when it is not that shape).
std::string_view authority(std::string_view origin) {
  const auto sep = origin.find("://");
  if (sep == std::string_view::npos) {
    return {};
  }
  auto rest = origin.substr(sep + 3);
  if (rest.empty() || rest.find_first_of("/?#@") != std::string_view::npos) {
    return {};
  }
  return rest;
}

/// The port a scheme implies when the authority names none.
std::string_view default_port(std::string_view origin) {
  if (origin.starts_with("https://")) {
    return "443";
  }
  return "80";
}

/// Same host and port, a missing port meaning the scheme's default.
bool same_authority(std::string_view origin, std::string_view host) {
  const auto theirs = authority(origin);
  if (theirs.empty() || host.empty()) {
    return false;
  }
  const auto with_port = [&](std::string_view a) {
    const auto colon = a.rfind(':');
    const auto bracket = a.rfind(']');
    const bool has_port =
        colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
    return has_port ? std::string(a) : std::string(a) + ":" + std::string(default_port(origin));
  };
  return iequal(with_port(theirs), with_port(host));
}

}  // namespace

bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed) {
  if (origin.empty()) {
    return true;
  }
  if (same_authority(origin, host)) {
    return true;
  }
  return std::any_of(allowed.begin(), allowed.end(),
                     [origin](const std::string& a) { return iequal(a, origin); });
}

bool uses_cookie_auth(std::string_view authorization, std::string_view cookie) {
  return authorization.empty() && cookie.find("parley_token=") != std::string_view::npos;
}

}  // namespace parley::http
