#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "parley/model/channel.hpp"
#include "parley/proto/shared_frame.hpp"

namespace parley::chat {

using proto::shared_frame;

/// What the hub needs from a local WebSocket session. Called only on the session's own thread,
/// while the hub walks its index: implementations must not call back into the hub from here
/// (a slow consumer schedules its close instead of detaching on the spot).
class session_sink {
 public:
  virtual ~session_sink() = default;
  virtual std::uint64_t session_id() const = 0;
  virtual std::int64_t user_id() const = 0;
  /// A channel message; the session may hold it back while it replays the channel's history.
  /// `committed_at`: when this instance committed it (unset for another instance's message).
  virtual void deliver_message(const std::string& channel, std::int64_t id,
                               const shared_frame& frame,
                               std::chrono::steady_clock::time_point committed_at) = 0;
  /// Any other frame (typing, seen, user_joined, invitation ...), queued as is.
  virtual void deliver(const shared_frame& frame) = 0;
  /// The user's membership of `channel` ended (`leave` with `forget` in another session): the
  /// hub has unsubscribed this session; it tells its client.
  virtual void channel_forgotten(const std::string& channel) = 0;
  /// A random match this session asked for was made: it joins `channel` and tells its client.
  virtual void match_made(const model::channel_row& channel, const std::string& peer) = 0;
};

}  // namespace parley::chat
