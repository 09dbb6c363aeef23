#include "parley/log/format.hpp"

#include <cstdint>
#include <cstdio>

namespace parley::log {
namespace {

/// Length of the valid UTF-8 sequence starting at `i`, or 0 when the bytes there are not one
/// (overlong forms, surrogates, values above U+10FFFF, truncated sequences).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    lo = b == 0xE0 ? 0xA0 : 0x80;
    hi = b == 0xED ? 0x9F : 0xBF;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    lo = b == 0xF0 ? 0x90 : 0x80;
    hi = b == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) {
    return 0;
  }
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
      return 0;
    }
  }
  return n;
}

/// A text field value is quoted (JSON style) when it would otherwise not read back as one value.
bool needs_quotes(std::string_view v) {
  if (v.empty()) {
    return true;
  }
  for (const char c : v) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
      return true;
    }
  }
  return false;
}

void append_text_value(std::string& out, const field& f) {
  if (const auto* s = std::get_if<std::string>(&f.value)) {
    if (needs_quotes(*s)) {
      append_json_string(out, *s);
    } else {
      out += *s;
    }
  } else if (const auto* n = std::get_if<std::int64_t>(&f.value)) {
    out += std::to_string(*n);
  } else {
    out += std::get<bool>(f.value) ? "true" : "false";
  }
}

void append_json_value(std::string& out, const field& f) {
  if (const auto* s = std::get_if<std::string>(&f.value)) {
    append_json_string(out, *s);
  } else if (const auto* n = std::get_if<std::int64_t>(&f.value)) {
    out += std::to_string(*n);
  } else {
    out += std::get<bool>(f.value) ? "true" : "false";
  }
}

std::string text_line(const record& r) {
  std::string out;
  out += r.time;
  out += ' ';
  out += level_name(r.lvl);
  out += ' ';
  out += r.component;
  out += ": ";
  out += r.message;
  if (r.fields != nullptr) {
    for (const auto& f : *r.fields) {
      out += ' ';
      out += f.key;
      out += '=';
      append_text_value(out, f);
    }
  }
  out += '\n';
  return out;
}

std::string json_line(const record& r) {
  std::string out = "{\"time\":";
  append_json_string(out, r.time);
  out += ",\"level\":";
  append_json_string(out, level_name(r.lvl));
  out += ",\"component\":";
  append_json_string(out, r.component);
  out += ",\"message\":";
  append_json_string(out, r.message);
  out += ",\"fields\":{\"instance\":";
  append_json_string(out, r.instance);
  if (r.fields != nullptr) {
    for (const auto& f : *r.fields) {
      out += ',';
      append_json_string(out, f.key);
      out += ':';
      append_json_value(out, f);
    }
  }
  out += "}}\n";
  return out;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const auto n = utf8_sequence(text, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

std::string format_line(format f, const record& r) {
  return f == format::json ? json_line(r) : text_line(r);
}

}  // namespace parley::log
