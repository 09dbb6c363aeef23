#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::config {

/// Parses `.env` text: `KEY=VALUE` lines, optional `export ` prefix, `#` comment lines, blank
/// lines, values optionally in single or double quotes. Throws config_error naming the bad line.
std::vector<std::pair<std::string, std::string>> parse_dotenv(std::string_view text);

}  // namespace parley::config
