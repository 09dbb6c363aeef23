#pragma once

#include <cstdint>
#include <string>

#include "parley/chat/presence_entry.hpp"
#include "parley/chat/session_sink.hpp"

namespace parley::chat {

/// What the hub tells the rest of a cluster; by default nobody listens (a standalone instance,
/// a hub in a unit test). The hub calls the first three under its lock, so an implementation
/// must only queue work (never call back into the hub) and sees transitions in the order they
/// happened.
class cluster_link {
 public:
  virtual ~cluster_link() = default;
  /// The channel's first local session joined (true) or its last one left (false).
  virtual void channel_active(const std::string& /*channel*/, bool /*active*/) {}
  /// The user's first local session connected (true) or the last one closed (false).
  virtual void user_active(std::int64_t /*user_id*/, bool /*active*/) {}
  /// The user's first local session joined the channel (true) or the last one left it (false).
  virtual void presence_changed(const presence_entry& /*entry*/, bool /*present*/) {}
  /// A frame for a channel's sessions on the other instances.
  virtual void channel_frame(const std::string& /*channel*/, const shared_frame& /*frame*/) {}
  /// A frame for a user's sessions on the other instances.
  virtual void user_frame(std::int64_t /*user_id*/, const shared_frame& /*frame*/) {}
  /// The user's membership of the channel ended: the other instances forget it too.
  virtual void membership_ended(std::int64_t /*user_id*/, const std::string& /*channel*/) {}
};

}  // namespace parley::chat
