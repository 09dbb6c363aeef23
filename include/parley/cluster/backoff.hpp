#pragma once

#include <algorithm>
#include <chrono>

namespace parley::cluster {

/// The first wait before reconnecting to Redis, and the longest.
constexpr std::chrono::milliseconds first_backoff{250};
constexpr std::chrono::milliseconds max_backoff{5000};

/// The waits between attempts to reconnect one connection: 250 ms, doubling up to 5 s, and
/// 250 ms again once an attempt succeeds.
class backoff {
 public:
  /// The wait before the next attempt; the one after it is twice as long, up to the cap.
  std::chrono::milliseconds next() {
    const auto wait = wait_;
    wait_ = std::min(wait_ * 2, max_backoff);
    return wait;
  }
  /// An attempt succeeded.
  void reset() { wait_ = first_backoff; }

 private:
  std::chrono::milliseconds wait_ = first_backoff;
};

}  // namespace parley::cluster
