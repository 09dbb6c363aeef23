#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parley/log/log.hpp"

namespace parley::log {

/// Everything one log line says.
struct record {
  std::string_view time;  ///< ISO-8601 UTC with milliseconds
  level lvl = level::info;
  std::string_view component;
  std::string_view message;
  /// JSON only: every line carries it as fields.instance. The text format names the instance
  /// once, in the listening line, as it always did.
  std::string_view instance;
  const std::vector<field>* fields = nullptr;
};

/// The line as written, '\n' included. Text: `time level component: message key=value...`.
/// JSON: {"time","level","component","message","fields":{"instance",...}}; always valid JSON,
/// whatever bytes the message holds (invalid UTF-8 becomes U+FFFD).
std::string format_line(format f, const record& r);

/// Appends `text` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace parley::log
