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

/// Wall-clock microseconds since the epoch: commit times that travel between instances.
inline std::int64_t unix_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// This process's steady-clock time of a wall-clock instant (microseconds since the epoch) read
/// on this or another host: as exact as the hosts' clocks agree.
inline std::chrono::steady_clock::time_point steady_time_of(std::int64_t unix_us) {
  return std::chrono::steady_clock::now() - std::chrono::microseconds(unix_micros() - unix_us);
}

}  // namespace parley::util
