#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::config {

/// A parsed `redis://[:password@]host:port[/db]`.
struct redis_url {
  std::string host;
  std::uint16_t port = 6379;
  std::string password;
  int db = 0;
};

/// Parses a Redis URL; nullopt when it is not of the documented form.
std::optional<redis_url> parse_redis_url(std::string_view text);

/// Parses PARLEY_REDIS_URL: one or more URLs separated by commas (spaces around them ignored),
/// in order; nullopt when one is malformed or empty, or one server is listed twice.
std::optional<std::vector<redis_url>> parse_redis_urls(std::string_view text);

}  // namespace parley::config
