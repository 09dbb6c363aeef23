#include "parley/log/log.hpp"

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

void configure(level threshold, const std::string& file_path) {
  threshold_.store(static_cast<int>(threshold));
  std::lock_guard lock(write_mutex_);
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

void write(level l, std::string_view component, std::string_view message) {
  std::string text = timestamp();
  text += ' ';
  text += level_name(l);
  text += ' ';
  text += component;
  text += ": ";
  text += message;
  text += '\n';
  std::lock_guard lock(write_mutex_);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
  if (file_ != nullptr) {
    std::fwrite(text.data(), 1, text.size(), file_);
    std::fflush(file_);
  }
}

}  // namespace parley::log
