// `.env` parsing on arbitrary text. It may only refuse with config_error; what it accepts must be
// well-formed keys with single-line values, and the result must survive writing it back out
// quoted, Windows line endings and an added comment.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "check.hpp"
#include "parley/config/config.hpp"
#include "parley/config/dotenv.hpp"

namespace {

using entries = std::vector<std::pair<std::string, std::string>>;

/// The entries, or nullopt when the text was refused.
std::optional<entries> parse(std::string_view text) {
  try {
    return parley::config::parse_dotenv(text);
  } catch (const parley::config::config_error&) {
    return std::nullopt;
  }
}

bool valid_key(std::string_view key) {
  return !key.empty() && key.find_first_not_of(
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                             "0123456789_") == std::string_view::npos;
}

/// `entries` written back as .env text, every value quoted; nullopt when a value holds both
/// kinds of quote and so has no quoted form.
std::optional<std::string> quoted(const entries& parsed) {
  std::string out;
  for (const auto& [key, value] : parsed) {
    const char quote = value.find('\'') == std::string::npos ? '\'' : '"';
    if (value.find(quote) != std::string::npos) {
      return std::nullopt;
    }
    out += key + "=" + quote + value + quote + "\n";
  }
  return out;
}

std::string with_crlf(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') {
      out += '\r';
    }
    out += c;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse(text);

  PARLEY_FUZZ_CHECK(parse(with_crlf(text)) == parsed);
  PARLEY_FUZZ_CHECK(parse(std::string(text) + "\n# a comment\n") == parsed);
  if (!parsed) {
    return 0;
  }
  for (const auto& [key, value] : *parsed) {
    PARLEY_FUZZ_CHECK(valid_key(key));
    PARLEY_FUZZ_CHECK(value.find('\n') == std::string::npos);
  }
  if (const auto rewritten = quoted(*parsed)) {
    PARLEY_FUZZ_CHECK(parse(*rewritten) == parsed);
  }
  return 0;
}
