#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace parley::auth {

/// Sign-up and login attempts per client address (contract: PARLEY_AUTH_RATE): at most `limit`
/// in any `window`. An exact sliding window: each address keeps the times of its last `limit`
/// attempts, and a new one is allowed when the oldest of them has left the window.
///
/// Bounded memory whatever an attacker's address count: at most `max_addresses` are remembered,
/// and the one seen least recently is forgotten first (an address idle for a whole window has
/// nothing left to remember anyway). Thread-safe; the caller passes the time.
class attempt_limiter {
 public:
  using clock = std::chrono::steady_clock;

  /// `limit` 0 = unlimited.
  explicit attempt_limiter(std::uint32_t limit,
                           std::chrono::seconds window = std::chrono::seconds(60),
                           std::size_t max_addresses = 4096);

  /// Counts an attempt from `address` at `now`. nullopt: allowed. Otherwise the whole seconds to
  /// wait (at least 1), and the refused attempt is not counted.
  std::optional<std::chrono::seconds> attempt(std::string_view address, clock::time_point now);

  /// Addresses remembered.
  std::size_t size() const;

 private:
  struct entry {
    std::vector<clock::time_point> times;  ///< a ring of the last `limit` attempts
    std::size_t next = 0;                  ///< where the next one goes (the oldest, once full)
    std::list<std::string>::iterator lru;
  };

  std::uint32_t limit_;
  clock::duration window_;
  std::size_t max_addresses_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
  std::list<std::string> lru_;  ///< front: seen most recently
};

}  // namespace parley::auth
