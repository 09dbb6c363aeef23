#include "parley/log/log.hpp"

#include "parley/log/format.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace parley::log {
namespace {

std::atomic<int> threshold_{static_cast<int>(level::info)};
std::mutex write_mutex_;
std::FILE* file_ = nullptr;
// Set by configure() before any thread runs, read-only afterwards.
format format_ = format::text;
std::string instance_;

std::string timestamp() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto secs = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%.*s.%03dZ", static_cast<int>(n), buf, static_cast<int>(millis));
  return out;
}

}  // namespace

std::optional<level> parse_level(std::string_view text) {
  for (auto l : {level::trace, level::debug, level::info, level::warn, level::error}) {
    if (level_name(l) == text) {
      return l;
    }
  }
  return std::nullopt;
}

std::string_view level_name(level l) {
  switch (l) {
    case level::trace:
      return "trace";
    case level::debug:
      return "debug";
    case level::info:
      return "info";
    case level::warn:
      return "warn";
    case level::error:
      return "error";
  }
  return "?";
}

std::optional<format> parse_format(std::string_view text) {
  if (text == "text") {
    return format::text;
  }
  if (text == "json") {
    return format::json;
  }
  return std::nullopt;
}

void configure(const settings& s) {
  threshold_.store(static_cast<int>(s.threshold));
  std::lock_guard lock(write_mutex_);
  format_ = s.line_format;
  instance_ = s.instance;
  const auto& file_path = s.file_path;
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
  }
  if (!file_path.empty()) {
    file_ = std::fopen(file_path.c_str(), "a");
    if (file_ == nullptr) {
      throw std::runtime_error("cannot open log file " + file_path);
    }
  }
}

bool enabled(level l) {
  return static_cast<int>(l) >= threshold_.load(std::memory_order_relaxed);
}

void write(level l, std::string_view component, std::string_view message,
           const std::vector<field>& fields) {
  const auto time = timestamp();
  const auto text = format_line(format_, {.time = time,
                                          .lvl = l,
                                          .component = component,
                                          .message = message,
                                          .instance = instance_,
                                          .fields = &fields});
  std::lock_guard lock(write_mutex_);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
  if (file_ != nullptr) {
    std::fwrite(text.data(), 1, text.size(), file_);
    std::fflush(file_);
  }
}

}  // namespace parley::log
