#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "parley/metrics/registry.hpp"

namespace parley::net {

/// Every open connection, so shutdown can ask each to close and then wait for all to be gone.
/// Touched once at open and once at close per connection, never per message.
class connection_registry {
 public:
  explicit connection_registry(metrics::registry& m) : metrics_(m) {}

  /// Registers a connection with the function that asks it to close (called from any thread;
  /// it must post to the connection's own executor). Returns the id for remove().
  std::uint64_t add(std::function<void()> request_close);
  /// Gives registration `id` a new close function: an upgraded connection keeps the id its
  /// HTTP session had, so it is counted once and registered once.
  void hand_over(std::uint64_t id, std::function<void()> request_close);
  void remove(std::uint64_t id);

  /// Asks every connection to close; new connections are asked at once.
  void close_all();

  /// Waits until no connection is left or the deadline passes; true when all are gone.
  bool wait_empty(std::chrono::steady_clock::time_point deadline);

  std::size_t size() const;

 private:
  metrics::registry& metrics_;
  mutable std::mutex mutex_;
  std::condition_variable empty_;
  std::unordered_map<std::uint64_t, std::function<void()>> open_;
  std::uint64_t next_id_ = 1;
  bool closing_ = false;
};

}  // namespace parley::net
