#pragma once

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace parley::log {

enum class level { trace, debug, info, warn, error };

/// How lines are written: today's human text, or one JSON object per line for log collectors.
enum class format { text, json };

/// Parses "trace".."error"; nullopt for anything else.
std::optional<level> parse_level(std::string_view text);

/// Name of a level as written in log lines and configuration.
std::string_view level_name(level l);

/// Parses "text" or "json"; nullopt for anything else.
std::optional<format> parse_format(std::string_view text);

/// A structured value a call site attaches to its line (JSON: a member of "fields"; text: a
/// trailing key=value).
struct field {
  std::string key;
  std::variant<std::string, std::int64_t, bool> value;
};

/// What configure() sets up.
struct settings {
  level threshold = level::info;
  std::string file_path;  ///< empty: stderr only
  format line_format = format::text;
  std::string instance;  ///< written as fields.instance on every JSON line
};

/// Applies `s`; safe to call once at start before threads run. Throws if the file cannot be
/// opened.
void configure(const settings& s);

/// True when lines at this level are written (checked before formatting anything).
bool enabled(level l);

/// Writes one complete line: time, level, component, message, fields. Thread-safe.
void write(level l, std::string_view component, std::string_view message,
           const std::vector<field>& fields = {});

/// Collects one line with operator<< (and field()) and writes it when destroyed.
class line {
 public:
  line(level l, std::string_view component) : level_(l), component_(component) {}
  line(const line&) = delete;
  line& operator=(const line&) = delete;
  ~line() { write(level_, component_, out_.str(), fields_); }

  template <class T>
  line& operator<<(const T& value) {
    out_ << value;
    return *this;
  }

  /// Attaches a field: integers and bools stay numbers and booleans in JSON, anything else is
  /// written as text with operator<<.
  template <class T>
  line& field(std::string key, const T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      fields_.push_back({std::move(key), value});
    } else if constexpr (std::is_integral_v<T>) {
      fields_.push_back({std::move(key), static_cast<std::int64_t>(value)});
    } else {
      std::ostringstream text;
      text << value;
      fields_.push_back({std::move(key), text.str()});
    }
    return *this;
  }

 private:
  level level_;
  std::string_view component_;
  std::ostringstream out_;
  std::vector<log::field> fields_;
};

}  // namespace parley::log

// The level check comes first so disabled lines cost no formatting. Fields go before the text:
// PARLEY_LOG(info, "server").field("port", p) << "listening on " << address.
#define PARLEY_LOG(lvl, component)                        \
  if (!::parley::log::enabled(::parley::log::level::lvl)) \
    ;                                                     \
  else                                                    \
    ::parley::log::line(::parley::log::level::lvl, component)
