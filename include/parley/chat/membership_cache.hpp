#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "parley/model/channel.hpp"

namespace parley::chat {

/// Memberships this instance has seen stored, so that joining a channel one already belongs to
/// needs no trip to the store thread (the reconnect path: connect, join, send, leave).
///
/// Holds facts the store committed: a channel's id and kind never change; a membership stays
/// true until `leave` with `forget` ends it, which erases it here and, over the bus, on every
/// other instance. A miss only means a trip to the store, so the cache is bounded:
/// past `capacity` entries it starts again empty rather than grow with users × channels.
/// Shared by every I/O thread: one mutex, held for a hash lookup.
class membership_cache {
 public:
  explicit membership_cache(std::size_t capacity = 1 << 20) : capacity_(capacity) {}

  /// The channel `name`, if `user_id` is known to be a member of it.
  std::optional<model::channel_row> member_channel(const std::string& name,
                                                   std::int64_t user_id) const;
  /// Counts forget() calls: read it before asking the store, and pass it to remember().
  std::uint64_t generation() const;
  /// Records that `user_id` is a stored member of `channel`, unless a membership was forgotten
  /// since `generation` was read: the store's answer may predate that forget, so the caller asks
  /// again (false).
  bool remember(const model::channel_row& channel, std::int64_t user_id, std::uint64_t generation);
  /// `user_id` is no longer a member of the channel `name`.
  void forget(const std::string& name, std::int64_t user_id);
  /// Forgets everything (a forget from another instance may have been lost with Redis).
  void clear();
  std::size_t size() const;

 private:
  struct pair_hash {
    std::size_t operator()(const std::pair<std::int64_t, std::int64_t>& p) const {
      return std::hash<std::int64_t>{}(p.first * 1000003 ^ p.second);
    }
  };

  std::size_t capacity_;
  std::uint64_t generation_ = 0;  ///< under mutex_
  mutable std::mutex mutex_;
  std::unordered_map<std::string, model::channel_row> channels_;
  /// (channel id, user id)
  std::unordered_set<std::pair<std::int64_t, std::int64_t>, pair_hash> members_;
};

}  // namespace parley::chat
