#pragma once

#include <chrono>
#include <cstdint>

namespace parley::util {

/// Wall-clock seconds since the epoch: token times, creation and read times in the store.
inline std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Wall-clock milliseconds since the epoch: message timestamps.
inline std::int64_t unix_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace parley::util
