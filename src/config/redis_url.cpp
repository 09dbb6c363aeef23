#include "parley/config/redis_url.hpp"

#include "parley/config/parse.hpp"

namespace parley::config {

std::optional<redis_url> parse_redis_url(std::string_view text) {
  constexpr std::string_view scheme = "redis://";
  if (!text.starts_with(scheme)) {
    return std::nullopt;
  }
  text.remove_prefix(scheme.size());
  redis_url out;
  if (const auto at = text.rfind('@'); at != std::string_view::npos) {
    auto credentials = text.substr(0, at);
    // Only the password form is documented; a user name before the colon is accepted and unused.
    const auto colon = credentials.find(':');
    if (colon == std::string_view::npos) {
      return std::nullopt;
    }
    out.password = std::string(credentials.substr(colon + 1));
    text.remove_prefix(at + 1);
  }
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    const auto db_text = text.substr(slash + 1);
    if (!db_text.empty()) {
      const auto db = parse_uint(db_text, 0, 1'000'000);
      if (!db) {
        return std::nullopt;
      }
      out.db = static_cast<int>(*db);
    }
    text = text.substr(0, slash);
  }
  if (text.find(':') == std::string_view::npos) {
    // Without a port the host is a name or an IPv4 address; a bracketed IPv6 address has colons
    // and takes the branch below, so brackets here are malformed.
    if (text.empty() || text.find_first_of("[]") != std::string_view::npos) {
      return std::nullopt;
    }
    out.host = std::string(text);
    return out;
  }
  const auto hp = parse_host_port(text);
  if (!hp || hp->port == 0) {
    return std::nullopt;
  }
  out.host = hp->host;
  out.port = hp->port;
  return out;
}

std::optional<std::vector<redis_url>> parse_redis_urls(std::string_view text) {
  std::vector<redis_url> out;
  for (const auto item : split_commas(text)) {
    auto url = parse_redis_url(item);
    if (!url) {
      return std::nullopt;
    }
    for (const auto& seen : out) {
      if (seen.host == url->host && seen.port == url->port) {
        return std::nullopt;
      }
    }
    out.push_back(std::move(*url));
  }
  return out;
}

}  // namespace parley::config
