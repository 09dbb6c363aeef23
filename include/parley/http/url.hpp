#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace parley::http {

/// Decodes %XX escapes (and nothing else: '+' stays '+' in paths). nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view text);

/// A request target split at '?'.
struct target_parts {
  std::string_view path;
  std::string_view query;
};

target_parts split_target(std::string_view target);

/// Query parameters, decoded ('+' means space); the first of repeated keys wins.
/// nullopt on a bad escape.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view query);

}  // namespace parley::http
