#pragma once

#include <algorithm>
#include <chrono>

namespace parley::util {

/// The waits between attempts to reconnect one connection: `first`, doubling up to `longest`,
/// and `first` again once an attempt succeeds. Each caller picks its own bounds (a Redis link
/// waits longer than a benchmark client re-dialling a restarted server).
class backoff {
 public:
  constexpr backoff(std::chrono::milliseconds first, std::chrono::milliseconds longest)
      : first_(first), longest_(longest), wait_(first) {}

  /// The wait before the next attempt; the one after it is twice as long, up to `longest`.
  constexpr std::chrono::milliseconds next() {
    const auto wait = wait_;
    wait_ = std::min(wait_ * 2, longest_);
    return wait;
  }
  /// An attempt succeeded.
  constexpr void reset() { wait_ = first_; }

 private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds longest_;
  std::chrono::milliseconds wait_;
};

}  // namespace parley::util
