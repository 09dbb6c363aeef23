#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace parley::config
