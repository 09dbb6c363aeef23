#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace parley::log {

enum class level { trace, debug, info, warn, error };

/// Parses "trace".."error"; nullopt for anything else.
std::optional<level> parse_level(std::string_view text);

/// Name of a level as written in log lines and configuration.
std::string_view level_name(level l);

/// Sets the threshold and the optional file; safe to call once at start before threads run.
void configure(level threshold, const std::string& file_path);

/// True when lines at this level are written (checked before formatting anything).
bool enabled(level l);

/// Writes one complete line: time, level, component, message. Thread-safe.
void write(level l, std::string_view component, std::string_view message);

/// Collects one line with operator<< and writes it when destroyed.
class line {
 public:
  line(level l, std::string_view component) : level_(l), component_(component) {}
  line(const line&) = delete;
  line& operator=(const line&) = delete;
  ~line() { write(level_, component_, out_.str()); }

  template <class T>
  line& operator<<(const T& value) {
    out_ << value;
    return *this;
  }

 private:
  level level_;
  std::string_view component_;
  std::ostringstream out_;
};

}  // namespace parley::log

// The level check comes first so disabled lines cost no formatting.
#define PARLEY_LOG(lvl, component)                        \
  if (!::parley::log::enabled(::parley::log::level::lvl)) \
    ;                                                     \
  else                                                    \
    ::parley::log::line(::parley::log::level::lvl, component)
