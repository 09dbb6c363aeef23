#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace parley::chat {

/// A token bucket: `rate` tokens per second up to `burst`; rate 0 means unlimited. Pure: the
/// caller passes the time, so tests need no clock.
class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  rate_limiter(std::uint32_t rate, std::uint32_t burst, clock::time_point now)
      : rate_(rate), burst_(burst), tokens_(burst), last_(now) {}

  /// Takes one token; false when the bucket is empty (the frame is to be dropped).
  bool allow(clock::time_point now) {
    if (rate_ == 0) {
      return true;
    }
    const std::chrono::duration<double> elapsed = now - last_;
    last_ = now;
    tokens_ = std::min<double>(burst_, tokens_ + elapsed.count() * rate_);
    if (tokens_ < 1.0) {
      return false;
    }
    tokens_ -= 1.0;
    return true;
  }

 private:
  std::uint32_t rate_;
  std::uint32_t burst_;
  double tokens_;
  clock::time_point last_;
};

}  // namespace parley::chat
