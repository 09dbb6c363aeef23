#include "parley/upload/file_name.hpp"

#include <cstdint>

#include "parley/upload/media_type.hpp"
#include "parley/util/utf8.hpp"

namespace parley::upload {

namespace {

constexpr std::size_t max_name_length = 255;

/// RFC 5987 attr-char: the bytes that may appear unencoded in an ext-value.
bool is_attr_char(std::uint8_t b) {
  if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) {
    return true;
  }
  switch (b) {
    case '!':
    case '#':
    case '$':
    case '&':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

/// The quoted-string fallback: printable ASCII only, without the characters that end or escape
/// the quoted string or that naive parsers split parameters on.
std::string ascii_fallback(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    const auto b = static_cast<std::uint8_t>(c);
    if (b >= 0x80 && b <= 0xBF) {
      continue;  // a continuation byte: its code point already became one '_'
    }
    const bool unsafe = b < 0x20 || b >= 0x7F || c == '"' || c == '\\' || c == ';';
    out.push_back(unsafe ? '_' : c);
  }
  return out;
}

std::string percent_encoded(std::string_view name) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(name.size() * 3);
  for (const char c : name) {
    const auto b = static_cast<std::uint8_t>(c);
    if (is_attr_char(b)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 0x0F]);
    }
  }
  return out;
}

}  // namespace

bool valid_file_name(std::string_view name) {
  const auto length = util::utf8_length(name);
  if (!length || *length == 0 || *length > max_name_length) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto b = static_cast<std::uint8_t>(name[i]);
    if (b < 0x20 || b == 0x7F || b == '/' || b == '\\') {
      return false;
    }
    // U+0080..U+009F are C2 80..C2 9F; in valid UTF-8 a C2 byte always leads a sequence.
    if (b == 0xC2 && static_cast<std::uint8_t>(name[i + 1]) <= 0x9F) {
      return false;
    }
  }
  return true;
}

std::string content_disposition(std::string_view type, std::string_view name) {
  std::string out = is_image(type) ? "inline" : "attachment";
  out += "; filename=\"";
  out += ascii_fallback(name);
  out += "\"; filename*=UTF-8''";
  out += percent_encoded(name);
  return out;
}

}  // namespace parley::upload
