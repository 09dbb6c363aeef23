#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::config {

/// Parses a whole decimal number within [min, max]; nullopt for anything else.
std::optional<std::uint64_t> parse_uint(std::string_view text, std::uint64_t min,
                                        std::uint64_t max);

/// The items of a comma-separated value, spaces around each removed, empty ones kept (callers
/// decide whether an empty item is an error).
std::vector<std::string_view> split_commas(std::string_view text);

/// A host and port split from `host:port` or `[v6]:port`.
struct host_port {
  std::string host;
  std::uint16_t port = 0;
};

/// Parses `host:port` or `[v6addr]:port`; nullopt when malformed or the port is not 0-65535.
std::optional<host_port> parse_host_port(std::string_view text);

}  // namespace parley::config
