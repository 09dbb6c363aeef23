#include "parley/config/dotenv.hpp"

#include "parley/config/config.hpp"

namespace parley::config {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

bool valid_key(std::string_view key) {
  if (key.empty()) {
    return false;
  }
  for (char c : key) {
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_dotenv(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    auto line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (line.starts_with("export ")) {
      line = trim(line.substr(7));
    }
    const auto eq = line.find('=');
    const auto key = eq == std::string_view::npos ? line : trim(line.substr(0, eq));
    if (eq == std::string_view::npos || !valid_key(key)) {
      throw config_error(".env line " + std::to_string(line_no) + ": expected KEY=VALUE");
    }
    auto value = trim(line.substr(eq + 1));
    if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
      const auto close = value.find(value.front(), 1);
      if (close == std::string_view::npos || !trim(value.substr(close + 1)).empty()) {
        throw config_error(".env line " + std::to_string(line_no) + ": unterminated quote");
      }
      value = value.substr(1, close - 1);
    } else if (const auto hash = value.find(" #"); hash != std::string_view::npos) {
      value = trim(value.substr(0, hash));
    }
    out.emplace_back(std::string(key), std::string(value));
  }
  return out;
}

}  // namespace parley::config
