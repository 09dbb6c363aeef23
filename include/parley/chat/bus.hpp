#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/chat/cluster_link.hpp"
#include "parley/chat/match_queue.hpp"
#include "parley/chat/outgoing_message.hpp"
#include "parley/model/channel.hpp"
#include "parley/store/database.hpp"

namespace parley::chat {

/// What the message log, sessions and the HTTP API need from the rest of a cluster, besides
/// what the hub tells it (cluster_link). Standalone it is local_bus, which answers everything
/// here; in a cluster, cluster::redis_bus.
class bus : public cluster_link {
 public:
  /// Starts talking to the other instances; stop() ends it (before the hub goes away).
  virtual void start() = 0;
  virtual void stop() = 0;
  /// A committed batch (store thread): delivered to this instance's sessions in id order per
  /// channel, and made known to the other instances.
  virtual void committed(store::database& db, const std::vector<outgoing_message>& batch) = 0;
  /// A logout on this instance (any thread); the token is already revoked here.
  virtual void token_revoked(const std::string& jti, std::int64_t expires_at) = 0;
  /// Complete (on the awaiting coroutine's executor) once whatever other instances publish for
  /// the channel / the user from now on reaches this instance: a join answers `joined`, a
  /// connect says `hello`, only then.
  virtual boost::asio::awaitable<void> channel_ready(std::string channel) = 0;
  virtual boost::asio::awaitable<void> user_ready(std::int64_t user_id) = 0;

  /// This instance's name in match seats.
  virtual const std::string& node() const = 0;
  /// `me` (one seat, on this instance) asks for a random match, first come first matched across
  /// the cluster: the waiting user it is paired with (no longer waiting), or nullopt when `me`
  /// waits now. Throws when the queue cannot be reached.
  virtual boost::asio::awaitable<std::optional<match_candidate>> match(match_candidate me) = 0;
  /// The user leaves the queue (`unmatch`).
  virtual void unmatch(std::int64_t user_id) = 0;
  /// A session that asked went away.
  virtual void unmatch_seat(std::int64_t user_id, match_seat seat) = 0;
  /// Tells `user`'s asking sessions, wherever they are, that they were matched with `peer` in
  /// `channel`.
  virtual void announce_match(const match_candidate& user, const model::channel_row& channel,
                              const std::string& peer) = 0;
};

}  // namespace parley::chat
